// Small dense linear algebra for risk: sample moments and a Cholesky factor that tolerates
// positive semi-definite covariance matrices (perfectly correlated assets, fewer observations than assets).
import { InputError } from '../../core/errors.ts';

export type Matrix = readonly (readonly number[])[];

/** Arithmetic mean (NaN for an empty series). */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (divides by n − 1). */
export function sampleStd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Column means of series of equal length. */
export function meanVector(series: readonly ArrayLike<number>[]): number[] {
  return series.map((s) => mean(s));
}

/** Sample covariance matrix (divides by n − 1) of series of equal length. */
export function sampleCovariance(series: readonly ArrayLike<number>[]): number[][] {
  const k = series.length;
  const n = k ? series[0]!.length : 0;
  if (n < 2) throw new InputError(`covariance needs at least 2 observations, got ${n}`);
  const mu = meanVector(series);
  const cov: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    const a = series[i]!;
    for (let j = 0; j <= i; j++) {
      const b = series[j]!;
      let s = 0;
      for (let t = 0; t < n; t++) s += (a[t]! - mu[i]!) * (b[t]! - mu[j]!);
      cov[i]![j] = cov[j]![i] = s / (n - 1);
    }
  }
  return cov;
}

/**
 * Lower-triangular L with L Lᵀ = A for a symmetric positive semi-definite A. A pivot within
 * `tol` × (largest diagonal) of zero is taken as zero (its column of L is zero), so singular
 * covariance matrices factor too; a clearly negative pivot means A is not PSD: InputError.
 */
export function choleskyPsd(a: Matrix, tol = 1e-12): number[][] {
  const n = a.length;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (a[i]!.length !== n) throw new InputError(`matrix is not square: row ${i} has ${a[i]!.length} entries, expected ${n}`);
    scale = Math.max(scale, Math.abs(a[i]![i]!));
  }
  const eps = tol * scale;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    if (d < -1e-8 * scale) throw new InputError(`matrix is not positive semi-definite (pivot ${d} at ${j})`);
    if (d <= eps) continue; // zero pivot: this variable is a combination of earlier ones
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  return l;
}
