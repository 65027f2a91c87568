// A volume profile: how much volume traded at each price over a set of bars. Each bar's volume is
// spread evenly over its [low, high] range and split across fixed-width price bins; the point of
// control (POC) is the bin with the most volume, the value area the bins around it holding a given
// share of the volume (70% by convention), and high/low-volume nodes the local peaks and troughs.
// Pure: the bars' order does not matter, nothing is kept between calls.

export interface ProfileOptions {
  /** Width of a price bin (> 0). */
  readonly binSize: number;
  /** Bins are [anchor + k·binSize, anchor + (k + 1)·binSize). Default 0. */
  readonly anchor?: number;
  /** Share of the volume in the value area, in (0, 1]. Default 0.7. */
  readonly valueArea?: number;
  /** A high-volume node holds at least this multiple of the mean bin volume. Default 1.5. */
  readonly hvnRatio?: number;
  /** A low-volume node holds at most this multiple of the mean bin volume. Default 0.5. */
  readonly lvnRatio?: number;
}

export interface VolumeProfile {
  /** Lower edge of bin 0 (the bin holding the lowest low). */
  readonly origin: number;
  readonly binSize: number;
  /** Volume per bin, bin i covering [origin + i·binSize, origin + (i + 1)·binSize). */
  readonly volumes: Float64Array;
  readonly total: number;
  /** Index and centre price of the point of control. */
  readonly pocIndex: number;
  readonly poc: number;
  /** First and last bin of the value area, and its price edges (VAL lower, VAH upper). */
  readonly valIndex: number;
  readonly vahIndex: number;
  readonly val: number;
  readonly vah: number;
  /** Centre prices of the high-volume nodes (local peaks), ascending. */
  readonly hvn: readonly number[];
  /** Centre prices of the low-volume nodes (local troughs inside the profile), ascending. */
  readonly lvn: readonly number[];
}

const EPS = 1e-9;

/**
 * The volume profile of the bars given by `highs`, `lows` and `volumes` (same length, any order).
 * Returns null when there is no bar or no volume.
 */
export function volumeProfile(highs: ArrayLike<number>, lows: ArrayLike<number>, volumes: ArrayLike<number>, opts: ProfileOptions): VolumeProfile | null {
  const { binSize } = opts;
  const anchor = opts.anchor ?? 0;
  const share = opts.valueArea ?? 0.7;
  if (!(binSize > 0) || !Number.isFinite(binSize)) throw new RangeError(`volumeProfile: binSize must be positive, got ${binSize}`);
  if (!(share > 0 && share <= 1)) throw new RangeError(`volumeProfile: valueArea must be in (0, 1], got ${share}`);
  const n = highs.length;
  if (lows.length !== n || volumes.length !== n) throw new RangeError('volumeProfile: highs, lows and volumes differ in length');
  if (n === 0) return null;

  // Bin k (relative to the anchor) of a price; a high on a bin edge belongs to the bin below it.
  const lowBin = (p: number): number => Math.floor((p - anchor) / binSize + EPS);
  const highBin = (lo: number, hi: number): number => (hi > lo ? Math.max(lowBin(lo), Math.ceil((hi - anchor) / binSize - EPS) - 1) : lowBin(lo));
  let kMin = Infinity;
  let kMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const lo = Math.min(lows[i]!, highs[i]!);
    const hi = Math.max(lows[i]!, highs[i]!);
    kMin = Math.min(kMin, lowBin(lo));
    kMax = Math.max(kMax, highBin(lo, hi));
  }
  const bins = kMax - kMin + 1;
  const origin = anchor + kMin * binSize;
  const v = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const vol = volumes[i]!;
    if (!(vol > 0)) continue;
    const lo = Math.min(lows[i]!, highs[i]!);
    const hi = Math.max(lows[i]!, highs[i]!);
    total += vol;
    const k0 = lowBin(lo);
    const k1 = highBin(lo, hi);
    if (k0 === k1) {
      v[k0 - kMin]! += vol;
      continue;
    }
    const range = hi - lo;
    for (let k = k0; k <= k1; k++) {
      const overlap = Math.min(hi, anchor + (k + 1) * binSize) - Math.max(lo, anchor + k * binSize);
      if (overlap > 0) v[k - kMin]! += (vol * overlap) / range;
    }
  }
  if (!(total > 0)) return null;

  // Point of control: the most volume; ties go to the bin nearest the middle of the profile, then the lower.
  const middle = (bins - 1) / 2;
  let poc = 0;
  for (let i = 1; i < bins; i++) {
    if (v[i]! > v[poc]! || (v[i] === v[poc] && Math.abs(i - middle) < Math.abs(poc - middle))) poc = i;
  }

  // Value area: grow from the POC, each time adding the neighbouring bin with more volume (both on a tie).
  const target = share * total * (1 - EPS);
  let lo = poc;
  let hi = poc;
  let acc = v[poc]!;
  while (acc < target && (lo > 0 || hi < bins - 1)) {
    const down = lo > 0 ? v[lo - 1]! : -1;
    const up = hi < bins - 1 ? v[hi + 1]! : -1;
    if (up >= down) acc += v[++hi]!;
    if (down >= up) acc += v[--lo]!;
  }

  const mean = total / bins;
  const hvnMin = (opts.hvnRatio ?? 1.5) * mean;
  const lvnMax = (opts.lvnRatio ?? 0.5) * mean;
  const centre = (i: number): number => origin + (i + 0.5) * binSize;
  const hvn: number[] = [];
  const lvn: number[] = [];
  for (let i = 0; i < bins; i++) {
    const x = v[i]!;
    const left = i > 0 ? v[i - 1]! : NaN;
    const right = i < bins - 1 ? v[i + 1]! : NaN;
    // A peak is no lower than its neighbours and above at least one; a trough the mirror, inside the profile.
    const geL = !(x < left);
    const geR = !(x < right);
    if (x >= hvnMin && geL && geR && (x > left || x > right)) hvn.push(centre(i));
    if (i > 0 && i < bins - 1 && x <= lvnMax && x <= left && x <= right && (x < left || x < right)) lvn.push(centre(i));
  }

  return {
    origin, binSize, volumes: v, total,
    pocIndex: poc, poc: centre(poc),
    valIndex: lo, vahIndex: hi, val: origin + lo * binSize, vah: origin + (hi + 1) * binSize,
    hvn, lvn,
  };
}
