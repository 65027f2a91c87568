// The bars a chart shows of one series: the latest `limit` buckets of a time window, aggregated to the
// bucket length (the project's resampler: first open, highest high, lowest low, last close, summed volume,
// labelled with the period's start; the last period may still be forming), with the asked indicators
// computed over them by the indicator registry. Indicators are warmed up on up to WARMUP_BARS earlier
// buckets, so a short answer (the tail a live chart re-reads) has the values a long one has.
import { resampleSeries } from '../data/resample.ts';
import { computeParsed } from '../indicators/run.ts';
import { createIndicator } from '../indicators/registry.ts';
import type { BarSeries } from '../model/bar.ts';
import type { AskedIndicator, Candles } from './candles.ts';

/** Buckets before the first shown one that indicators are computed over: ten warm-ups, at least 100. */
export function warmupBuckets(indicators: readonly AskedIndicator[]): number {
  if (indicators.length === 0) return 0;
  const longest = Math.max(...indicators.map((a) => createIndicator(a.def, a.params).warmupPeriod));
  return Math.min(5000, Math.max(100, 10 * longest));
}

export interface WindowRequest {
  /** Bucket length in ms; the series' own bar length (or 0) shows its bars as they are. */
  readonly bucketMs: number;
  readonly limit: number;
  /** Buckets opening at or after / at or before (epoch ms). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly indicators: readonly AskedIndicator[];
}

export type CandleWindow = Pick<Candles, 'bars' | 'indicators'>;

/**
 * Walking back from bar `end` (exclusive): the index of the first bar of the earliest of at most `n`
 * buckets, none opening before `minStartMs`.
 */
function startOfLast(s: BarSeries, end: number, n: number, minStartMs: number, bucket: (t: number) => number): number {
  let i = end;
  let count = 0;
  let current = NaN;
  while (i > 0) {
    const b = bucket(s.time[i - 1]!);
    if (b !== current) {
      if (count === n || b < minStartMs) break;
      count++;
      current = b;
    }
    i--;
  }
  return i;
}

export function candleWindow(series: BarSeries, req: WindowRequest): CandleWindow {
  const size = req.bucketMs;
  const aggregate = size > 0 && size !== series.timeframeMs;
  const bucket = aggregate ? (t: number) => Math.floor(t / size) * size : (t: number) => t;
  const end = req.toMs === undefined ? series.length : series.upperBound(aggregate ? bucket(req.toMs) + size - 1 : req.toMs);
  const shown = startOfLast(series, end, req.limit, req.fromMs ?? -Infinity, bucket);
  const start = startOfLast(series, shown, warmupBuckets(req.indicators), -Infinity, bucket);
  const about = (a: AskedIndicator) => ({ key: a.key, name: a.def.name, title: a.def.title, group: a.def.group, params: a.params });
  if (shown >= end) return { bars: [], indicators: req.indicators.map((a) => ({ ...about(a), values: Object.fromEntries(a.def.outputs.map((o) => [o, []])) })) };
  const cut = series.slice(start, end);
  const bars = aggregate ? resampleSeries(cut, size) : cut;
  const skip = bars.lowerBound(bucket(series.time[shown]!));
  const rows = [];
  for (let i = skip; i < bars.length; i++) rows.push({ tsMs: bars.time[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
  const indicators = req.indicators.map((a) => {
    const columns = computeParsed(a.def, a.params, bars);
    const values: Record<string, (number | null)[]> = {};
    for (const o of a.def.outputs) values[o] = Array.from(columns[o]!.subarray(skip), (v) => (Number.isFinite(v) ? v : null));
    return { ...about(a), values };
  });
  return { bars: rows, indicators };
}
