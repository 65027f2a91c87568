// Engle-Granger (augmented, two-step) test of the null "no cointegration", as
// statsmodels.tsa.stattools.coint (0.13.5, method 'aeg') computes it:
//   1. OLS of y0 on [y1..., deterministic terms] (terms appended: const, t, t^2);
//   2. ADF without deterministic terms ('n') on the residuals, with the given maxlag / autolag;
//   3. p-value mackinnonp(stat, trend, N) and critical values mackinnoncrit(N, trend, nobs - 1),
//      N = number of series (regressors + 1). For trend 'n' the critical values are NaN (MacKinnon
//      2010 gives none).
// When the first-stage R^2 >= 1 - 100 sqrt(eps) the series are (almost) collinear: the residual ADF
// is skipped and the statistic is -Infinity (p-value 0), as in statsmodels.

import { InputError } from '../../core/errors.ts';
import { adfuller, type AutoLag } from './adf.ts';
import { mackinnoncrit, mackinnonp, type CriticalValues, type Regression } from './mackinnon.ts';
import { fitOls } from './ols.ts';

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);

export interface CointOptions {
  /** Deterministic terms of the cointegrating regression: 'c' (default), 'ct', 'ctt' or 'n'. */
  readonly trend?: Regression;
  /** Lag selection for the residual ADF: 'AIC' (default), 'BIC', 't-stat' or null (use maxlag). */
  readonly autolag?: AutoLag | null;
  /** maxlag for the residual ADF; default as adfuller computes it for regression 'n'. */
  readonly maxlag?: number;
}

export interface CointResult {
  /** Engle-Granger tau statistic (ADF t-value on the first-stage residuals); -Infinity when collinear. */
  readonly stat: number;
  /** MacKinnon (1994) asymptotic p-value with N = number of series. */
  readonly pValue: number;
  /** MacKinnon (2010) critical values for nobs - 1 observations (NaN for trend 'n'). */
  readonly criticalValues: CriticalValues;
  /** Coefficient of the first regressor in y0 = intercept + hedgeRatio * y1 + spread. */
  readonly hedgeRatio: number;
  /** Coefficients of every regressor, in order (one for a pair). */
  readonly hedgeRatios: readonly number[];
  /** Constant of the cointegrating regression (NaN for trend 'n'). */
  readonly intercept: number;
  /** Lags used by the residual ADF (null when it was skipped for collinearity). */
  readonly usedLag: number | null;
  /** Observations in the residual ADF regression (null when skipped). */
  readonly adfNobs: number | null;
  /** First-stage residuals: the spread y0 - intercept - hedgeRatio * y1 (- trend terms). */
  readonly residuals: Float64Array;
  /** First-stage R^2. */
  readonly rsquared: number;
}

function isConstant(v: ArrayLike<number>): boolean {
  for (let t = 1; t < v.length; t++) if (v[t] !== v[0]) return false;
  return true;
}

/**
 * Engle-Granger cointegration test of y0 on y1 (one series, or several for a basket of up to 5).
 * The hedge ratio is the first-stage OLS slope: spread = y0 - intercept - hedgeRatio * y1.
 */
export function coint(
  y0: ArrayLike<number>,
  y1: ArrayLike<number> | readonly ArrayLike<number>[],
  options: CointOptions = {},
): CointResult {
  const trend = options.trend ?? 'c';
  const autolag = options.autolag === undefined ? 'AIC' : options.autolag;
  if (!['n', 'c', 'ct', 'ctt'].includes(trend)) {
    throw new InputError(`trend must be one of n, c, ct, ctt (got ${JSON.stringify(trend)})`, { field: 'trend' });
  }
  const regressors: readonly ArrayLike<number>[] =
    y1.length > 0 && typeof (y1 as ArrayLike<unknown>)[0] !== 'number'
      ? (y1 as readonly ArrayLike<number>[])
      : [y1 as ArrayLike<number>];
  const n = y0.length;
  const nSeries = regressors.length + 1;
  if (nSeries > 6) throw new InputError(`at most 5 regressors are supported (got ${regressors.length})`, { field: 'y1' });
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(y0[t]!)) throw new InputError(`y0[${t}] is not a finite number`, { field: 'y0' });
  }
  regressors.forEach((c, j) => {
    if (c.length !== n) throw new InputError(`y1 series ${j} has ${c.length} values, y0 has ${n}`, { field: 'y1' });
    for (let t = 0; t < n; t++) {
      if (!Number.isFinite(c[t]!)) throw new InputError(`y1 series ${j} [${t}] is not a finite number`, { field: 'y1' });
    }
    if (trend !== 'n' && isConstant(c)) throw new InputError(`y1 series ${j} is constant`, { field: 'y1' });
  });

  const order = trend === 'n' ? 0 : trend.length;
  const design: Float64Array[] = regressors.map((c) => Float64Array.from(c));
  for (let p = 0; p < order; p++) {
    const c = new Float64Array(n);
    for (let t = 0; t < n; t++) c[t] = p === 0 ? 1 : p === 1 ? t + 1 : (t + 1) * (t + 1);
    design.push(c);
  }
  const first = fitOls(y0, design, order > 0);

  let stat = -Infinity;
  let usedLag: number | null = null;
  let adfNobs: number | null = null;
  if (first.rsquared < 1 - 100 * SQRT_EPS) {
    const adf = adfuller(first.resid, {
      regression: 'n',
      autolag,
      ...(options.maxlag === undefined ? {} : { maxlag: options.maxlag }),
    });
    stat = adf.stat;
    usedLag = adf.usedLag;
    adfNobs = adf.nobs;
  }

  const criticalValues: CriticalValues =
    trend === 'n' ? { '1%': NaN, '5%': NaN, '10%': NaN } : mackinnoncrit(nSeries, trend, n - 1);
  const hedgeRatios = Array.from(first.params.subarray(0, regressors.length));
  return {
    stat,
    pValue: mackinnonp(stat, trend, nSeries),
    criticalValues,
    hedgeRatio: hedgeRatios[0]!,
    hedgeRatios,
    intercept: order > 0 ? first.params[regressors.length]! : NaN,
    usedLag,
    adfNobs,
    residuals: first.resid,
    rsquared: first.rsquared,
  };
}
