import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/time.ts';
import { BarSeries } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Position } from '../model/position.ts';
import { flat, series, T0 } from '../../test/helpers/bars.ts';
import { runScript } from '../../test/helpers/scenario.ts';
import { Feed } from './feed.ts';
import { FeedMerger } from './merge.ts';
import { BacktestNode } from './backtest-node.ts';
import { Rng } from '../core/rng.ts';
import { SmaCross } from '../strategies/builtin/sma-cross.ts';
import { sizers } from '../strategies/sizing.ts';

function feedOf(i: number, symbol: string, times: readonly number[]): Feed {
  const s = new BarSeries(symbol, times.length);
  s.time.set(times);
  return new Feed(i, s, makeInstrument(symbol), i, new Position(symbol));
}

/** Drains a merger the way BacktestNode does: [feed index, time] per bar. */
function drain(feeds: Feed[]): [number, number][] {
  const m = new FeedMerger(feeds);
  const out: [number, number][] = [];
  while (!m.isEmpty) {
    const fi = m.top();
    const f = feeds[fi]!;
    out.push([fi, f.series.time[f.cursor]!]);
    m.advanceTop();
  }
  return out;
}

describe('FeedMerger', () => {
  it('merges feeds in time order, breaking ties by feed order', () => {
    const out = drain([feedOf(0, 'A', [1, 3, 5, 5]), feedOf(1, 'B', [0, 3, 4]), feedOf(2, 'C', [3])]);
    expect(out).toEqual([
      [1, 0],
      [0, 1],
      [0, 3],
      [1, 3],
      [2, 3],
      [1, 4],
      [0, 5],
      [0, 5],
    ]);
  });

  it('skips empty feeds and reports the next time', () => {
    const feeds = [feedOf(0, 'A', []), feedOf(1, 'B', [7])];
    const m = new FeedMerger(feeds);
    expect(m.peekTime()).toBe(7);
    expect(m.top()).toBe(1);
    m.advanceTop();
    expect(m.isEmpty).toBe(true);
    expect(m.peekTime()).toBe(Infinity);
  });

  it('yields every bar once, sorted by (time, feed), for any set of sorted feeds', () => {
    const feedsArb = fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 15 }).map((a) => a.sort((x, y) => x - y)), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(feedsArb, (timesList) => {
        const out = drain(timesList.map((t, i) => feedOf(i, `S${i}`, t)));
        const expected = timesList.flatMap((t, i) => t.map((x) => [i, x] as [number, number])).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe('multi-symbol runs', () => {
  it('show strategies bars of several symbols and two timeframes in time order, ties in feed order', () => {
    const daily = (symbol: string): BarSeries => series(flat(2, 100), { symbol, startMs: T0 });
    // An hourly feed of A as a second timeframe (data only), starting on day 0 at 00:00 and 12:00.
    const hourly = series(flat(3, 100), { symbol: 'A', stepMs: MS_PER_HOUR, times: [T0, T0 + 12 * MS_PER_HOUR, T0 + MS_PER_DAY] });
    const r = runScript([daily('A'), daily('B'), hourly], {});
    expect(r.strategy.seen.map((x) => [x.symbol, (x.tsMs - T0) / MS_PER_HOUR])).toEqual([
      ['A', 0],
      ['B', 0],
      ['A', 0],
      ['A', 12],
      ['A', 24],
      ['B', 24],
      ['A', 24],
    ]);
    // One equity point per distinct time.
    expect([...r.out.equityTime].map((t) => (t - T0) / MS_PER_HOUR)).toEqual([0, 12, 24]);
    expect(r.out.bars).toBe(7);
  });

  it('matches orders only on the first feed of a symbol and trades each symbol at its own prices', () => {
    const a = series([[10, 10, 10, 10], [11, 11, 11, 11], [12, 12, 12, 12]], { symbol: 'A' });
    const b = series([[50, 50, 50, 50], [55, 55, 55, 55], [60, 60, 60, 60]], { symbol: 'B' });
    const aHourly = series([[10, 10, 10, 10], [10.5, 10.5, 10.5, 10.5], [11, 11, 11, 11]], { symbol: 'A', stepMs: MS_PER_HOUR, times: [T0 + MS_PER_HOUR, T0 + 2 * MS_PER_HOUR, T0 + MS_PER_DAY + MS_PER_HOUR] });
    const r = runScript([a, b, aHourly], (ctx, bar, i) => {
      if (i === 0 && bar.tsEventMs === T0) {
        if (bar.symbol === 'A') ctx.buy('A', 1);
        if (bar.symbol === 'B') ctx.buy('B', 1);
      }
    });
    expect(r.kernel.fills.map((f) => [f.symbol, f.price, f.tsMs])).toEqual([
      ['A', 11, T0 + MS_PER_DAY],
      ['B', 55, T0 + MS_PER_DAY],
    ]);
    expect(r.kernel.symbols()).toEqual(['A', 'B']);
    // Equity marks A at the latest bar of either timeframe.
    const final = r.kernel.portfolio.equity();
    expect(final).toBeCloseTo(100_000 - 11 - 55 + 12 + 60, 9);
  });
});

describe('BacktestNode time merge', () => {
  it('gives the same run on a shared calendar with and without the heap (fills, equity, final value)', () => {
    const rng = new Rng(3);
    const series = Array.from({ length: 6 }, (_, k) => {
      let p = 50 + k;
      return BarSeries.fromBars(`S${k}`, Array.from({ length: 400 }, (_, i) => {
        const o = p;
        p = Math.max(1, p * Math.exp(0.02 * rng.normal()));
        return { tsEventMs: i * 86_400_000, open: o, high: Math.max(o, p) + 0.1, low: Math.min(o, p) - 0.1, close: p, volume: 1000 };
      }));
    });
    const run = (merge: 'auto' | 'heap') => new BacktestNode({ series, merge, sizer: sizers.pctEquity(15), strategies: [{ strategy: new SmaCross({ fast: 5, slow: 20 }) }] }).run();
    const a = run('auto');
    const b = run('heap');
    expect(a.kernel.fills.length).toBeGreaterThan(10);
    expect(a.kernel.fills.toArray()).toEqual(b.kernel.fills.toArray());
    expect(Array.from(a.equity)).toEqual(Array.from(b.equity));
    expect(Array.from(a.equityTime)).toEqual(Array.from(b.equityTime));
  });
});
