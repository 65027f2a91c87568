// The ML feature pipeline (issue 18): buildFeatures over 100,000 hourly synthetic bars with a
// 31-feature spec (returns, momentum, volatility, liquidity, four indicators, benchmark, calendar and a
// daily timeframe), in rows/s; the streaming form's cost per pushed bar; labels (triple barrier with
// uniqueness weights) and purged 5-fold splits over the same rows. Best of 3 after a warm-up (shared
// VM); generating the market is not timed.
import { generateMarket } from '../src/data/synthetic.ts';
import type { BarSeries } from '../src/model/bar.ts';
import { purgedKFold } from '../src/ml/cv/index.ts';
import { buildFeatures, FeatureStream, type FeatureSpecInput } from '../src/ml/features/index.ts';
import { tripleBarrier } from '../src/ml/labels/index.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';

const BARS = 100_000;

export const SPEC: FeatureSpecInput = {
  returns: [1, 5, 20, 60],
  momentum: [10, 50],
  volatility: { window: 20 },
  volume: { window: 20 },
  indicators: [
    { name: 'rsi', params: { period: 14 } },
    { name: 'macd', scale: 'ratio' },
    { name: 'bollinger', scale: 'excess' },
  ],
  benchmark: { window: 20, horizons: [20] },
  calendar: { dayOfWeek: true, hour: true },
  timeframes: [{ timeframe: '1d', features: { returns: [1, 5], volatility: { window: 20 } } }],
};

export async function run(): Promise<BenchResult[]> {
  const [s, bench] = generateMarket({ seed: 42, symbols: 2, bars: BARS, timeframe: '1h' }).series as [BarSeries, BarSeries];
  let cols = 0;
  const batch = bestOf(3, () => {
    cols = buildFeatures(s, SPEC, { benchmark: bench }).cols;
  });
  const bars = s.length;
  const stream = bestOf(2, () => {
    const st = FeatureStream.like(s, SPEC, { benchmark: bench });
    for (let i = 0; i < bars; i++) {
      st.pushBenchmark(bench.at(i));
      st.push(s.at(i));
    }
  });
  let labelled = 0;
  const labels = bestOf(3, () => {
    labelled = tripleBarrier(s, { horizon: 24, profitTake: 2, stopLoss: 2 }).y.filter((y) => !Number.isNaN(y)).length;
  });
  const end = tripleBarrier(s, { horizon: 24, profitTake: 2, stopLoss: 2 }).end;
  const splits = bestOf(3, () => void purgedKFold(end, { folds: 5, embargo: 24 }));
  const rss = peakRssMb();
  return [
    { name: 'ml.features.batch', work: `buildFeatures, ${bars} hourly bars x ${cols} features`, seconds: batch, rate: bars / batch, features: cols, peakRssMb: rss },
    { name: 'ml.features.stream', work: `FeatureStream.push per bar (with its benchmark bar), ${bars} bars x ${cols} features`, seconds: stream, rate: bars / stream, usPerBar: (stream / bars) * 1e6, peakRssMb: rss },
    { name: 'ml.labels.triple-barrier', work: `tripleBarrier (horizon 24, +-2 vol, uniqueness weights), ${bars} bars, ${labelled} labelled`, seconds: labels, rate: bars / labels, peakRssMb: rss },
    { name: 'ml.cv.purged-kfold', work: `purgedKFold 5 folds, embargo 24, ${bars} rows`, seconds: splits, rate: bars / splits, peakRssMb: rss },
  ];
}
