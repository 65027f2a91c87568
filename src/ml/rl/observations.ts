// Market features of a trading environment's observation: a function of a bar series and a bar index that
// reads bars 0..index only (the ML feature pipeline plugs in here). The env appends the account's state.
import type { BarSeries } from '../../model/bar.ts';

/** Features at bar `index` of `series`, always the same length; must not read bars after `index`. */
export type FeatureFn = (series: BarSeries, index: number) => Float64Array;

export interface MarketFeatures {
  readonly fn: FeatureFn;
  /** Bars before the first index `fn` can be asked about (its look-back). */
  readonly warmup: number;
  /** Optional fast path: writes what `fn` returns into `out` at `offset`, allocating nothing. */
  readonly into?: (series: BarSeries, index: number, out: Float64Array, offset: number) => void;
}

/**
 * The last `k` log returns of the close, most recent first: log(c[i] / c[i-1]), ..., log(c[i-k+1] / c[i-k]).
 * The log returns of a series are computed once (bar j's from bars j-1 and j only) and then copied.
 */
export function logReturns(k: number): MarketFeatures {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`log-return window must be a positive integer, got ${k}`);
  const cache = new WeakMap<Float64Array, Float64Array>();
  const column = (series: BarSeries): Float64Array => {
    const c = series.close;
    let r = cache.get(c);
    if (r === undefined || r.length < series.length) {
      r = new Float64Array(series.length);
      for (let j = 1; j < series.length; j++) r[j] = Math.log(c[j]! / c[j - 1]!);
      cache.set(c, r);
    }
    return r;
  };
  const into = (series: BarSeries, index: number, out: Float64Array, offset: number): void => {
    const r = column(series);
    for (let j = 0; j < k; j++) out[offset + j] = r[index - j]!;
  };
  return {
    warmup: k,
    into,
    fn: (series, index) => {
      const out = new Float64Array(k);
      into(series, index, out, 0);
      return out;
    },
  };
}
