import { describe, expect, it } from 'vitest';
import { Portfolio } from './portfolio.ts';

describe('Portfolio', () => {
  it('moves cash by value plus commission and keeps the same position object', () => {
    const p = new Portfolio({ type: 'cash', startingCash: 10_000 });
    const pos = p.position('X');
    p.applyFill('X', 10, 100, 1, 1);
    expect(p.position('X')).toBe(pos);
    expect(p.cash).toBe(10_000 - 1000 - 1);
    expect(p.commissionPaid).toBe(1);
    expect(p.openPositions()).toEqual([pos]);
  });

  it('marks equity at the last price, with multipliers, and lists only open positions', () => {
    const p = new Portfolio({ type: 'margin', startingCash: 100_000 });
    p.applyFill('ES', -2, 4000, 0, 1, 50);
    p.applyFill('X', 10, 100, 0, 1);
    p.mark('ES', 3990);
    p.mark('X', 110);
    p.mark('NEVER', 5);
    expect(p.positionsValue()).toBe(-2 * 3990 * 50 + 1100);
    expect(p.equity()).toBe(100_000 + 400_000 - 1000 - 399_000 + 1100);
    expect(p.grossExposure()).toBe(399_000 + 1100);
    p.applyFill('X', -10, 110, 0, 2);
    expect(p.openPositions().map((x) => x.symbol)).toEqual(['ES']);
    expect(p.realizedPnl).toBe(100);
  });

  it.each([
    ['cash account: buying power is cash', 'cash', undefined, 10_000, 0, 10_000],
    ['cash account: never negative', 'cash', undefined, -5, 0, 0],
    ['margin account: leverage 2 by default', 'margin', undefined, 10_000, 0, 20_000],
    ['margin account: leverage x equity minus exposure', 'margin', 4, 10_000, 15_000, 4 * 25_000 - 15_000],
  ] as const)('%s', (_n, type, leverage, cash, longValue, expected) => {
    const p = new Portfolio({ type, startingCash: cash + longValue, leverage });
    if (longValue > 0) p.applyFill('X', longValue / 100, 100, 0, 0);
    expect(p.buyingPower()).toBe(expected);
  });

  it('reports its state', () => {
    const p = new Portfolio({ type: 'margin', startingCash: 10_000, leverage: 4 });
    p.applyFill('X', 100, 100, 0, 0);
    expect(p.state()).toEqual({ type: 'margin', currency: 'USD', cash: 0, equity: 10_000, marginUsed: 2500, buyingPower: 30_000, leverage: 4 });
    const c = new Portfolio({ type: 'cash', startingCash: 10_000, leverage: 4 });
    expect(c.leverage).toBe(1);
    expect(c.state().marginUsed).toBe(0);
  });

  describe('financing', () => {
    it('charges borrow on short value and margin interest on negative cash, actual/365', () => {
      const p = new Portfolio({ type: 'margin', startingCash: 10_000 });
      p.applyFill('S', -10, 365, 0, 0); // short 3650, cash 13,650
      p.applyFill('L', 200, 100, 0, 0); // long 20,000, cash -6,350
      // borrow: 3650 x 0.10 x 2/365 = 2; margin: 6350 x 0.0365 x 2/365 = 1.27
      expect(p.accrueFinancing(2, 0.1, 0.0365)).toBeCloseTo(3.27, 10);
      expect(p.financingPaid).toBeCloseTo(3.27, 10);
      expect(p.cash).toBeCloseTo(-6350 - 3.27, 9);
    });

    it('charges nothing without days or rates, or to a long paid in cash', () => {
      const p = new Portfolio({ type: 'margin', startingCash: 10_000 });
      p.applyFill('L', 10, 100, 0, 0);
      expect(p.accrueFinancing(0, 0.1, 0.1)).toBe(0);
      expect(p.accrueFinancing(3, 0, 0)).toBe(0);
      expect(p.accrueFinancing(3, 0.1, 0.1)).toBe(0);
      expect(p.cash).toBe(9000);
    });
  });

  describe('futures-style margin', () => {
    it('free cash = ledger + Σ (qty x last x multiplier - margin x |qty|); equity = free cash + blocked margin', () => {
      const p = new Portfolio({ type: 'cash', startingCash: 10_000, margins: new Map([['ES', 1000]]) });
      p.applyFill('ES', 2, 4000, 4, 1, 10);
      // The ledger pays the notional (80,000); the free cash only the margin.
      expect(p.cash).toBe(10_000 - 80_000 - 4);
      expect(p.blockedMargin()).toBe(2000);
      expect(p.freeCash()).toBe(10_000 - 2000 - 4);
      p.mark('ES', 4010);
      expect(p.freeCash()).toBe(10_000 - 2000 - 4 + 2 * 10 * 10);
      expect(p.equity()).toBe(p.freeCash() + p.blockedMargin());
      expect(p.buyingPower()).toBe(p.freeCash());
      expect(p.state()).toMatchObject({ cash: 8196, equity: 10_196, marginUsed: 2000 });
      p.applyFill('ES', -2, 4010, 4, 2, 10);
      expect(p.blockedMargin()).toBe(0);
      expect(p.freeCash()).toBe(p.cash);
      expect(p.cash).toBe(10_000 + 200 - 8);
    });

    it('margins a symbol from setMargin on, and refuses to change it under an open position', () => {
      const p = new Portfolio({ type: 'cash', startingCash: 10_000 });
      const pos = p.position('F', 10);
      p.setMargin('F', 500);
      expect(pos.margin).toBe(500);
      p.applyFill('F', 1, 100, 0, 1, 10);
      expect(p.freeCash()).toBe(9500);
      expect(() => p.setMargin('F', 600)).toThrow(/cannot change while a position is open/);
      // A strategy's book built with the account's margins margins the same symbols.
      expect(new Portfolio({ type: 'cash', startingCash: 1, margins: p.margins }).position('F', 10).margin).toBe(500);
    });

    it('charges no borrow fee on a futures short and no interest on a notional the ledger never lent', () => {
      const p = new Portfolio({ type: 'margin', startingCash: 10_000, margins: new Map([['ES', 1000]]) });
      p.applyFill('ES', 5, 4000, 0, 0, 50); // notional 1,000,000: the ledger goes to -990,000
      expect(p.accrueFinancing(10, 0.1, 0.1)).toBe(0);
      p.applyFill('ES', -10, 4000, 0, 1, 50); // short 5
      expect(p.accrueFinancing(10, 0.1, 0.1)).toBe(0);
    });
  });
});
