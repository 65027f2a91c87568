import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../core/time.ts';
import { summarizePnl, timeInMarket, tradedValue, tradeStats, type TradeRecord } from './trades.ts';

const D = MS_PER_DAY;
function trade(p: Partial<TradeRecord> & { pnl: number }): TradeRecord {
  return { symbol: 'X', entryTimeMs: 0, exitTimeMs: D, entryPrice: 10, exitPrice: 11, qty: 1, commission: 0, ...p };
}

const trades: TradeRecord[] = [
  trade({ pnl: 100, qty: 10, entryTimeMs: 0, exitTimeMs: 2 * D, commission: 1, mae: -0.02, mfe: 0.05 }),
  trade({ pnl: -50, qty: -5, entryTimeMs: 3 * D, exitTimeMs: 4 * D, commission: 2, mae: -0.04, mfe: 0.01 }),
  trade({ pnl: 0, qty: 1, entryTimeMs: 5 * D, exitTimeMs: 9 * D, commission: 0 }),
  trade({ pnl: 30, qty: -2, entryTimeMs: 6 * D, exitTimeMs: 7 * D, commission: 0.5, mae: -0.01, mfe: 0.03 }),
];

describe('trade statistics', () => {
  it('summarizes wins and losses, counting break-even trades in the win rate only', () => {
    const s = summarizePnl(trades);
    expect(s).toMatchObject({ count: 4, wins: 2, losses: 1, winRate: 0.5, totalPnl: 80, avgWin: 65, avgLoss: -50, expectancy: 20 });
    expect(s.profitFactor).toBeCloseTo(130 / 50, 15);
  });

  it('splits longs from shorts by the sign of qty', () => {
    const s = tradeStats(trades);
    expect(s.long).toMatchObject({ count: 2, wins: 1, losses: 0, profitFactor: null, totalPnl: 100 });
    expect(s.short).toMatchObject({ count: 2, wins: 1, losses: 1, totalPnl: -20 });
  });

  it('measures holding periods, streaks, commission and excursions', () => {
    const s = tradeStats(trades);
    expect(s.holdingMeanMs).toBe((2 + 1 + 4 + 1) * D / 4);
    expect(s.holdingMedianMs).toBe(1.5 * D);
    expect(s.commissionPaid).toBe(3.5);
    expect(s.largestWin).toBe(100);
    expect(s.largestLoss).toBe(-50);
    // In exit order: +100, −50, +30 (exit day 7), 0 (exit day 9).
    expect(s.maxConsecutiveWins).toBe(1);
    expect(s.maxConsecutiveLosses).toBe(1);
    expect(s.mae).toEqual({ count: 3, mean: expect.closeTo(-0.07 / 3, 15) as number, median: -0.02, extreme: -0.04 });
    expect(s.mfe?.extreme).toBe(0.05);
    expect(s.edgeRatio).toBeCloseTo(0.09 / 0.07, 14);
  });

  it('is null, not NaN, without trades or excursions', () => {
    const s = tradeStats([]);
    expect(s).toMatchObject({ count: 0, winRate: null, profitFactor: null, avgWin: null, avgLoss: null, expectancy: null, holdingMeanMs: null, mae: null, mfe: null, edgeRatio: null });
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
    expect(tradeStats([trade({ pnl: 5 })]).mae).toBeNull();
  });

  it('values traded notional from both legs of each round trip', () => {
    expect(tradedValue([trade({ pnl: 0, qty: -3, entryPrice: 10, exitPrice: 12 })])).toBe(66);
  });
});

describe('time in market', () => {
  const time = Array.from({ length: 10 }, (_, i) => i * D);

  it('counts bars with an open trade, entry inclusive and exit exclusive, overlaps once', () => {
    // Bars 0,1 (first), 3 (second), 5–8 (third), 6 (fourth overlaps the third): 7 of 10.
    expect(timeInMarket(time, trades)).toBeCloseTo(0.7, 15);
  });

  it('is zero without trades and null without bars', () => {
    expect(timeInMarket(time, [])).toBe(0);
    expect(timeInMarket([], trades)).toBeNull();
  });
});
