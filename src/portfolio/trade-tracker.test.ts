import { describe, expect, it } from 'vitest';
import { TradeTracker } from './trade-tracker.ts';

describe('TradeTracker', () => {
  it('closes a long round trip with commissions of both legs in its pnl', () => {
    const t = new TradeTracker();
    t.onFill('X', 10, 100, 1, 1000, 1);
    t.onFill('X', -10, 110, 1.1, 5000, 5);
    expect(t.closed).toEqual([
      { symbol: 'X', side: 'long', entryTimeMs: 1000, entryPrice: 100, exitTimeMs: 5000, exitPrice: 110, qty: 10, pnl: 100 - 2.1, commission: 2.1, bars: 4 },
    ]);
  });

  it('averages scaled entries and exits and reports the largest size held', () => {
    const t = new TradeTracker();
    t.onFill('X', 10, 100, 0, 1, 0);
    t.onFill('X', 10, 110, 0, 2, 1);
    t.onFill('X', -5, 120, 0, 3, 2);
    expect(t.closed).toEqual([]);
    t.onFill('X', -15, 90, 0, 4, 3);
    const tr = t.closed[0]!;
    expect(tr.entryPrice).toBe(105);
    expect(tr.exitPrice).toBe(97.5);
    expect(tr.qty).toBe(20);
    expect(tr.pnl).toBeCloseTo(5 * 15 + 15 * -15, 10);
  });

  it('on a flip closes one trade and opens the next, splitting the commission by quantity', () => {
    const t = new TradeTracker();
    t.onFill('X', 10, 100, 0, 1, 0);
    t.onFill('X', -30, 90, 3, 2, 1);
    expect(t.closed[0]).toMatchObject({ side: 'long', qty: 10, pnl: -100 - 1, commission: 1 });
    t.onFill('X', 20, 80, 0, 3, 2);
    expect(t.closed[1]).toMatchObject({ side: 'short', entryPrice: 90, exitPrice: 80, qty: 20, pnl: 200 - 2, commission: 2 });
  });

  it('scales short pnl by the contract multiplier and keeps symbols apart', () => {
    const t = new TradeTracker((s) => (s === 'ES' ? 50 : 1));
    t.onFill('ES', -1, 4000, 0, 1, 0);
    t.onFill('X', 1, 10, 0, 1, 0);
    t.onFill('ES', 1, 3990, 0, 2, 1);
    expect(t.closed).toHaveLength(1);
    expect(t.closed[0]).toMatchObject({ symbol: 'ES', side: 'short', pnl: 500 });
  });
});
