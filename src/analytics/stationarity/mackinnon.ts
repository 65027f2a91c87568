// MacKinnon (1994) approximate p-values and MacKinnon (2010) finite-sample critical values for
// Dickey-Fuller and Engle-Granger tau statistics, computed as statsmodels' mackinnonp/mackinnoncrit.

import { InputError } from '../../core/errors.ts';
import {
  LARGEP_SCALE,
  SMALLP_SCALE,
  TAU_2010,
  TAU_LARGEP,
  TAU_MAX,
  TAU_MIN,
  TAU_SMALLP,
  TAU_STAR,
  type Regression,
} from './mackinnon-tables.ts';
import { normalCdf } from './normal.ts';

export type { Regression } from './mackinnon-tables.ts';

/** Critical values of the tau statistic at the 1 %, 5 % and 10 % levels. */
export interface CriticalValues {
  readonly '1%': number;
  readonly '5%': number;
  readonly '10%': number;
}

const REGRESSIONS: readonly Regression[] = ['n', 'c', 'ct', 'ctt'];

function checkRegression(regression: string): asserts regression is Regression {
  if (!(REGRESSIONS as readonly string[]).includes(regression)) {
    throw new InputError(`regression must be one of n, c, ct, ctt (got ${JSON.stringify(regression)})`, {
      field: 'regression',
    });
  }
}

/**
 * MacKinnon's (1994) approximate asymptotic p-value of a tau statistic.
 * `n` is the number of I(1) series: 1 for the ADF test, k + 1 for Engle-Granger with k regressors (1..6).
 * NaN in, NaN out; -Infinity gives 0.
 */
export function mackinnonp(stat: number, regression: Regression = 'c', n = 1): number {
  checkRegression(regression);
  if (!Number.isInteger(n) || n < 1 || n > 6) {
    throw new InputError(`mackinnonp supports 1 to 6 series (got ${n})`, { field: 'N' });
  }
  const i = n - 1;
  if (stat > TAU_MAX[regression][i]!) return 1;
  if (stat < TAU_MIN[regression][i]!) return 0;
  const small = stat <= TAU_STAR[regression][i]!;
  const coef = (small ? TAU_SMALLP : TAU_LARGEP)[regression][i]!;
  const scale: readonly number[] = small ? SMALLP_SCALE : LARGEP_SCALE;
  // Horner from the highest power, as numpy.polyval does.
  let z = 0;
  for (let j = coef.length - 1; j >= 0; j--) z = z * stat + coef[j]! * scale[j]!;
  return normalCdf(z);
}

/**
 * MacKinnon's (2010) critical values for sample size `nobs` (Infinity for the asymptotic ones).
 * `n` is the number of I(1) series (1..12; only 1 for regression 'n').
 */
export function mackinnoncrit(n = 1, regression: Regression = 'c', nobs = Infinity): CriticalValues {
  checkRegression(regression);
  const table = TAU_2010[regression];
  if (!Number.isInteger(n) || n < 1 || n > table.length) {
    throw new InputError(`mackinnoncrit supports 1 to ${table.length} series for regression '${regression}' (got ${n})`, {
      field: 'N',
    });
  }
  if (!(nobs > 0)) throw new InputError(`nobs must be positive (got ${nobs})`, { field: 'nobs' });
  const rows = table[n - 1]!;
  const at = (level: number): number => {
    const b = rows[level]!;
    if (nobs === Infinity) return b[0]!;
    const x = 1 / nobs;
    let v = 0;
    for (let j = b.length - 1; j >= 0; j--) v = v * x + b[j]!;
    return v;
  };
  return { '1%': at(0), '5%': at(1), '10%': at(2) };
}
