// Drawdowns of an equity curve: the underwater series, the maximum, durations and the table of
// episodes. The running peak includes the first bar; a drawdown recovers at the first bar whose
// equity is back at or above its peak.
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import type { Series } from './stats.ts';

/** Underwater series: equity[i] / max(equity[0..i]) − 1, in [−1, 0] for positive equity. */
export function drawdownSeries(equity: Series): Float64Array {
  const n = equity.length;
  const out = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = e / peak - 1;
  }
  return out;
}

/** Maximum drawdown as a negative fraction (0 when the curve never falls; null when empty). */
export function maxDrawdown(equity: Series): number | null {
  const n = equity.length;
  if (n === 0) return null;
  let peak = -Infinity;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = e / peak - 1;
    if (dd < worst) worst = dd;
  }
  return worst;
}

/**
 * Ulcer index over the whole curve: sqrt(mean(dd[i]²)) with dd the underwater series as a
 * fraction, averaged over all n bars (Martin's definition without a look-back window).
 */
export function ulcerIndex(equity: Series): number | null {
  const n = equity.length;
  if (n === 0) return null;
  let peak = -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = e / peak - 1;
    s += dd * dd;
  }
  return Math.sqrt(s / n);
}

/** One drawdown episode: from the last bar at the peak to the first bar back at it. */
export interface DrawdownEpisode {
  /** Bar index of the peak the episode starts from (last bar at that peak). */
  startIndex: number;
  troughIndex: number;
  /** First bar back at or above the peak; null while still under water at the end. */
  recoveryIndex: number | null;
  startMs: number;
  troughMs: number;
  recoveryMs: number | null;
  /** Trough / peak − 1 (negative). */
  depth: number;
  /** Bars from the peak to the recovery, or to the last bar when not recovered. */
  lengthBars: number;
  /** Calendar days from the peak to the recovery, or to the last bar when not recovered. */
  lengthDays: number;
  /** Bars from the trough to the recovery; null when not recovered. */
  recoveryBars: number | null;
  /** Calendar days from the trough to the recovery; null when not recovered. */
  recoveryDays: number | null;
}

/** Every drawdown episode of the curve in time order (linear time); `timeMs` is per bar. */
export function drawdownEpisodes(timeMs: Series, equity: Series): DrawdownEpisode[] {
  const n = equity.length;
  if (timeMs.length !== n) throw new InputError(`timeMs has ${timeMs.length} values, equity ${n}`, { field: 'timeMs' });
  const t = (i: number): number => timeMs[i]!;
  const out: DrawdownEpisode[] = [];
  if (n === 0) return out;
  let peak = equity[0]!;
  let peakIdx = 0;
  let trough = peak;
  let troughIdx = 0;
  let under = false;
  const close = (end: number, recovered: boolean): void => {
    const lengthBars = end - peakIdx;
    out.push({
      startIndex: peakIdx,
      troughIndex: troughIdx,
      recoveryIndex: recovered ? end : null,
      startMs: t(peakIdx),
      troughMs: t(troughIdx),
      recoveryMs: recovered ? t(end) : null,
      depth: trough / peak - 1,
      lengthBars,
      lengthDays: (t(end) - t(peakIdx)) / MS_PER_DAY,
      recoveryBars: recovered ? end - troughIdx : null,
      recoveryDays: recovered ? (t(end) - t(troughIdx)) / MS_PER_DAY : null,
    });
  };
  for (let i = 1; i < n; i++) {
    const e = equity[i]!;
    if (e >= peak) {
      if (under) close(i, true);
      under = false;
      peak = e;
      peakIdx = i;
    } else if (!under) {
      under = true;
      trough = e;
      troughIdx = i;
    } else if (e < trough) {
      trough = e;
      troughIdx = i;
    }
  }
  if (under) close(n - 1, false);
  return out;
}

/**
 * The drawdown table: episodes sorted by depth (worst first; ties by time), at most `top` of them.
 */
export function drawdownTable(timeMs: Series, equity: Series, top = Infinity): DrawdownEpisode[] {
  const eps = drawdownEpisodes(timeMs, equity);
  eps.sort((a, b) => a.depth - b.depth || a.startIndex - b.startIndex);
  return top < eps.length ? eps.slice(0, top) : eps;
}

/** Longest drawdown in bars and in calendar days (each the maximum over episodes; 0 when none). */
export function maxDrawdownDuration(timeMs: Series, equity: Series): { bars: number; days: number } {
  let bars = 0;
  let days = 0;
  for (const ep of drawdownEpisodes(timeMs, equity)) {
    if (ep.lengthBars > bars) bars = ep.lengthBars;
    if (ep.lengthDays > days) days = ep.lengthDays;
  }
  return { bars, days };
}
