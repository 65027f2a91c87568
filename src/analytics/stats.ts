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

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** erfc(x) for x ≥ 0: a positive-term series for erf below 1.5, a continued fraction above. */
function erfcNonNeg(x: number): number {
  if (x < 1.5) {
    // erf(x) = 2/√π · e^{-x²} · Σ_{n≥0} (2x²)^n · x / (1·3·…·(2n+1)); every term is positive.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / SQRT_PI) * Math.exp(-x2) * sum);
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** Standard normal distribution function Φ(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = Math.abs(z) / SQRT2;
  const tail = 0.5 * erfcNonNeg(x); // P(Z > |z|)
  return z < 0 ? tail : 1 - tail;
}

// Acklam's rational approximation (relative error 1.15e-9), then refined by Halley's method.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Inverse of the standard normal distribution function Φ⁻¹(p); ±Infinity at 0 and 1. */
export function normalPpf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const [a0, a1, a2, a3, a4, a5] = A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = D as [number, number, number, number];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // Halley steps on Φ(x) − p. In the upper half, work with the upper tail to keep precision.
  for (let k = 0; k < 2; k++) {
    // Φ(x) − p, written as (1 − p) − Φ(−x) above the median.
    const err = p > 0.5 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
    const u = err * SQRT_2PI * Math.exp(0.5 * x * x);
    x = x - u / (1 + 0.5 * x * u);
  }
  return x;
}
