// Augmented Dickey-Fuller unit-root test, as statsmodels.tsa.stattools.adfuller (0.13.5) computes it.
//
// Regression, for the chosen lag p and the deterministic terms D_t (none, 1, [1, t], [1, t, t^2]):
//   dx[t] = gamma x[t-1] + sum_{i=1..p} phi_i dx[t-i] + D_t' delta + e_t
// The statistic is the OLS t-value of gamma.
// Lag search (autolag): every p = 0..maxlag is fitted on the SAME sample, the one the largest lag
// leaves (nobs = n - 1 - maxlag), and the best p by AIC / BIC (smallest; ties to the smaller p) or by
// the t-stat rule is kept; the regression is then refitted with p lags on the longest sample that p
// allows (nobs = n - 1 - p), which gives the statistic, usedLag and nobs.

import { InputError } from '../../core/errors.ts';
import { mackinnoncrit, mackinnonp, type CriticalValues, type Regression } from './mackinnon.ts';
import { fitNestedOls, fitOls } from './ols.ts';

export type AutoLag = 'AIC' | 'BIC' | 't-stat';

export interface AdfOptions {
  /** Largest lag considered (or used, when autolag is null). Default ceil(12 (n/100)^(1/4)), capped. */
  readonly maxlag?: number;
  /** Deterministic terms: 'c' constant (default), 'ct' + trend, 'ctt' + quadratic trend, 'n' none. */
  readonly regression?: Regression;
  /** Lag selection: 'AIC' (default), 'BIC', 't-stat', or null to use maxlag lags. */
  readonly autolag?: AutoLag | null;
}

export interface AdfResult {
  /** The ADF tau statistic (t-value of the lagged level). */
  readonly stat: number;
  /** MacKinnon (1994) approximate p-value (N = 1). */
  readonly pValue: number;
  /** Number of lagged differences in the final regression. */
  readonly usedLag: number;
  /** Observations in the final regression (n - 1 - usedLag). */
  readonly nobs: number;
  /** MacKinnon (2010) critical values for `nobs`. */
  readonly criticalValues: CriticalValues;
  /** Best information criterion in the lag search (|t| of the last lag for 't-stat'); null without autolag. */
  readonly icBest: number | null;
  /** The maxlag that was searched (or used). */
  readonly maxLag: number;
  readonly regression: Regression;
}

/** 1.6448536269514722 = Phi^-1(0.95), the cut-off statsmodels' t-stat rule uses. */
const T_STAT_STOP = 1.6448536269514722;

function trendTerms(regression: Regression): number {
  return regression === 'n' ? 0 : regression.length;
}

/** statsmodels' default: ceil(12 (n/100)^(1/4)), at most n/2 - ntrend - 1 (integer division). */
export function defaultAdfMaxLag(n: number, regression: Regression = 'c'): number {
  const schwert = Math.ceil(12 * Math.pow(n / 100, 1 / 4));
  return Math.min(Math.floor(n / 2) - trendTerms(regression) - 1, schwert);
}

/** Deterministic columns 1, t, t^2 (t = 1..nobs) as statsmodels' add_trend builds them. */
function trendColumns(regression: Regression, nobs: number): Float64Array[] {
  const cols: Float64Array[] = [];
  const order = trendTerms(regression);
  for (let p = 0; p < order; p++) {
    const c = new Float64Array(nobs);
    for (let t = 0; t < nobs; t++) c[t] = p === 0 ? 1 : p === 1 ? t + 1 : (t + 1) * (t + 1);
    cols.push(c);
  }
  return cols;
}

/**
 * Design for `lags` lagged differences on the sample that starts after `trim` lags
 * (rows t = trim..n-2 of dx, nobs = n - 1 - trim): [level x[t], dx[t-1], ..., dx[t-lags]].
 */
function lagColumns(x: ArrayLike<number>, dx: Float64Array, trim: number, lags: number): Float64Array[] {
  const nobs = dx.length - trim;
  const level = new Float64Array(nobs);
  for (let r = 0; r < nobs; r++) level[r] = x[trim + r]!;
  const cols: Float64Array[] = [level];
  for (let i = 1; i <= lags; i++) cols.push(dx.subarray(trim - i, trim - i + nobs));
  return cols;
}

function checkInteger(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0) throw new InputError(`${field} must be a non-negative integer (got ${v})`, { field });
}

/** Augmented Dickey-Fuller test of the null "x has a unit root". */
export function adfuller(x: ArrayLike<number>, options: AdfOptions = {}): AdfResult {
  const regression = options.regression ?? 'c';
  const autolag = options.autolag === undefined ? 'AIC' : options.autolag;
  if (!['n', 'c', 'ct', 'ctt'].includes(regression)) {
    throw new InputError(`regression must be one of n, c, ct, ctt (got ${JSON.stringify(regression)})`, { field: 'regression' });
  }
  if (autolag !== null && !['AIC', 'BIC', 't-stat'].includes(autolag)) {
    throw new InputError(`autolag must be AIC, BIC, t-stat or null (got ${JSON.stringify(autolag)})`, { field: 'autolag' });
  }
  const n = x.length;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(x[t]!)) throw new InputError(`x[${t}] is not a finite number`, { field: 'x' });
  }
  const ntrend = trendTerms(regression);
  const limit = Math.floor(n / 2) - ntrend - 1;
  let maxlag: number;
  if (options.maxlag === undefined) {
    maxlag = defaultAdfMaxLag(n, regression);
    if (maxlag < 0) {
      throw new InputError(`series of ${n} values is too short for regression '${regression}'`, { field: 'x' });
    }
  } else {
    maxlag = options.maxlag;
    checkInteger(maxlag, 'maxlag');
    if (maxlag > limit) {
      throw new InputError(`maxlag ${maxlag} must be at most n/2 - 1 - ntrend = ${limit} for ${n} values`, { field: 'maxlag' });
    }
  }

  const dx = new Float64Array(n - 1);
  let moves = false;
  for (let t = 0; t < n - 1; t++) {
    dx[t] = x[t + 1]! - x[t]!;
    if (dx[t] !== 0) moves = true;
  }
  if (!moves) throw new InputError('series is constant: the ADF regression is undefined', { field: 'x' });

  let usedLag = maxlag;
  let icBest: number | null = null;
  if (autolag !== null) {
    // Search on the common sample left by maxlag; deterministic terms first, as statsmodels does.
    const nobsSearch = n - 1 - maxlag;
    const y = dx.subarray(maxlag);
    const full = [...trendColumns(regression, nobsSearch), ...lagColumns(x, dx, maxlag, maxlag)];
    const sizes = Array.from({ length: maxlag + 1 }, (_, lag) => ntrend + 1 + lag);
    const fits = fitNestedOls(y, full, sizes, ntrend > 0);
    if (autolag === 't-stat') {
      usedLag = maxlag;
      icBest = 0;
      for (let lag = maxlag; lag >= 0; lag--) {
        const tv = fits[lag]!.tvalues;
        icBest = Math.abs(tv[tv.length - 1]!);
        usedLag = lag;
        if (icBest >= T_STAT_STOP) break;
      }
    } else {
      let best = Infinity;
      let bestLag = 0;
      for (let lag = 0; lag <= maxlag; lag++) {
        const ic = autolag === 'AIC' ? fits[lag]!.aic : fits[lag]!.bic;
        if (ic < best) {
          best = ic;
          bestLag = lag;
        }
      }
      usedLag = bestLag;
      icBest = best;
    }
  }

  // Final regression on the longest sample the chosen lag allows; deterministic terms last.
  const nobs = n - 1 - usedLag;
  const y = dx.subarray(usedLag);
  const design = [...lagColumns(x, dx, usedLag, usedLag), ...trendColumns(regression, nobs)];
  const res = fitOls(y, design, ntrend > 0);
  const stat = res.tvalues[0]!;
  return {
    stat,
    pValue: mackinnonp(stat, regression, 1),
    usedLag,
    nobs,
    criticalValues: mackinnoncrit(1, regression, nobs),
    icBest,
    maxLag: maxlag,
    regression,
  };
}
