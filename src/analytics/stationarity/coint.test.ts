import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { adfuller } from './adf.ts';
import { coint } from './coint.ts';
import { mackinnoncrit, mackinnonp } from './mackinnon.ts';
import { ols } from './ols.ts';

/** x: random walk; y = 4 + 1.8 x + stationary AR(1) noise. */
function cointegratedPair(seed: number, n: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let level = 50;
  let u = 0;
  for (let i = 0; i < n; i++) {
    level += rng.normal();
    u = 0.6 * u + 0.5 * rng.normal();
    x[i] = level;
    y[i] = 4 + 1.8 * level + u;
  }
  return { x, y };
}

function randomWalk(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  let v = 0;
  return Float64Array.from({ length: n }, () => (v += rng.normal()));
}

describe('coint', () => {
  it('finds a cointegrated pair and its hedge ratio', () => {
    const { x, y } = cointegratedPair(1, 1000);
    const r = coint(y, x);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.stat).toBeLessThan(r.criticalValues['1%']);
    expect(r.hedgeRatio).toBeCloseTo(1.8, 1);
    expect(r.intercept).toBeCloseTo(4, 0);
  });

  it('does not find cointegration between independent random walks', () => {
    const r = coint(randomWalk(2, 1000), randomWalk(3, 1000));
    expect(r.pValue).toBeGreaterThan(0.1);
    expect(r.stat).toBeGreaterThan(r.criticalValues['10%']);
  });

  it('is the no-constant ADF of the first-stage OLS residuals, with N = 2 p-value and nobs - 1 critical values', () => {
    const { x, y } = cointegratedPair(4, 300);
    const first = ols(y, [x]);
    const adf = adfuller(first.resid, { regression: 'n' });
    const r = coint(y, x);
    expect(r.hedgeRatio).toBeCloseTo(first.params[1]!, 12);
    expect(r.intercept).toBeCloseTo(first.params[0]!, 10);
    expect(r.stat).toBeCloseTo(adf.stat, 10);
    expect(r.usedLag).toBe(adf.usedLag);
    expect(r.pValue).toBe(mackinnonp(r.stat, 'c', 2));
    expect(r.criticalValues).toEqual(mackinnoncrit(2, 'c', 299));
    for (let i = 0; i < 300; i += 37) expect(r.residuals[i]).toBeCloseTo(first.resid[i]!, 10);
  });

  it('passes maxlag and autolag to the residual ADF', () => {
    const { x, y } = cointegratedPair(5, 300);
    const r = coint(y, x, { autolag: null, maxlag: 3 });
    expect(r.usedLag).toBe(3);
    expect(r.adfNobs).toBe(296);
  });

  it('reports -Infinity and p = 0 for exactly collinear series, as statsmodels does', () => {
    const x = randomWalk(6, 200);
    const r = coint(
      x.map((v) => 1 + 2 * v),
      x,
    );
    expect(r.stat).toBe(-Infinity);
    expect(r.pValue).toBe(0);
    expect(r.usedLag).toBeNull();
    expect(r.hedgeRatio).toBeCloseTo(2, 12);
  });

  it('accepts several regressors and uses N = number of series', () => {
    const a = randomWalk(7, 400);
    const b = randomWalk(8, 400);
    const rng = new Rng(9);
    const y = a.map((v, i) => 1 + 0.5 * v - 1.2 * b[i]! + 0.3 * rng.normal());
    const r = coint(y, [a, b]);
    expect(r.hedgeRatios).toHaveLength(2);
    expect(r.hedgeRatios[0]).toBeCloseTo(0.5, 1);
    expect(r.hedgeRatios[1]).toBeCloseTo(-1.2, 1);
    expect(r.pValue).toBe(mackinnonp(r.stat, 'c', 3));
    expect(r.criticalValues).toEqual(mackinnoncrit(3, 'c', 399));
  });

  it('has no critical values and no intercept without deterministic terms', () => {
    const { x, y } = cointegratedPair(10, 200);
    const r = coint(y, x, { trend: 'n' });
    expect(r.criticalValues['5%']).toBeNaN();
    expect(r.intercept).toBeNaN();
    expect(r.pValue).toBe(mackinnonp(r.stat, 'n', 2));
  });

  it('rejects mismatched lengths, non-finite values and a constant regressor', () => {
    expect(() => coint([1, 2, 3], [1, 2])).toThrow(InputError);
    expect(() => coint([1, 2, NaN, 4], [1, 2, 3, 4])).toThrow(InputError);
    expect(() => coint(randomWalk(11, 50), new Float64Array(50).fill(2))).toThrow(/constant/);
  });
});
