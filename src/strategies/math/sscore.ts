// Statistical arbitrage signals after Avellaneda & Lee (2010), "Statistical arbitrage in the U.S.
// equities market":
//   1. standardise each asset's returns over the window; the correlation matrix's top k eigenvectors
//      give eigenportfolios (weights v_ji / sigma_i) whose returns are the factors F_j;
//   2. regress each asset's returns on [1, F_1..F_k] over the window: the residuals are its
//      idiosyncratic returns;
//   3. their running sum X_t (the idiosyncratic price) is fitted by an AR(1), X_{t+1} = a + b X_t + e,
//      the discrete Ornstein-Uhlenbeck process: mean m = a / (1 - b), equilibrium std
//      sigma_eq = sqrt(var(e) / (1 - b^2)), mean reversion speed kappa = -ln b per bar;
//   4. s-score s = (X_T - m) / sigma_eq: far above 0 the asset is rich against its factors (sell),
//      far below it is cheap (buy). Assets whose X does not mean-revert (b outside (0, 1)) get NaN.
import { InputError } from '../../core/errors.ts';
import { ols } from '../../analytics/stationarity/ols.ts';
import { symmetricEigen } from './eigen.ts';

export interface FactorModel {
  /** The top-k eigenvalues of the correlation matrix, largest first. */
  readonly eigenvalues: Float64Array;
  /** Factor returns, one array per factor (length T). */
  readonly factors: Float64Array[];
  /** Idiosyncratic (residual) returns, one array per asset (length T). */
  readonly residuals: Float64Array[];
}

export interface SScore {
  /** (X_T - m) / sigma_eq; NaN when the residual does not mean-revert. */
  readonly s: number;
  readonly a: number;
  readonly b: number;
  /** Mean reversion speed per bar, -ln b (NaN unless 0 < b < 1). */
  readonly kappa: number;
  readonly m: number;
  readonly sigmaEq: number;
}

function meanStd(x: Float64Array): [number, number] {
  let mean = 0;
  for (let t = 0; t < x.length; t++) mean += x[t]!;
  mean /= x.length;
  let ss = 0;
  for (let t = 0; t < x.length; t++) ss += (x[t]! - mean) ** 2;
  return [mean, Math.sqrt(ss / (x.length - 1))];
}

/**
 * Factor model of `returns` (one array of T returns per asset, N assets) with the top `k` principal
 * components of their correlation matrix. Needs 1 <= k < N and T > k + 2.
 */
export function pcaFactorModel(returns: readonly Float64Array[], k: number): FactorModel {
  const n = returns.length;
  const T = returns[0]?.length ?? 0;
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new InputError(`factors must be between 1 and ${n - 1} for ${n} assets, got ${k}`, { field: 'factors' });
  if (T <= k + 2) throw new InputError(`need more than ${k + 2} returns per asset, got ${T}`, { field: 'window' });
  for (const r of returns) if (r.length !== T) throw new InputError('every asset needs the same number of returns', { field: 'returns' });

  const sd = new Float64Array(n);
  const z: Float64Array[] = returns.map((r, i) => {
    const [mean, s] = meanStd(r);
    sd[i] = s;
    const out = new Float64Array(T);
    if (s > 0) for (let t = 0; t < T; t++) out[t] = (r[t]! - mean) / s;
    return out;
  });
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let c = 0;
      const zi = z[i]!;
      const zj = z[j]!;
      for (let t = 0; t < T; t++) c += zi[t]! * zj[t]!;
      c /= T - 1;
      corr[i * n + j] = corr[j * n + i] = c;
    }
  }
  const eig = symmetricEigen(corr, n);
  const factors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const f = new Float64Array(T);
    for (let i = 0; i < n; i++) {
      if (!(sd[i]! > 0)) continue;
      const q = eig.vectors[i * n + j]! / sd[i]!;
      const r = returns[i]!;
      for (let t = 0; t < T; t++) f[t] = f[t]! + q * r[t]!;
    }
    factors.push(f);
  }
  const residuals = returns.map((r) => Float64Array.from(ols(r, factors).resid));
  return { eigenvalues: eig.values.slice(0, k), factors, residuals };
}

/** The s-score of one asset from its residual returns (at least 4). */
export function sScore(residuals: Float64Array): SScore {
  const T = residuals.length;
  if (T < 4) throw new InputError(`an s-score needs at least 4 residuals, got ${T}`, { field: 'residuals' });
  const x = new Float64Array(T);
  let acc = 0;
  for (let t = 0; t < T; t++) x[t] = acc += residuals[t]!;
  const fit = ols(x.subarray(1), [x.subarray(0, T - 1)]);
  const a = fit.params[0]!;
  const b = fit.params[1]!;
  const none: SScore = { s: NaN, a, b, kappa: NaN, m: NaN, sigmaEq: NaN };
  if (!(b > 0 && b < 1)) return none;
  const m = a / (1 - b);
  const sigmaEq = Math.sqrt(fit.scale / (1 - b * b));
  if (!(sigmaEq > 0) || !Number.isFinite(sigmaEq)) return none;
  return { s: (x[T - 1]! - m) / sigmaEq, a, b, kappa: -Math.log(b), m, sigmaEq };
}

/** s-scores of every asset: `pcaFactorModel` then `sScore` of each residual series. */
export function sScores(returns: readonly Float64Array[], k: number): SScore[] {
  return pcaFactorModel(returns, k).residuals.map(sScore);
}
