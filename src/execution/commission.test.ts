import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { fillCommission, FractionCommission, MakerTakerCommission, NO_COMMISSION, PerShareCommission, TieredCommission, type CommissionModel } from './commission.ts';

const tiered = new TieredCommission([
  { upTo: 10_000, rate: 0.002 },
  { upTo: 100_000, rate: 0.001 },
  { upTo: Infinity, rate: 0.0005 },
]);

describe('commission models (hand-computed)', () => {
  // [case, model, qty, price, liquidity, multiplier, expected]
  const table: [string, CommissionModel, number, number, 'maker' | 'taker', number, number][] = [
    ['fraction: 0.1% of 10 x 102', new FractionCommission(0.001), 10, 102, 'taker', 1, 1.02],
    ['fraction: sign of qty ignored', new FractionCommission(0.001), -10, 102, 'taker', 1, 1.02],
    ['fraction: multiplier scales value', new FractionCommission(0.0001), 2, 4000, 'taker', 50, 40],
    ['no commission', NO_COMMISSION, 100, 50, 'taker', 1, 0],
    ['per share: above the minimum', new PerShareCommission(0.005, 1), 1000, 20, 'taker', 1, 5],
    ['per share: the minimum applies', new PerShareCommission(0.005, 1), 100, 20, 'taker', 1, 1],
    ['per share: capped at 1% of value', new PerShareCommission(0.005, 1, 0.01), 1000, 0.1, 'taker', 1, 1],
    ['per share: cap above the raw amount', new PerShareCommission(0.005, 1, 0.01), 1000, 20, 'taker', 1, 5],
    ['tiered: first tier (value 5,000)', tiered, 50, 100, 'taker', 1, 10],
    ['tiered: exactly at a tier edge (value 10,000)', tiered, 100, 100, 'taker', 1, 20],
    ['tiered: second tier applies to the whole fill (value 20,000)', tiered, 200, 100, 'taker', 1, 20],
    ['tiered: top tier (value 200,000)', tiered, 2000, 100, 'taker', 1, 100],
    ['maker/taker: taker pays 4 bps', new MakerTakerCommission(-0.0001, 0.0004), 10, 100, 'taker', 1, 0.4],
    ['maker/taker: maker earns a 1 bp rebate', new MakerTakerCommission(-0.0001, 0.0004), 10, 100, 'maker', 1, -0.1],
  ];
  it.each(table)('%s', (_name, model, qty, price, liq, mult, expected) => {
    expect(model.commission(qty, price, liq, mult)).toBeCloseTo(expected, 10);
  });

  it('refuses a negative fraction and an empty tier list', () => {
    expect(() => new FractionCommission(-0.001)).toThrow(ConfigError);
    expect(() => new FractionCommission(NaN)).toThrow(ConfigError);
    expect(() => new TieredCommission([])).toThrow(ConfigError);
  });

  it('falls back to the last tier beyond every bound', () => {
    const t = new TieredCommission([{ upTo: 1000, rate: 0.01 }, { upTo: 5000, rate: 0.005 }]);
    expect(t.commission(100, 100, 'taker', 1)).toBeCloseTo(50, 10);
  });

  it("adds the instrument's per-unit commission to the model's and applies its minimum to the sum", () => {
    const fraction = new FractionCommission(0.001);
    // 10 x 102 x 0.001 = 1.02, plus 10 x 0.5 = 5.
    expect(fillCommission(fraction, 10, 102, 'taker', { multiplier: 1, commissionPerUnit: 0.5 })).toBeCloseTo(6.02, 12);
    // Futures: 2 per contract, the multiplier only scales the fraction of value.
    expect(fillCommission(NO_COMMISSION, -3, 4000, 'taker', { multiplier: 10, commissionPerUnit: 2 })).toBe(6);
    expect(fillCommission(NO_COMMISSION, 100, 20, 'taker', { multiplier: 1, commissionPerUnit: 0.005, minCommission: 1 })).toBe(1);
    expect(fillCommission(fraction, 1, 10, 'taker', { multiplier: 1, minCommission: 1 })).toBe(1);
    // Nothing set on the instrument: the model alone.
    expect(fillCommission(fraction, 10, 102, 'taker', { multiplier: 1 })).toBeCloseTo(1.02, 12);
  });
});
