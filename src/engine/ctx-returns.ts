// Simple returns of several symbols over the same bars, read from their histories up to the current
// bar (never past it). Bars of a time step arrive symbol after symbol, so while one symbol's bar at t
// is being handled another may still stand at t-1: the window ends at the latest time every symbol
// has reached, and each symbol's window must have the same bar times.
import { ConfigError } from '../core/errors.ts';
import type { History } from '../strategies/context.ts';

/**
 * `lookback` returns per symbol ending at the latest common bar time, or null while a symbol has
 * fewer than lookback + 1 bars there. ConfigError (field `symbols`) when the bar times differ.
 */
export function alignedReturns(histories: ReadonlyMap<string, History>, lookback: number, what: string): Record<string, Float64Array> | null {
  let end = Infinity;
  for (const h of histories.values()) {
    if (h.length === 0) return null;
    end = Math.min(end, h.time(0));
  }
  const out: Record<string, Float64Array> = {};
  let times: Float64Array | null = null;
  let first = '';
  for (const [symbol, h] of histories) {
    let k = 0;
    while (k < h.length && h.time(k) > end) k++;
    if (k === h.length) return null;
    if (h.time(k) !== end) throw new ConfigError(`${what}: ${symbol} has no bar at ${new Date(end).toISOString()}; the symbols' bars must share their times`, { field: 'symbols' });
    if (h.length - k < lookback + 1) return null;
    const t = new Float64Array(lookback + 1);
    const r = new Float64Array(lookback);
    for (let i = 0; i <= lookback; i++) t[i] = h.time(k + lookback - i);
    for (let i = 0; i < lookback; i++) r[i] = h.close(k + lookback - 1 - i) / h.close(k + lookback - i) - 1;
    if (times === null) {
      times = t;
      first = symbol;
    } else {
      for (let i = 0; i <= lookback; i++) {
        if (t[i] !== times[i]) throw new ConfigError(`${what}: ${symbol} and ${first} have different bar times in the last ${lookback + 1} bars; the symbols' bars must share their times`, { field: 'symbols' });
      }
    }
    out[symbol] = r;
  }
  return out;
}

/** Sample covariance matrix (n − 1) of equally long series. */
export function covariance(series: readonly Float64Array[]): number[][] {
  const k = series.length;
  const n = series[0]?.length ?? 0;
  const means = series.map((s) => s.reduce((a, b) => a + b, 0) / n);
  const cov: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let acc = 0;
      for (let t = 0; t < n; t++) acc += (series[i]![t]! - means[i]!) * (series[j]![t]! - means[j]!);
      cov[i]![j] = cov[j]![i] = acc / (n - 1);
    }
  }
  return cov;
}
