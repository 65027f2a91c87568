// No feature reads the future: the features of bars 0..k-1 computed from those bars alone equal, bit for
// bit, the ones computed from the whole series (every feature kind: returns, momentum, volatility, volume,
// indicators of every input kind, benchmark, calendar, higher timeframes; and a standardizer fitted on the
// same train window). The benchmark is cut two ways: not at all (its later bars exist and must not be
// read) and to the bars closed when bar k-1 closes (a benchmark bar read before it closed would differ).
import { describe, expect, it } from 'vitest';
import { generateMarket, type SyntheticTimeframe } from '../../src/data/synthetic.ts';
import type { BarSeries } from '../../src/model/bar.ts';
import { applyStandardizer, buildFeatures, fitStandardizer, type FeatureSpecInput } from '../../src/ml/features/index.ts';
import { bitDiff, row } from '../../src/ml/features/testing.ts';

const SPEC: FeatureSpecInput = {
  returns: [1, 5, 20],
  momentum: [10],
  volatility: { window: [5, 20] },
  volume: { window: 10 },
  indicators: [
    { name: 'rsi', params: { period: 14 } },
    { name: 'macd', scale: 'ratio' },
    { name: 'bollinger', params: { source: 'hlc3' }, scale: 'excess' },
    { name: 'adx', params: { period: 7 } },
    { name: 'vwap', scale: 'excess' },
    { name: 'correlation', params: { period: 10 } },
  ],
  benchmark: { window: [10], horizons: [5] },
  calendar: true,
  regimes: { trendWindow: 10, volWindow: 5, volLookback: 30, volMinHistory: 10, drawdownWindow: 20 },
  timeframes: ['W', { timeframe: 'M', features: { returns: [1], volatility: { window: 2 } } }],
};

// 700 hourly bars are 14 weeks: the weekly part gets features with short warm-ups.
const HOURLY: FeatureSpecInput = {
  ...SPEC,
  timeframes: [{ timeframe: 'W', features: { returns: [1, 2], volatility: { window: 3 }, indicators: [{ name: 'rsi', params: { period: 5 } }] } }, '1d', '4h'],
};

const cases: [string, SyntheticTimeframe, number, FeatureSpecInput, number[]][] = [
  ['daily bars', '1d', 500, SPEC, [1, 2, 23, 64, 157, 250, 388, 499]],
  ['hourly bars', '1h', 700, HOURLY, [1, 6, 7, 8, 50, 211, 420, 699]],
];

describe.each(cases)('features of %s on truncated data', (_name, timeframe, N, spec, ks) => {
  const [full, bench] = generateMarket({ seed: 2024, symbols: 2, bars: N, timeframe }).series as [BarSeries, BarSeries];
  const all = buildFeatures(full, spec, { benchmark: bench });

  it('are all defined by the end (the comparison is not vacuous)', () => {
    const last = row(all, N - 1);
    expect(all.names.filter((_, c) => !Number.isFinite(last[c]!))).toEqual([]);
    expect(all.cols).toBeGreaterThan(50);
  });

  /** The benchmark bars that have closed when bar k-1 of the series closes. */
  const benchClosedBy = (k: number): BarSeries => {
    const closeMs = full.time[k - 1]! + full.timeframeMs;
    let j = 0;
    while (j < bench.length && bench.time[j]! + bench.timeframeMs <= closeMs) j++;
    return bench.slice(0, j);
  };

  it.each(ks)('are bit-identical on rows 0..k-1 with only the first k = %s bars', (k) => {
    for (const b of [bench, benchClosedBy(k)]) {
      const cut = buildFeatures(full.slice(0, k), spec, { benchmark: b });
      expect(cut.names).toEqual(all.names);
      expect(bitDiff(cut.values, all.values.subarray(0, k * all.cols))).toEqual([]);
    }
  });

  it.each(ks.filter((k) => k >= 20))('standardize row k-1 identically when fitted on the same train window (k = %s)', (k) => {
    const cut = buildFeatures(full.slice(0, k), spec, { benchmark: bench });
    const [a, b] = [Math.floor(k / 4), Math.floor((3 * k) / 4)];
    const zCut = applyStandardizer(fitStandardizer(cut, a, b), cut);
    const zAll = applyStandardizer(fitStandardizer(all, a, b), all);
    expect(bitDiff(row(zCut, k - 1), row(zAll, k - 1))).toEqual([]);
  });
});
