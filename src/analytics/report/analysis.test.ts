import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { benchmarkStats } from '../benchmark.ts';
import { drawdownTable } from '../drawdown.ts';
import { monthlyReturnGrid } from '../periods-tables.ts';
import { returnsFromEquity } from '../returns.ts';
import { rollingSharpe } from '../rolling.ts';
import { buildAnalysis, histogram, PRICE_BUCKETS, PRICE_SERIES_MAX, priceSeries } from './analysis.ts';

function walk(n: number, seed: number, vol = 0.01): { timeMs: Float64Array; equity: Float64Array } {
  const rng = new Rng(seed);
  const timeMs = Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * MS_PER_DAY);
  const equity = new Float64Array(n);
  equity[0] = 100_000;
  for (let i = 1; i < n; i++) equity[i] = equity[i - 1]! * (1 + 0.0003 + vol * rng.normal());
  return { timeMs, equity };
}

describe('histogram', () => {
  it('counts every value once, in the bin whose edges hold it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 30 }), (x, bins) => {
        const h = histogram(x, bins);
        expect(h.counts.reduce((s, c) => s + c, 0)).toBe(x.length);
        expect(h.edges.length).toBe(h.counts.length + 1);
        for (let k = 1; k < h.edges.length; k++) expect(h.edges[k]!).toBeGreaterThanOrEqual(h.edges[k - 1]!);
        for (let k = 0; k < h.counts.length; k++) {
          const last = k === h.counts.length - 1;
          const inside = x.filter((v) => v >= h.edges[k]! && (last ? v <= h.edges[k + 1]! : v < h.edges[k + 1]!)).length;
          if (h.edges[0] !== h.edges[h.edges.length - 1]) expect(h.counts[k]).toBe(inside);
        }
      }),
    );
  });

  it('keeps edges non-decreasing when the range is a few subnormals wide', () => {
    // Found by the property above: width 1e-323/3 rounds up to 5e-324, so edge 3 of 3 overshot hi = 0.
    const h = histogram([-1e-323, 0], 3);
    expect(h.edges).toEqual([-1e-323, -5e-324, 0, 0]);
    expect(h.counts).toEqual([1, 0, 1]);
  });

  it('puts a constant series in a single bin', () => {
    expect(histogram([0.5, 0.5, 0.5], 10)).toEqual({ edges: [0.5, 0.5], counts: [3] });
    expect(histogram([], 10)).toEqual({ edges: [], counts: [] });
  });
});

describe('buildAnalysis', () => {
  const { timeMs, equity } = walk(600, 7);
  const bench = walk(600, 8).equity;

  it('carries the library statistics of the curve, with times as ISO strings', () => {
    const a = buildAnalysis({ timeMs, equity, benchmarkEquity: bench, periodsPerYear: 252 });
    const r = returnsFromEquity(equity);
    expect(a.periodsPerYear).toBe(252);
    expect(a.benchmarkStats).toEqual(benchmarkStats(r, returnsFromEquity(bench), { periodsPerYear: 252, riskFreeRate: 0 }));
    expect(a.monthlyReturns).toEqual(monthlyReturnGrid(timeMs, equity));
    const worst = drawdownTable(timeMs, equity, 10);
    expect(a.drawdowns.length).toBe(worst.length);
    expect(a.drawdowns[0]!.depth).toBe(worst[0]!.depth);
    expect(a.drawdowns[0]!.start).toBe(new Date(worst[0]!.startMs).toISOString());
    expect(a.distribution.count).toBe(r.length);
    expect(a.distribution.histogram.counts.reduce((s, c) => s + c, 0)).toBe(r.length);
    expect(a.distribution.min).toBe(Math.min(...r));
    expect(a.benchmarkEquity).toEqual(Array.from(bench));
  });

  it('aligns the rolling Sharpe with the equity points, null before the first full window', () => {
    const a = buildAnalysis({ timeMs, equity, periodsPerYear: 252 });
    expect(a.rollingSharpe.window).toBe(126);
    expect(a.rollingSharpe.values.length).toBe(equity.length);
    const direct = rollingSharpe(returnsFromEquity(equity), 126, { periodsPerYear: 252 });
    expect(a.rollingSharpe.values.slice(0, 126).every((v) => v === null)).toBe(true);
    expect(a.rollingSharpe.values[126]).toBe(direct[125]);
    expect(a.rollingSharpe.values[599]).toBe(direct[598]);
  });

  it('measures a ruined curve up to the bar before ruin', () => {
    const ruined = Float64Array.from(equity);
    ruined[400] = -5;
    const a = buildAnalysis({ timeMs, equity: ruined, periodsPerYear: 252 });
    expect(a.bars).toBe(400);
    expect(a.distribution.count).toBe(399);
    expect(a.rollingSharpe.values.length).toBe(600);
    expect(a.rollingSharpe.values.slice(400).every((v) => v === null)).toBe(true);
  });

  it('is JSON-safe: no NaN or Infinity anywhere', () => {
    const flat = new Float64Array(50).fill(1000);
    const a = buildAnalysis({ timeMs: timeMs.subarray(0, 50), equity: flat, benchmarkEquity: flat });
    // JSON.stringify would quietly turn NaN into null; the replacer marks any non-finite number instead.
    expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(a, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 'BAD' : v))));
    expect(a.rollingSharpe.values.every((v) => v === null)).toBe(true);
  });
});

describe('price series and position weights', () => {
  const { timeMs, equity } = walk(5036, 3);
  const close = Float64Array.from(equity, (e) => e / 10_000);

  it('keeps the closes of the most traded symbols, down to the lowest and highest per bucket', () => {
    const p = priceSeries(['A', 'B', 'C', 'D', 'E', 'F'].map((symbol, k) => ({ symbol, tickSize: 0.01, fills: [3, 0, 9, 1, 9, 5][k]!, timeMs, close })));
    expect(p.tradedSymbols).toBe(5);
    expect(p.series.map((s) => s.symbol)).toEqual(['C', 'E', 'F', 'A'].slice(0, PRICE_SERIES_MAX));
    const s = p.series[0]!;
    expect(s.bars).toBe(5036);
    expect(s.close.length).toBeLessThanOrEqual(2 * PRICE_BUCKETS + 1);
    expect(s.close.length).toBe(s.time.length);
    expect(Math.min(...s.close)).toBe(Math.min(...close));
    expect(Math.max(...s.close)).toBe(Math.max(...close));
    expect(s.time[s.time.length - 1]).toBe(new Date(timeMs[5035]!).toISOString());
    for (let i = 1; i < s.time.length; i++) expect(s.time[i]! > s.time[i - 1]!).toBe(true);
  });

  it('keeps a short series whole and drops a bad tick size', () => {
    const p = priceSeries([{ symbol: 'EURUSD', tickSize: Number.NaN, fills: 2, timeMs: timeMs.subarray(0, 3), close: [1.0716, 1.07214, 1.0726] }]);
    expect(p.series[0]).toEqual({ symbol: 'EURUSD', tickSize: null, bars: 3, time: Array.from(timeMs.subarray(0, 3), (t) => new Date(t).toISOString()), close: [1.0716, 1.07214, 1.0726] });
  });

  it('weighs each open position by the final equity', () => {
    const a = buildAnalysis({ timeMs, equity, openPositionValues: [464_540.11, -1000] });
    const last = equity[equity.length - 1]!;
    expect(a.positionWeights).toEqual([464_540.11 / last, -1000 / last]);
    expect(a.prices).toBeNull();
    const ruined = buildAnalysis({ timeMs: timeMs.subarray(0, 2), equity: [100, -5], openPositionValues: [10] });
    expect(ruined.positionWeights).toEqual([null]);
  });
});
