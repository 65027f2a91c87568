// Intraday volume profiles for VWAP: the share of a day's volume traded in each time-of-day bucket.
import { ConfigError, InputError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';

/**
 * Relative volume by UTC time of day. `weights[b]` is the volume expected in
 * [b x bucketMs, (b + 1) x bucketMs) after midnight UTC; only ratios matter.
 */
export interface VolumeProfile {
  readonly bucketMs: number;
  readonly weights: Float64Array;
}

function checkBucket(bucketMs: number): number {
  if (!Number.isInteger(bucketMs) || bucketMs <= 0 || MS_PER_DAY % bucketMs !== 0) {
    throw new ConfigError(`bucket length must be a whole number of ms dividing a day, got ${bucketMs}`, { field: 'bucketMs' });
  }
  return MS_PER_DAY / bucketMs;
}

export interface UShapeOptions {
  readonly bucketMs: number;
  /** Session open and close as ms after midnight UTC (NYSE in winter: 14:30 and 21:00). */
  readonly openMs: number;
  readonly closeMs: number;
  /** Edge-to-middle ratio minus one: weight = 1 + curvature x (2x - 1)^2, x in [0, 1] through the session. Default 2. */
  readonly curvature?: number;
}

/**
 * The textbook U-shaped intraday profile: heavy at the open and close, light at midday, zero outside
 * the session. Each bucket's weight is the U evaluated at the bucket's middle times the part of the
 * bucket inside the session.
 */
export function uShapedProfile(opts: UShapeOptions): VolumeProfile {
  const n = checkBucket(opts.bucketMs);
  const { openMs, closeMs, bucketMs } = opts;
  const c = opts.curvature ?? 2;
  if (!(openMs >= 0 && closeMs > openMs && closeMs <= MS_PER_DAY)) {
    throw new ConfigError(`session must satisfy 0 <= open < close <= one day, got ${openMs}..${closeMs}`, { field: 'openMs' });
  }
  if (!(c >= 0) || !Number.isFinite(c)) throw new ConfigError(`curvature must be >= 0, got ${c}`, { field: 'curvature' });
  const weights = new Float64Array(n);
  const len = closeMs - openMs;
  for (let b = 0; b < n; b++) {
    const lo = Math.max(openMs, b * bucketMs);
    const hi = Math.min(closeMs, (b + 1) * bucketMs);
    if (hi <= lo) continue;
    const x = ((lo + hi) / 2 - openMs) / len;
    weights[b] = (1 + c * (2 * x - 1) ** 2) * ((hi - lo) / bucketMs);
  }
  return { bucketMs, weights };
}

/** A flat profile: VWAP on it is TWAP. */
export function flatProfile(bucketMs: number = MS_PER_DAY): VolumeProfile {
  const n = checkBucket(bucketMs);
  return { bucketMs, weights: new Float64Array(n).fill(1) };
}

/**
 * Average volume per time-of-day bucket from history: each bar's volume goes to the bucket of its
 * open time; a bucket's weight is its total volume divided by the number of distinct UTC days in the
 * history. Use a bucket at least as long as the bars.
 */
export function volumeProfileFromBars(history: { readonly time: ArrayLike<number>; readonly volume: ArrayLike<number>; readonly length: number }, bucketMs: number): VolumeProfile {
  const n = checkBucket(bucketMs);
  if (history.length === 0) throw new InputError('a volume profile needs at least one bar', { field: 'history' });
  const weights = new Float64Array(n);
  let days = 0;
  let lastDay = NaN;
  for (let i = 0; i < history.length; i++) {
    const t = history.time[i]!;
    const v = history.volume[i]!;
    if (!Number.isFinite(t)) throw new InputError(`bar ${i}: time is not a number`, { field: 'time' });
    if (!(v >= 0)) throw new InputError(`bar ${i}: volume must be >= 0, got ${v}`, { field: 'volume' });
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== lastDay) {
      days++;
      lastDay = day;
    }
    weights[Math.floor((t - day * MS_PER_DAY) / bucketMs)]! += v;
  }
  for (let b = 0; b < n; b++) weights[b]! /= days;
  return { bucketMs, weights };
}

/** Profile volume between two instants: the integral of weight / bucketMs over [fromMs, toMs). */
export function profileMass(profile: VolumeProfile, fromMs: number, toMs: number): number {
  const { bucketMs, weights } = profile;
  const n = weights.length;
  let mass = 0;
  let t = fromMs;
  while (t < toMs) {
    const day = Math.floor(t / MS_PER_DAY);
    const tod = t - day * MS_PER_DAY;
    const b = Math.min(n - 1, Math.floor(tod / bucketMs));
    const bucketEnd = day * MS_PER_DAY + (b + 1) * bucketMs;
    const hi = Math.min(toMs, bucketEnd);
    if (!(hi > t)) break;
    mass += (weights[b]! * (hi - t)) / bucketMs;
    t = hi;
  }
  return mass;
}
