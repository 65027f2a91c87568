// Synthetic shocks injected into history: each returns new series (the input is not touched) with
// the same timestamps. Shocks hit every series from the first bar at or after `atMs`.
//   gapDown            the bar opens `fraction` below the previous close and everything after moves
//                      down with it (a permanent repricing, as after bad overnight news)
//   volatilitySpike    for `bars` bars every price move relative to the previous close is scaled by
//                      k in log terms (open, high, low and close alike, so bars stay consistent);
//                      later bars keep their own moves from the new level
//   liquidityDrought   volume times `factor` for `bars` bars; with a participation cap at the venue,
//                      orders in the drought fill only partly per bar
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';

function check(cond: boolean, field: string, message: string): void {
  if (!cond) throw new ConfigError(message, { field });
}

function copy(s: BarSeries): BarSeries {
  return s.slice(0, s.length);
}

/** Multiplies all prices of bars [from, to) by `f`. */
function scalePrices(s: BarSeries, from: number, to: number, f: number): void {
  for (let i = from; i < to; i++) {
    s.open[i] = s.open[i]! * f;
    s.high[i] = s.high[i]! * f;
    s.low[i] = s.low[i]! * f;
    s.close[i] = s.close[i]! * f;
  }
}

/** The bar at `atMs` opens `fraction` (0.1 = 10%) below the previous close; later bars follow. */
export function gapDown(series: readonly BarSeries[], atMs: number, fraction: number): BarSeries[] {
  check(fraction > 0 && fraction < 1, '--gap', `a gap is a fraction in (0, 1), got ${fraction}`);
  return series.map((src) => {
    const s = copy(src);
    const t = s.lowerBound(atMs);
    if (t === 0 || t >= s.length || !(s.open[t]! > 0)) return s;
    scalePrices(s, t, s.length, ((1 - fraction) * s.close[t - 1]!) / s.open[t]!);
    return s;
  });
}

/** Scales log moves against the previous close by `k` for `bars` bars from `atMs`. */
export function volatilitySpike(series: readonly BarSeries[], atMs: number, bars: number, k: number): BarSeries[] {
  check(k > 0 && Number.isFinite(k), '--vol-k', `the volatility multiplier must be positive, got ${k}`);
  check(Number.isSafeInteger(bars) && bars >= 1, '--shock-bars', `shock bars must be a positive integer, got ${bars}`);
  return series.map((src) => {
    const s = copy(src);
    const from = Math.max(1, s.lowerBound(atMs));
    const to = Math.min(s.length, from + bars);
    if (from >= to) return s;
    const level = (i: number): void => {
      // Bar i's prices relative to the original previous close, scaled by k in logs, on the new previous close.
      const prevOrig = src.close[i - 1]!;
      const prevNew = s.close[i - 1]!;
      const move = (p: number): number => prevNew * Math.exp(k * Math.log(p / prevOrig));
      s.open[i] = move(src.open[i]!);
      s.high[i] = move(src.high[i]!);
      s.low[i] = move(src.low[i]!);
      s.close[i] = move(src.close[i]!);
    };
    for (let i = from; i < to; i++) level(i);
    if (to < s.length) scalePrices(s, to, s.length, s.close[to - 1]! / src.close[to - 1]!);
    return s;
  });
}

/** Volume times `factor` (e.g. 0.05) for `bars` bars from `atMs`. */
export function liquidityDrought(series: readonly BarSeries[], atMs: number, bars: number, factor: number): BarSeries[] {
  check(factor >= 0 && factor < 1, '--drought-volume', `the drought volume factor must be in [0, 1), got ${factor}`);
  check(Number.isSafeInteger(bars) && bars >= 1, '--shock-bars', `shock bars must be a positive integer, got ${bars}`);
  return series.map((src) => {
    const s = copy(src);
    const from = s.lowerBound(atMs);
    const to = Math.min(s.length, from + bars);
    // The venue reads volume 0 as "unknown" (no cap), so a bar that traded keeps at least 1 unit.
    for (let i = from; i < to; i++) if (s.volume[i]! > 0) s.volume[i] = Math.max(1, Math.floor(s.volume[i]! * factor));
    return s;
  });
}
