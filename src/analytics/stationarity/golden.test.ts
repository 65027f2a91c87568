// Agreement with statsmodels 0.13.5 on the golden file made by test/golden/coint/make_golden.py
// (see test/golden/coint/README.md). Tolerance for statistics and p-values: 1e-6 absolute.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adfuller, type AutoLag } from './adf.ts';
import { coint } from './coint.ts';
import { mackinnoncrit, mackinnonp, type Regression } from './mackinnon.ts';
import { normalCdf } from './normal.ts';
import { ols } from './ols.ts';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Golden {
  meta: { statsmodels: string };
  series: Record<string, number[]>;
  adfuller: {
    series: string;
    regression: Regression;
    autolag: AutoLag | null;
    maxlag: number | null;
    stat: Num;
    pvalue: Num;
    usedlag: number;
    nobs: number;
    crit: Record<'1%' | '5%' | '10%', Num>;
    icbest: Num | null;
  }[];
  coint: {
    y0: string;
    y1: string;
    trend: Regression;
    autolag: AutoLag | null;
    stat: Num;
    pvalue: Num;
    crit: Num[];
    params: Num[];
  }[];
  ols: {
    y: string;
    x: string[];
    params: Num[];
    bse: Num[];
    tvalues: Num[];
    ssr: Num;
    llf: Num;
    aic: Num;
    bic: Num;
    rsquared: Num;
    df_resid: Num;
    resid_head: Num[];
    resid_tail: Num[];
  }[];
  mackinnonp: { stat: number; regression: Regression; N: number; p: Num }[];
  mackinnoncrit: { N: number; regression: Regression; nobs: Num; crit: Num[] }[];
  normcdf: [Num, Num][];
}

const golden = JSON.parse(
  readFileSync(new URL('../../../test/golden/coint/golden.json', import.meta.url), 'utf8'),
) as Golden;

const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const series = (name: string): Float64Array => {
  const s = golden.series[name];
  if (!s) throw new Error(`golden series ${name} missing`);
  return Float64Array.from(s);
};
/** |a - b| with equal infinities (and equal NaNs) counted as 0. */
const diff = (a: number, b: number): number => (a === b || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Math.abs(a - b));
const relDiff = (a: number, b: number): number => diff(a, b) / Math.max(1, Math.abs(b));
const TOL = 1e-6;

describe(`adfuller agrees with statsmodels ${golden.meta.statsmodels}`, () => {
  const cases = golden.adfuller.map((c) => [`${c.series} regression=${c.regression} autolag=${c.autolag} maxlag=${c.maxlag}`, c] as const);
  it.each(cases)('matches statsmodels on %s', (_, c) => {
    const r = adfuller(series(c.series), {
      regression: c.regression,
      autolag: c.autolag,
      ...(c.maxlag === null ? {} : { maxlag: c.maxlag }),
    });
    expect(r.usedLag).toBe(c.usedlag);
    expect(r.nobs).toBe(c.nobs);
    expect(diff(r.stat, num(c.stat))).toBeLessThanOrEqual(TOL);
    expect(diff(r.pValue, num(c.pvalue))).toBeLessThanOrEqual(TOL);
    for (const level of ['1%', '5%', '10%'] as const) {
      expect(diff(r.criticalValues[level], num(c.crit[level]))).toBeLessThanOrEqual(1e-12);
    }
    if (c.icbest === null) {
      expect(r.icBest).toBeNull();
    } else {
      // A saturated regression (as many regressors as observations) has an ssr of pure rounding
      // noise: its information criterion is noise in statsmodels too, so only the choice is compared.
      const saturated = r.nobs === r.usedLag + 1 + (c.regression === 'n' ? 0 : c.regression.length);
      if (!saturated) expect(relDiff(r.icBest!, num(c.icbest))).toBeLessThanOrEqual(1e-8);
    }
  });
});

describe(`coint agrees with statsmodels ${golden.meta.statsmodels}`, () => {
  const cases = golden.coint.map((c) => [`${c.y0} ~ ${c.y1} trend=${c.trend} autolag=${c.autolag}`, c] as const);
  it.each(cases)('matches statsmodels on %s', (_, c) => {
    const r = coint(series(c.y0), series(c.y1), { trend: c.trend, autolag: c.autolag });
    expect(diff(r.stat, num(c.stat))).toBeLessThanOrEqual(TOL);
    expect(diff(r.pValue, num(c.pvalue))).toBeLessThanOrEqual(TOL);
    const crit = [r.criticalValues['1%'], r.criticalValues['5%'], r.criticalValues['10%']];
    crit.forEach((v, i) => expect(diff(v, num(c.crit[i]!))).toBeLessThanOrEqual(1e-12));
    expect(relDiff(r.hedgeRatio, num(c.params[0]!))).toBeLessThanOrEqual(1e-9);
    expect(relDiff(r.intercept, num(c.params[1]!))).toBeLessThanOrEqual(1e-9);
  });
});

describe(`ols agrees with statsmodels ${golden.meta.statsmodels}`, () => {
  const cases = golden.ols.map((c) => [`${c.y} ~ const + ${c.x.join(' + ')}`, c] as const);
  it.each(cases)('matches statsmodels on %s', (_, c) => {
    const r = ols(series(c.y), c.x.map(series));
    for (const key of ['params', 'bse', 'tvalues'] as const) {
      c[key].forEach((v, i) => expect(relDiff(r[key][i]!, num(v))).toBeLessThanOrEqual(1e-9));
    }
    expect(relDiff(r.ssr, num(c.ssr))).toBeLessThanOrEqual(1e-9);
    expect(relDiff(r.llf, num(c.llf))).toBeLessThanOrEqual(1e-9);
    expect(relDiff(r.aic, num(c.aic))).toBeLessThanOrEqual(1e-9);
    expect(relDiff(r.bic, num(c.bic))).toBeLessThanOrEqual(1e-9);
    expect(diff(r.rsquared, num(c.rsquared))).toBeLessThanOrEqual(1e-12);
    expect(r.dfResid).toBe(num(c.df_resid));
    const n = r.resid.length;
    c.resid_head.forEach((v, i) => expect(diff(r.resid[i]!, num(v))).toBeLessThanOrEqual(1e-9));
    c.resid_tail.forEach((v, i) => expect(diff(r.resid[n - 5 + i]!, num(v))).toBeLessThanOrEqual(1e-9));
  });
});

describe('MacKinnon tables agree with statsmodels', () => {
  it(`reproduces all ${golden.mackinnonp.length} mackinnonp values to 1e-12`, () => {
    let worst = 0;
    for (const c of golden.mackinnonp) worst = Math.max(worst, diff(mackinnonp(c.stat, c.regression, c.N), num(c.p)));
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it(`reproduces all ${golden.mackinnoncrit.length} mackinnoncrit rows to 1e-12`, () => {
    let worst = 0;
    for (const c of golden.mackinnoncrit) {
      const r = mackinnoncrit(c.N, c.regression, num(c.nobs));
      [r['1%'], r['5%'], r['10%']].forEach((v, i) => (worst = Math.max(worst, diff(v, num(c.crit[i]!)))));
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  // The project's normal CDF (src/core/normal.ts, Cody's ANORM) is within 2e-15 of 50-digit mpmath;
  // in the far tail scipy's own error reaches about 1.2e-13, so that is the agreement asserted here.
  it('computes the normal distribution function as scipy.stats.norm.cdf to 2e-13 relative', () => {
    let worst = 0;
    for (const [x, p] of golden.normcdf) {
      const want = num(p);
      const got = normalCdf(num(x));
      // Below 1e-300 scipy returns subnormals where Cody's erfc underflows to 0.
      worst = Math.max(worst, want < 1e-300 ? Math.abs(got - want) : Math.abs(got - want) / want);
    }
    expect(worst).toBeLessThanOrEqual(2e-13);
  });
});
