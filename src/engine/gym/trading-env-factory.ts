// Building TradingEnvs from plain data, so a worker thread can build the same env as the main thread:
// the series travels as columns (in SharedArrayBuffers when made with `seriesColumns(s, true)`, so no
// worker copies them), costs as numbers, features as a log-return window or a module export.
import { BarSeries } from '../../model/bar.ts';
import { logReturns, type MarketFeatures } from '../../ml/rl/observations.ts';
import { TradingEnv, type TradingEnvConfig } from './trading-env.ts';

export interface SeriesColumns {
  readonly symbol: string;
  readonly timeframeMs: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Market features a spec can name: a log-return window, or `module`'s export `exportName` called with `args`. */
export type FeatureSpec =
  | { readonly logReturns: number }
  | { readonly module: string; readonly exportName: string; readonly args?: unknown };

export interface TradingEnvSpec extends Omit<TradingEnvConfig, 'series' | 'features' | 'venue'> {
  readonly series: SeriesColumns;
  readonly features?: FeatureSpec;
}

/** The columns of `series`; copied into one SharedArrayBuffer when `shared` (for worker threads). */
export function seriesColumns(series: BarSeries, shared = false): SeriesColumns {
  const n = series.length;
  const cols = [series.time, series.open, series.high, series.low, series.close, series.volume];
  if (!shared) {
    const [time, open, high, low, close, volume] = cols.map((c) => c.subarray(0, n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { symbol: series.symbol, timeframeMs: series.timeframeMs, length: n, time, open, high, low, close, volume };
  }
  const buf = new SharedArrayBuffer(6 * n * 8);
  const [time, open, high, low, close, volume] = cols.map((c, i) => {
    const v = new Float64Array(buf, i * n * 8, n);
    v.set(c.subarray(0, n));
    return v;
  }) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { symbol: series.symbol, timeframeMs: series.timeframeMs, length: n, time, open, high, low, close, volume };
}

async function featuresOf(spec: FeatureSpec | undefined): Promise<MarketFeatures | undefined> {
  if (spec === undefined) return undefined;
  if ('logReturns' in spec) return logReturns(spec.logReturns);
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const make = mod[spec.exportName];
  if (typeof make !== 'function') throw new TypeError(`${spec.module} has no function export "${spec.exportName}"`);
  return (make as (args: unknown) => MarketFeatures)(spec.args);
}

/** The env factory of a WorkerVecEnv (and of an in-process SyncVecEnv built the same way). */
export async function createTradingEnv(spec: TradingEnvSpec, _index: number): Promise<TradingEnv> {
  const { series: c, features: featureSpec, ...rest } = spec;
  const series = new BarSeries(c.symbol, c.length, c.timeframeMs, { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
  const features = await featuresOf(featureSpec);
  return new TradingEnv({ ...rest, series, ...(features === undefined ? {} : { features }) });
}

/** Where a worker finds `createTradingEnv` (this module, as sources or as the build). */
export const TRADING_ENV_FACTORY = { module: import.meta.url, exportName: 'createTradingEnv' } as const;
