// Periods per year: inferred from bar timestamps when the caller does not give it.
import { MS_PER_DAY, MS_PER_HOUR } from '../core/time.ts';
import { MS_PER_YEAR, TRADING_DAYS_PER_YEAR } from './returns.ts';
import { medianInPlace, type Series } from './stats.ts';

/** Hours in a regular US equity session, used for intraday bars on an exchange calendar. */
export const SESSION_HOURS = 6.5;

/**
 * Infers the number of bars per year from timestamps (epoch ms, ascending).
 *
 * 1. The median spacing between consecutive bars gives the bar class:
 *    ≥ 300 days → 1 (yearly), ≥ 80 days → 4 (quarterly), ≥ 25 days → 12 (monthly),
 *    ≥ 5 days → 52 (weekly), ≥ 20 hours → daily, shorter → intraday.
 * 2. Daily and intraday bars are then told apart by how many bars a calendar year actually
 *    holds, observed = (n − 1) / (span / 365.25 days), choosing the candidate nearest to it in
 *    log scale:
 *    daily: 252 (trading calendar) or 365 (every day, e.g. crypto);
 *    intraday with spacing d: 252 × 6.5 h / d (exchange session), 252 × 24 h / d (24/5, e.g. FX)
 *    or 365 × 24 h / d (24/7).
 * Fewer than two distinct timestamps give the default, 252.
 */
export function inferPeriodsPerYear(timeMs: Series): number {
  const n = timeMs.length;
  if (n < 2) return TRADING_DAYS_PER_YEAR;
  const median = medianGapMs(timeMs);
  if (median !== median) return TRADING_DAYS_PER_YEAR;

  if (median >= 300 * MS_PER_DAY) return 1;
  if (median >= 80 * MS_PER_DAY) return 4;
  if (median >= 25 * MS_PER_DAY) return 12;
  if (median >= 5 * MS_PER_DAY) return 52;

  const span = timeMs[n - 1]! - timeMs[0]!;
  const observed = span > 0 ? (n - 1) / (span / MS_PER_YEAR) : 0;
  const candidates =
    median >= 20 * MS_PER_HOUR
      ? [TRADING_DAYS_PER_YEAR, 365]
      : [
          (TRADING_DAYS_PER_YEAR * SESSION_HOURS * MS_PER_HOUR) / median,
          (TRADING_DAYS_PER_YEAR * MS_PER_DAY) / median,
          (365 * MS_PER_DAY) / median,
        ];
  if (!(observed > 0)) return candidates[0]!;
  let best = candidates[0]!;
  let bestDist = Infinity;
  for (const c of candidates) {
    const dist = Math.abs(Math.log(observed / c));
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  return best;
}

/**
 * The median of the positive gaps between consecutive times, NaN when there is none. A bar grid is
 * mostly one gap: when a gap makes up more than half of them (a majority vote finds it, a count checks
 * it) it holds both middle places of the sorted gaps, so it is the median, found without a copy of the
 * gaps or a selection. Otherwise the gaps are copied and the median selected.
 */
export function medianGapMs(timeMs: Series): number {
  const n = timeMs.length;
  let m = 0;
  let candidate = NaN;
  let votes = 0;
  for (let i = 1; i < n; i++) {
    const g = timeMs[i]! - timeMs[i - 1]!;
    if (!(g > 0)) continue;
    m++;
    if (votes === 0) {
      candidate = g;
      votes = 1;
    } else if (g === candidate) votes++;
    else votes--;
  }
  if (m === 0) return NaN;
  let count = 0;
  for (let i = 1; i < n; i++) if (timeMs[i]! - timeMs[i - 1]! === candidate) count++;
  if (2 * count > m) return candidate;
  const gaps = new Float64Array(m);
  let k = 0;
  for (let i = 1; i < n; i++) {
    const g = timeMs[i]! - timeMs[i - 1]!;
    if (g > 0) gaps[k++] = g;
  }
  return medianInPlace(gaps);
}
