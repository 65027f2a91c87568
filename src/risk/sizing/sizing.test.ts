import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { annualizedVol, atrRiskQty, fixedFractionQty, fixedQuantity, floorToLot, kellyFraction, kellyQty, volTargetQty } from './sizing.ts';

describe('floorToLot and fixedQuantity', () => {
  it('floor to the lot size, never round up', () => {
    expect(fixedQuantity(37.6, 1)).toBe(37);
    expect(fixedQuantity(37.6, 5)).toBe(35);
    expect(fixedQuantity(0.123456789, 1e-8)).toBe(0.12345678);
    expect(fixedQuantity(99.99, 100)).toBe(0);
    expect(floorToLot(-5, 1)).toBe(0);
  });

  it('reject a negative quantity or a non-positive lot size', () => {
    expect(() => fixedQuantity(-1, 1)).toThrow(InputError);
    expect(() => fixedQuantity(10, 0)).toThrow(/lotSize/);
  });
});

describe('fixedFractionQty', () => {
  it('buys 10% of 100 000 at 37: 10 000 / 37 = 270.27 → 270 shares, or 200 in lots of 100', () => {
    expect(fixedFractionQty({ equity: 100_000, fraction: 0.1, price: 37, lotSize: 1 })).toBe(270);
    expect(fixedFractionQty({ equity: 100_000, fraction: 0.1, price: 37, lotSize: 100 })).toBe(200);
  });

  it('is zero with no equity and rejects a non-positive price', () => {
    expect(fixedFractionQty({ equity: -5000, fraction: 0.1, price: 37, lotSize: 1 })).toBe(0);
    expect(() => fixedFractionQty({ equity: 1000, fraction: 0.1, price: 0, lotSize: 1 })).toThrow(/price/);
  });
});

describe('Kelly', () => {
  it('f* = p − (1 − p)/b: 0.6 − 0.4/2 = 0.4', () => {
    expect(kellyFraction(0.6, 2)).toBeCloseTo(0.4, 15);
  });

  it('scales by the multiplier (half Kelly 0.2) and stops at the cap (0.25)', () => {
    expect(kellyFraction(0.6, 2, { multiplier: 0.5 })).toBeCloseTo(0.2, 15);
    expect(kellyFraction(0.6, 2, { cap: 0.25 })).toBe(0.25);
  });

  it('is zero without an edge', () => {
    expect(kellyFraction(0.3, 1)).toBe(0); // −0.4
    expect(kellyFraction(0.5, 1)).toBe(0);
    expect(kellyFraction(0, 3)).toBe(0);
  });

  it('sizes 50 000 at 25 with p 0.55, b 1.5 at half Kelly: f = 0.125, 6 250 / 25 = 250', () => {
    expect(kellyQty({ equity: 50_000, price: 25, winRate: 0.55, payoffRatio: 1.5, multiplier: 0.5, lotSize: 1 })).toBe(250);
    expect(kellyQty({ equity: 50_000, price: 25, winRate: 0.55, payoffRatio: 1.5, multiplier: 0.5, lotSize: 100 })).toBe(200);
    expect(kellyQty({ equity: 50_000, price: 25, winRate: 0.4, payoffRatio: 1, lotSize: 1 })).toBe(0);
  });

  it('rejects a win rate outside [0, 1] or a non-positive payoff ratio', () => {
    expect(() => kellyFraction(1.2, 1)).toThrow(/winRate/);
    expect(() => kellyFraction(0.5, 0)).toThrow(/payoffRatio/);
  });
});

describe('volatility targeting', () => {
  it('annualizes the sample std of returns by √252', () => {
    // ±1% alternating: mean 0, sample variance 4e-4 / 3
    expect(annualizedVol([0.01, -0.01, 0.01, -0.01])).toBeCloseTo(Math.sqrt((4e-4 / 3) * 252), 15);
    expect(annualizedVol([0.01, -0.01, 0.01, -0.01], 12)).toBeCloseTo(Math.sqrt((4e-4 / 3) * 12), 15);
  });

  it('targets 10% with a 25%-vol stock: notional 0.4 × 1 000 000, 8 000 shares at 50', () => {
    expect(volTargetQty({ equity: 1_000_000, price: 50, targetAnnualVol: 0.1, realizedAnnualVol: 0.25, lotSize: 1 })).toBe(8000);
  });

  it('caps the leverage: 0.1 / 0.04 = 2.5× capped at 2× gives 40 000 shares', () => {
    expect(volTargetQty({ equity: 1_000_000, price: 50, targetAnnualVol: 0.1, realizedAnnualVol: 0.04, lotSize: 1, maxLeverage: 2 })).toBe(40_000);
    expect(volTargetQty({ equity: 1_000_000, price: 50, targetAnnualVol: 0.1, realizedAnnualVol: 0.04, lotSize: 1 })).toBe(50_000);
  });

  it('sizes futures by point value: 500 000 notional / (4 000 × 50) = 2.5 → 2 contracts', () => {
    expect(volTargetQty({ equity: 1_000_000, price: 4000, pointValue: 50, targetAnnualVol: 0.1, realizedAnnualVol: 0.2, lotSize: 1 })).toBe(2);
  });

  it('rejects a zero realized volatility', () => {
    expect(() => volTargetQty({ equity: 1e6, price: 50, targetAnnualVol: 0.1, realizedAnnualVol: 0, lotSize: 1 })).toThrow(/realizedAnnualVol/);
  });
});

describe('ATR risk per trade', () => {
  it('risks 1% of 100 000 with a 2 × 2.5 ATR stop: 1 000 / 5 = 200 shares', () => {
    expect(atrRiskQty({ equity: 100_000, riskFraction: 0.01, atr: 2.5, atrMultiple: 2, lotSize: 1 })).toBe(200);
  });

  it('floors 1 000 / 6 = 166.7 to 166 shares, or 150 in lots of 50', () => {
    expect(atrRiskQty({ equity: 100_000, riskFraction: 0.01, atr: 3, atrMultiple: 2, lotSize: 1 })).toBe(166);
    expect(atrRiskQty({ equity: 100_000, riskFraction: 0.01, atr: 3, atrMultiple: 2, lotSize: 50 })).toBe(150);
  });

  it('sizes futures by point value and gives 0 when one contract risks too much', () => {
    // 1 000 at risk; one contract risks 20 × 1.5 × 50 = 1 500
    expect(atrRiskQty({ equity: 200_000, riskFraction: 0.005, atr: 20, atrMultiple: 1.5, pointValue: 50, lotSize: 1 })).toBe(0);
    // 3 000 at risk: 2 contracts
    expect(atrRiskQty({ equity: 200_000, riskFraction: 0.015, atr: 20, atrMultiple: 1.5, pointValue: 50, lotSize: 1 })).toBe(2);
  });

  it('rejects a non-positive ATR', () => {
    expect(() => atrRiskQty({ equity: 1e5, riskFraction: 0.01, atr: 0, atrMultiple: 2, lotSize: 1 })).toThrow(/atr/);
  });
});
