import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { Bar } from '../../model/bar.ts';
import { randomWalk, series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { SmartMoneyDivergence, SmartMoneyDivergenceModel, type SmartMoneyDivergenceParams } from './smart-money-divergence.ts';

const params = (p: Record<string, unknown>): SmartMoneyDivergenceParams =>
  parseStrategyConfig('smart-money-divergence', builtinStrategy('smart-money-divergence')!, p) as SmartMoneyDivergenceParams;

function run(rows: readonly Ohlc[], p: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const data = series(rows);
  const out = new BacktestNode({ series: [data], strategies: [{ strategy: new SmartMoneyDivergence(params(p)) }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  const bar = (ts: number) => Array.from(data.time).indexOf(ts);
  return out.kernel.fills.map((f) => [f.side, bar(f.tsMs), f.price]);
}

/** A bar from open to close with half a point of wick each side (low/high overridable). */
const b = (o: number, c: number, v: number, low?: number): Ohlc => [o, Math.max(o, c) + 0.5, low ?? Math.min(o, c) - 0.5, c, v];

// OBV: 1000, 0, -3000, -2000, -1000, 0, -500, ... Bar 2's low (97.5) is the lowest of bars 1-5; bar 6
// makes a lower low (97) with OBV -500 > -3000 at bar 2: a bullish divergence. Bar 7 closes at 102
// above bar 6's high (101.5): confirmed, long (filled at bar 8's open). Bar 9 closes at 96.5 below
// the divergence low 97: stopped (filled at bar 10's open).
const rows: Ohlc[] = [
  b(100, 100, 1000),
  b(100, 99, 1000),
  b(99, 98, 3000),
  b(98, 99, 1000),
  b(99, 100, 1000),
  b(100, 101, 1000),
  b(101, 99, 500, 97),
  b(99, 102, 1000),
  b(102, 103, 1000),
  b(103, 96.5, 5000),
  b(96.5, 96.5, 1000),
];

describe('smart-money-divergence', () => {
  it('buys when a lower low on higher OBV is confirmed by a close above the divergence bar, and stops out below its low', () => {
    expect(run(rows, { indicator: 'obv', lookback: 5 })).toEqual([
      ['buy', 8, 102],
      ['sell', 10, 96.5],
    ]);
  });

  it('finds no divergence when OBV confirms the lower low', () => {
    // Heavy volume on the down bar 6 takes OBV to -6000, below its -3000 at bar 2.
    const weak = rows.map((r, i) => (i === 6 ? b(101, 99, 6000, 97) : r));
    expect(run(weak, { indicator: 'obv', lookback: 5 })).toEqual([]);
  });

  it('lets the divergence expire when no close confirms it within `confirm` bars', () => {
    // Bar 7 closes at 101 (not above 101.5), bar 8 at 101.4; with confirm 1 only bar 7 counts.
    const slow = [...rows.slice(0, 7), b(99, 101, 1000), b(101, 101.4, 1000), b(101.4, 103, 1000), b(103, 103, 1000)];
    expect(run(slow, { indicator: 'obv', lookback: 5, confirm: 1 })).toEqual([]);
    // With confirm 3, bar 9's close at 103 confirms it.
    expect(run(slow, { indicator: 'obv', lookback: 5, confirm: 3 })).toEqual([['buy', 10, 103]]);
  });

  it('exits maxBars bars after the entry signal', () => {
    const hold = [...rows.slice(0, 9), b(103, 103.5, 1000), b(103.5, 104, 1000), b(104, 104, 1000)];
    expect(run(hold, { indicator: 'obv', lookback: 5, maxBars: 3 })).toEqual([
      ['buy', 8, 102],
      ['sell', 11, 104],
    ]);
  });

  it('with allowShort in a margin account, sells the bearish mirror image and covers above its high', () => {
    // Prices mirrored around 200: OBV moves the other way, a higher high on lower OBV.
    const mirror = rows.map(([o, h, l, c, v]): Ohlc => [200 - o, 200 - l, 200 - h, 200 - c, v ?? 1e6]);
    expect(run(mirror, { indicator: 'obv', lookback: 5, allowShort: true }, 'margin')).toEqual([
      ['sell', 8, 98],
      ['buy', 10, 103.5],
    ]);
    expect(run(mirror, { indicator: 'obv', lookback: 5 }, 'margin')).toEqual([]);
  });

  it('votes: with votes 1 it finds the union of the single-indicator divergences, with votes 3 their intersection', () => {
    const data = randomWalk(600, 31, { vol: 0.02 });
    const bars: Bar[] = Array.from({ length: data.length }, (_, i) => ({
      symbol: 'X', tsEventMs: data.time[i]!, open: data.open[i]!, high: data.high[i]!, low: data.low[i]!, close: data.close[i]!, volume: data.volume[i]!,
    }));
    const found = (p: Record<string, unknown>): Set<number> => {
      const m = new SmartMoneyDivergenceModel(params({ lookback: 10, flowPeriod: 5, ...p }));
      for (const bar of bars) m.update(bar);
      // Compare from a bar where every variant's window is full.
      return new Set(m.divergences.map((d) => d.dir * d.tsMs).filter((t) => Math.abs(t) >= data.time[20]!));
    };
    const single = ['obv', 'cmf', 'mfi'].map((indicator) => found({ indicator }));
    const union = new Set(single.flatMap((s) => [...s]));
    const inter = [...single[0]!].filter((t) => single[1]!.has(t) && single[2]!.has(t));
    expect(union.size).toBeGreaterThan(10);
    expect([...found({ indicator: 'vote', votes: 1 })].sort()).toEqual([...union].sort());
    expect([...found({ indicator: 'vote', votes: 3 })].sort()).toEqual(inter.sort());
    expect(found({ indicator: 'vote', votes: 2 }).size).toBeGreaterThanOrEqual(inter.length);
  });

  it('validates its params', () => {
    expect(params({})).toEqual({ indicator: 'vote', votes: 2, lookback: 20, flowPeriod: 14, confirm: 3, maxBars: 20, allowShort: false });
    expect(() => params({ indicator: 'rsi' })).toThrow(/indicator/);
    expect(() => params({ votes: 4 })).toThrow(/votes/);
  });
});
