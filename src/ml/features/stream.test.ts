// The streaming form gives, bar by bar, the rows buildFeatures gives for the whole series: bit for bit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateMarket } from '../../data/synthetic.ts';
import type { BarSeries } from '../../model/bar.ts';
import { buildFeatures } from './build.ts';
import type { FeatureSpecInput } from './spec.ts';
import { FeatureStream } from './stream.ts';
import { bitDiff, row } from './testing.ts';

const FULL: FeatureSpecInput = {
  returns: [1, 3, 10],
  momentum: [5],
  volatility: { window: [4, 12] },
  volume: { window: 6 },
  indicators: [
    { name: 'rsi', params: { period: 5 } },
    { name: 'macd', params: { fast: 3, slow: 6, signal: 4 }, scale: 'ratio' },
    { name: 'stochastic' },
    { name: 'kama', scale: 'excess' },
    { name: 'beta', params: { period: 8 } },
  ],
  benchmark: { window: [7], horizons: [3] },
  calendar: true,
  regimes: { trendWindow: 8, volWindow: 5, volLookback: 20, volMinHistory: 8, drawdownWindow: 15 },
  timeframes: ['W', { timeframe: 'M', features: { returns: [1], volatility: { window: 2 } } }],
};

/** Streams `s` with `bench` bars pushed (in time order) before each asset bar they do not open after. */
function streamRows(s: BarSeries, spec: FeatureSpecInput, bench?: BarSeries): Float64Array[] {
  const st = FeatureStream.like(s, spec, bench ? { benchmark: bench } : {});
  const out: Float64Array[] = [];
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while (bench && j < bench.length && bench.time[j]! <= s.time[i]!) st.pushBenchmark(bench.at(j++));
    out.push(st.push(s.at(i)).slice());
  }
  return out;
}

function keepEvery(s: BarSeries, keep: (i: number) => boolean): BarSeries {
  const idx = Array.from({ length: s.length }, (_, i) => i).filter(keep);
  const bars = idx.map((i) => s.at(i));
  const { symbol, timeframeMs } = s;
  const out = s.slice(0, 0);
  for (const b of bars) out.append(b.tsEventMs, b.open, b.high, b.low, b.close, b.volume);
  return Object.assign(out, { symbol, timeframeMs });
}

describe('FeatureStream', () => {
  it('equals buildFeatures row for row on daily bars with a benchmark that misses bars', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 9 }), (seed, gapEvery) => {
        const [s, b] = generateMarket({ seed, symbols: 2, bars: 300 }).series as [BarSeries, BarSeries];
        const bench = keepEvery(b, (i) => i % gapEvery !== 1 && i > 3);
        const m = buildFeatures(s, FULL, { benchmark: bench });
        const rows = streamRows(s, FULL, bench);
        for (let i = 0; i < s.length; i++) expect(bitDiff(rows[i]!, row(m, i)), `row ${i}`).toEqual([]);
      }),
      { numRuns: 4 },
    );
  });

  it('equals buildFeatures row for row on hourly bars with daily features', () => {
    const [s] = generateMarket({ seed: 3, symbols: 1, bars: 400, timeframe: '1h' }).series as [BarSeries];
    const spec: FeatureSpecInput = { returns: [1, 7], volatility: { window: 7 }, indicators: [{ name: 'adx', params: { period: 5 } }], calendar: true, timeframes: ['1d', '4h'] };
    const m = buildFeatures(s, spec);
    const rows = streamRows(s, spec);
    expect(m.names.filter((n) => n.startsWith('1d:'))).toHaveLength(8); // ret_1, ret_7, rvol_7, parkinson_7, atr_7, adx x3
    for (let i = 0; i < s.length; i++) expect(bitDiff(rows[i]!, row(m, i)), `row ${i}`).toEqual([]);
    // Not vacuous: the daily part is defined for most rows by the end.
    const c = m.names.indexOf('1d:rvol_7');
    expect(Number.isFinite(m.values[(s.length - 1) * m.cols + c]!)).toBe(true);
  });

  it('names its columns as buildFeatures does and reuses its row array', () => {
    const [s] = generateMarket({ seed: 1, symbols: 1, bars: 3 }).series as [BarSeries];
    const st = FeatureStream.like(s, { returns: [1] });
    expect(st.names).toEqual(['ret_1']);
    const a = st.push(s.at(0));
    expect(st.push(s.at(1))).toBe(a);
    expect(st.length).toBe(2);
  });
});
