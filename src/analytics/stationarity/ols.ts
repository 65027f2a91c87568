// Ordinary least squares as statsmodels' OLS(...).fit() computes it: the coefficients come from the
// Moore-Penrose pseudo-inverse of the design (singular values below 1e-15 * the largest are
// dropped), the covariance is pinv(X) pinv(X)' scaled by ssr / (nobs - rank), and the rank counts
// singular values above max(s) * k * eps (numpy.linalg.matrix_rank).
//
// The SVD is computed stably without forming X'X: Householder QR of X (n x k), then one-sided
// Jacobi (Hestenes) SVD of the small triangular factor R (k x k). Singular values of R equal those
// of X, and pinv(X) = V S^+ U_R' Q'.

import { InputError } from '../../core/errors.ts';

const EPS = 2.220446049250313e-16;
const PINV_RCOND = 1e-15;

/** Everything statsmodels' RegressionResults reports that the stationarity tests need. */
export interface OlsResult {
  /** Coefficients, in the column order of the design (the constant first when `ols` adds it). */
  readonly params: Float64Array;
  /** Standard errors sqrt(diag(scale * (X'X)^+)). */
  readonly bse: Float64Array;
  /** params / bse. */
  readonly tvalues: Float64Array;
  /** y - X params. */
  readonly resid: Float64Array;
  readonly nobs: number;
  /** Numerical rank of the design. */
  readonly rank: number;
  /** nobs - rank. */
  readonly dfResid: number;
  /** Sum of squared residuals. */
  readonly ssr: number;
  /** ssr / dfResid: the residual variance estimate. */
  readonly scale: number;
  /** Profile Gaussian log-likelihood -n/2 (log(2 pi) + log(ssr / n) + 1). */
  readonly llf: number;
  /** -2 llf + 2 rank (statsmodels: df_model + k_constant = rank). */
  readonly aic: number;
  /** -2 llf + log(n) rank. */
  readonly bic: number;
  /** 1 - ssr / tss, tss centred when the design has a constant, uncentred otherwise. */
  readonly rsquared: number;
  /** Singular values of the design, largest first. */
  readonly singularValues: Float64Array;
}

/** Euclidean norm of v[from..] without overflow or harmful underflow. */
function norm2(v: Float64Array, from: number): number {
  let scale = 0;
  for (let i = from; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = from; i < v.length; i++) {
    const a = v[i]! / scale;
    s += a * a;
  }
  return scale * Math.sqrt(s);
}

/**
 * One-sided Jacobi (Hestenes) SVD of a small square matrix given by columns (modified in place).
 * On return the columns of `w` are U S (mutually orthogonal), `v` holds V by columns.
 * Squared column norms are carried through the rotations and refreshed at every sweep.
 */
function jacobiSvd(w: Float64Array[], v: Float64Array[]): void {
  const k = w.length;
  const d = new Float64Array(k);
  for (let sweep = 0; sweep < 80; sweep++) {
    for (let j = 0; j < k; j++) {
      const wj = w[j]!;
      let s = 0;
      for (let i = 0; i < k; i++) s += wj[i]! * wj[i]!;
      d[j] = s;
    }
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      const wp = w[p]!;
      const vp = v[p]!;
      for (let q = p + 1; q < k; q++) {
        const wq = w[q]!;
        let gamma = 0;
        for (let i = 0; i < k; i++) gamma += wp[i]! * wq[i]!;
        const alpha = d[p]!;
        const beta = d[q]!;
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        const vq = v[q]!;
        for (let i = 0; i < k; i++) {
          const a = wp[i]!;
          const b = wq[i]!;
          wp[i] = c * a - s * b;
          wq[i] = s * a + c * b;
          const x = vp[i]!;
          const y = vq[i]!;
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
        d[p] = alpha - t * gamma;
        d[q] = beta + t * gamma;
      }
    }
    if (!rotated) return;
  }
}

/** Householder QR of the design: R by columns (k x k, upper triangular) and Q'y. */
interface QrFactor {
  readonly r: readonly Float64Array[];
  readonly qty: Float64Array;
}

function checkDesign(y: ArrayLike<number>, columns: readonly ArrayLike<number>[]): void {
  const n = y.length;
  const k = columns.length;
  if (k === 0) throw new InputError('OLS needs at least one regressor', { field: 'columns' });
  // n === k is allowed (a saturated fit, as statsmodels allows it: scale = ssr / 0).
  if (n < k) throw new InputError(`OLS needs at least as many observations (${n}) as regressors (${k})`, { field: 'y' });
  for (let j = 0; j < k; j++) {
    if (columns[j]!.length !== n) {
      throw new InputError(`regressor ${j} has ${columns[j]!.length} values, y has ${n}`, { field: 'columns' });
    }
  }
}

/**
 * Householder QR. Reflector j only involves columns 0..j, so the leading j x j block of R and the
 * first j entries of Q'y are exactly those of the QR of the first j columns: nested designs share
 * one factorisation.
 */
function householderQr(y: ArrayLike<number>, columns: readonly ArrayLike<number>[]): QrFactor {
  const n = y.length;
  const k = columns.length;
  const a = columns.map((c) => Float64Array.from(c));
  const qty = Float64Array.from(y);
  const r: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k));
  for (let j = 0; j < k; j++) {
    const aj = a[j]!;
    const rj = r[j]!;
    for (let i = 0; i < j; i++) rj[i] = aj[i]!;
    const nrm = norm2(aj, j);
    if (nrm === 0) continue; // an all-zero remainder: R gets a zero diagonal, nothing to reflect
    const alpha = aj[j]! >= 0 ? -nrm : nrm;
    aj[j] = aj[j]! - alpha; // v = x - alpha e1, kept in place
    let vv = 0;
    for (let i = j; i < n; i++) vv += aj[i]! * aj[i]!;
    for (let m = j + 1; m <= k; m++) {
      const target = m < k ? a[m]! : qty;
      let d = 0;
      for (let i = j; i < n; i++) d += aj[i]! * target[i]!;
      const f = (2 * d) / vv;
      if (f !== 0) for (let i = j; i < n; i++) target[i] = target[i]! - f * aj[i]!;
    }
    rj[j] = alpha;
  }
  return { r, qty };
}

/** The OLS fit of y on the first k design columns, from the QR of (at least) those columns. */
function solveLeading(
  qr: QrFactor,
  k: number,
  y: ArrayLike<number>,
  columns: readonly ArrayLike<number>[],
  hasConstant: boolean,
): OlsResult {
  const n = y.length;
  const { qty } = qr;
  // SVD of the leading block of R: R = U S V'.
  const w = qr.r.slice(0, k).map((c) => Float64Array.from(c.subarray(0, k)));
  const v: Float64Array[] = Array.from({ length: k }, (_, j) => {
    const e = new Float64Array(k);
    e[j] = 1;
    return e;
  });
  jacobiSvd(w, v);
  const sv = w.map((c) => norm2(c, 0));
  let smax = 0;
  for (const s of sv) if (s > smax) smax = s;
  const cutoff = PINV_RCOND * smax;
  const rankTol = smax * k * EPS;
  let rank = 0;
  for (const s of sv) if (s > rankTol) rank++;

  // params = V S^+ U' (Q'y)[0..k), with U S = w, so U' b / s = w' b / s^2.
  // Normalised covariance V S^+2 V' (only its diagonal is needed).
  const params = new Float64Array(k);
  const cov = new Float64Array(k);
  for (let m = 0; m < k; m++) {
    const s = sv[m]!;
    if (!(s > cutoff)) continue;
    const wm = w[m]!;
    let d = 0;
    for (let i = 0; i < k; i++) d += wm[i]! * qty[i]!;
    const inv2 = 1 / (s * s);
    const coef = d * inv2;
    const vm = v[m]!;
    for (let i = 0; i < k; i++) {
      params[i] = params[i]! + vm[i]! * coef;
      cov[i] = cov[i]! + vm[i]! * vm[i]! * inv2;
    }
  }

  const resid = new Float64Array(n);
  for (let t = 0; t < n; t++) resid[t] = y[t]!;
  for (let j = 0; j < k; j++) {
    const c = columns[j]!;
    const p = params[j]!;
    for (let t = 0; t < n; t++) resid[t] = resid[t]! - c[t]! * p;
  }
  let ssr = 0;
  let ySum = 0;
  for (let t = 0; t < n; t++) {
    ssr += resid[t]! * resid[t]!;
    ySum += y[t]!;
  }
  const yMean = hasConstant ? ySum / n : 0;
  let tss = 0;
  for (let t = 0; t < n; t++) tss += (y[t]! - yMean) * (y[t]! - yMean);

  const dfResid = n - rank;
  const scale = ssr / dfResid;
  const bse = new Float64Array(k);
  const tvalues = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    bse[j] = Math.sqrt(scale * cov[j]!);
    tvalues[j] = params[j]! / bse[j]!;
  }
  const llf = -(n / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
  return {
    params,
    bse,
    tvalues,
    resid,
    nobs: n,
    rank,
    dfResid,
    ssr,
    scale,
    llf,
    aic: -2 * llf + 2 * rank,
    bic: -2 * llf + Math.log(n) * rank,
    rsquared: 1 - ssr / tss,
    singularValues: Float64Array.from(sv).sort().reverse(),
  };
}

/**
 * Least squares of `y` on the given design columns, exactly as given (no constant is added).
 * `hasConstant` only selects the centred R^2. Requires at least as many observations as columns.
 */
export function fitOls(y: ArrayLike<number>, columns: readonly ArrayLike<number>[], hasConstant: boolean): OlsResult {
  checkDesign(y, columns);
  return solveLeading(householderQr(y, columns), columns.length, y, columns, hasConstant);
}

/**
 * The fits of y on the first `sizes[i]` columns of one design (nested models on one sample, as a
 * lag search needs), sharing a single QR factorisation. Each equals fitOls on those columns.
 */
export function fitNestedOls(
  y: ArrayLike<number>,
  columns: readonly ArrayLike<number>[],
  sizes: readonly number[],
  hasConstant: boolean,
): OlsResult[] {
  checkDesign(y, columns);
  for (const k of sizes) {
    if (!Number.isInteger(k) || k < 1 || k > columns.length) {
      throw new InputError(`nested model size ${k} is outside 1..${columns.length}`, { field: 'sizes' });
    }
  }
  const qr = householderQr(y, columns);
  return sizes.map((k) => solveLeading(qr, k, y, columns, hasConstant));
}

/**
 * OLS of `y` on the regressors, with a constant prepended by default: `params[0]` is then the
 * intercept and `params[1 + j]` the coefficient of `regressors[j]`.
 */
export function ols(
  y: ArrayLike<number>,
  regressors: readonly ArrayLike<number>[],
  options: { readonly constant?: boolean } = {},
): OlsResult {
  const constant = options.constant ?? true;
  for (let t = 0; t < y.length; t++) {
    if (!Number.isFinite(y[t]!)) throw new InputError(`y[${t}] is not a finite number`, { field: 'y' });
  }
  regressors.forEach((c, j) => {
    for (let t = 0; t < c.length; t++) {
      if (!Number.isFinite(c[t]!)) throw new InputError(`regressor ${j} [${t}] is not a finite number`, { field: 'x' });
    }
  });
  const columns = constant ? [new Float64Array(y.length).fill(1), ...regressors] : regressors;
  return fitOls(y, columns, constant);
}
