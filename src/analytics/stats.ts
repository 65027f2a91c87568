// Small numeric building blocks shared by the metrics: moments, quantiles and the normal law.
// Pure functions over numbers; formulas are listed in docs/metrics.md.

/** A numeric series: a typed array or a plain array of numbers. */
export type Series = Float64Array | readonly number[];

/** Arithmetic mean; NaN for an empty series. */
export function mean(x: Series): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

/** Sample variance (ddof = 1, two-pass); NaN with fewer than 2 values. */
export function sampleVariance(x: Series): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    ss += d * d;
  }
  return ss / (n - 1);
}

/** Sample standard deviation (ddof = 1); NaN with fewer than 2 values. */
export function sampleStd(x: Series): number {
  return Math.sqrt(sampleVariance(x));
}

/** Central moments m2, m3, m4 (divided by n) and the mean. */
export function centralMoments(x: Series): { mean: number; m2: number; m3: number; m4: number } {
  const n = x.length;
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { mean: m, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/**
 * A variance is treated as zero when it is zero up to floating-point noise: σ² ≤ (1e-12·RMS)², so a
 * curve compounding at a constant rate (returns equal but for rounding) has no defined Sharpe.
 */
export function isNegligibleVariance(variance: number, meanSquare: number): boolean {
  return !(variance > 1e-24 * meanSquare);
}

/** Sorted ascending copy of a series. */
export function sortedCopy(x: Series): Float64Array {
  const s = Float64Array.from(x);
  s.sort();
  return s;
}

/**
 * Rearranges `a` in place so that a[k] is the k-th smallest value, smaller-or-equal values before
 * it and greater-or-equal after (Hoare's selection, expected linear time). Returns a[k].
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot.
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/**
 * Quantile (numpy "linear") of `a` by selection instead of sorting; reorders `a` in place.
 * Linear expected time; the same value as quantileSorted on the sorted array.
 */
export function quantileInPlace(a: Float64Array, q: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const x = selectInPlace(a, lo);
  if (lo + 1 >= n) return x;
  let y = Infinity; // the next order statistic: the smallest value right of lo
  for (let i = lo + 1; i < n; i++) if (a[i]! < y) y = a[i]!;
  const t = pos - lo;
  return t >= 0.5 ? y - (y - x) * (1 - t) : x + (y - x) * t;
}

/** Median of the values (reorders `a` in place; linear expected time). NaN when empty. */
export function medianInPlace(a: Float64Array): number {
  const m = a.length;
  if (m === 0) return NaN;
  const k = m >>> 1;
  const upper = selectInPlace(a, k);
  if (m % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < k; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** Quantile of an ascending-sorted series by linear interpolation (numpy's default "linear"). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Quantile of an unsorted series (copies and sorts). */
export function quantile(x: Series, q: number): number {
  return quantileSorted(sortedCopy(x), q);
}

// ---------------------------------------------------------------------------------------------
// The standard normal law, accurate to a few ulps (needed to match scipy within 1e-9).

/** The standard normal distribution: one implementation for the whole project (src/core/normal.ts). */
export { normCdf as normalCdf, normPdf as normalPdf, normInv as normalPpf } from '../core/normal.ts';
