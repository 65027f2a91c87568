import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { fitNestedOls, fitOls, ols } from './ols.ts';

function noise(seed: number, n: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

describe('ols', () => {
  it('recovers the coefficients of noise-free data exactly (to rounding)', () => {
    const x1 = noise(1, 50);
    const x2 = noise(2, 50);
    const y = x1.map((v, i) => 3 - 2 * v + 0.5 * x2[i]!);
    const r = ols(y, [x1, x2]);
    expect(r.params[0]).toBeCloseTo(3, 12);
    expect(r.params[1]).toBeCloseTo(-2, 12);
    expect(r.params[2]).toBeCloseTo(0.5, 12);
    expect(r.ssr).toBeLessThan(1e-24);
    expect(r.rank).toBe(3);
  });

  it('matches the textbook simple-regression formulas for slope, intercept and their standard errors', () => {
    const n = 200;
    const x = noise(3, n, 2).map((v, i) => v + i * 0.01);
    const e = noise(4, n);
    const y = x.map((v, i) => 1.5 + 0.7 * v + e[i]!);
    const mx = x.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += (x[i]! - mx) ** 2;
      sxy += (x[i]! - mx) * (y[i]! - my);
    }
    const b = sxy / sxx;
    const a = my - b * mx;
    let ssr = 0;
    for (let i = 0; i < n; i++) ssr += (y[i]! - a - b * x[i]!) ** 2;
    const s2 = ssr / (n - 2);
    const seB = Math.sqrt(s2 / sxx);
    const seA = Math.sqrt(s2 * (1 / n + (mx * mx) / sxx));

    const r = ols(y, [x]);
    expect(r.params[1]).toBeCloseTo(b, 12);
    expect(r.params[0]).toBeCloseTo(a, 12);
    expect(r.bse[1]! / seB).toBeCloseTo(1, 12);
    expect(r.bse[0]! / seA).toBeCloseTo(1, 12);
    expect(r.tvalues[1]).toBeCloseTo(b / seB, 9);
    expect(r.dfResid).toBe(n - 2);
    expect(r.ssr / ssr).toBeCloseTo(1, 12);
    // Profile log-likelihood and information criteria as statsmodels defines them.
    const llf = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
    expect(r.llf).toBeCloseTo(llf, 9);
    expect(r.aic).toBeCloseTo(-2 * llf + 4, 9);
    expect(r.bic).toBeCloseTo(-2 * llf + Math.log(n) * 2, 9);
  });

  it('leaves residuals orthogonal to every regressor', () => {
    const x1 = noise(5, 120);
    const x2 = noise(6, 120).map((v, i) => v + 1e3 + i);
    const y = noise(7, 120).map((v, i) => v + 0.3 * x1[i]! - 0.01 * x2[i]!);
    const r = ols(y, [x1, x2]);
    for (const col of [x1, x2]) {
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < 120; i++) {
        dot += r.resid[i]! * col[i]!;
        norm += col[i]! * col[i]!;
      }
      expect(Math.abs(dot) / Math.sqrt(norm * r.ssr)).toBeLessThan(1e-12);
    }
    expect(r.resid.reduce((a, b) => a + b)).toBeCloseTo(0, 10);
  });

  it('does not depend on the order of the columns', () => {
    const x1 = noise(8, 80);
    const x2 = noise(9, 80);
    const y = noise(10, 80);
    const a = ols(y, [x1, x2]);
    const b = ols(y, [x2, x1]);
    expect(b.params[1]).toBeCloseTo(a.params[2]!, 13);
    expect(b.tvalues[2]).toBeCloseTo(a.tvalues[1]!, 12);
  });

  it('gives a zero column a zero coefficient and drops it from the rank, as the pseudo-inverse does', () => {
    const x = noise(11, 60);
    const y = noise(12, 60).map((v, i) => v + 2 * x[i]!);
    const zero = new Float64Array(60);
    const withZero = fitOls(y, [new Float64Array(60).fill(1), x, zero], true);
    const plain = fitOls(y, [new Float64Array(60).fill(1), x], true);
    expect(withZero.rank).toBe(2);
    expect(withZero.dfResid).toBe(58);
    expect(withZero.params[2]).toBe(0);
    expect(withZero.params[1]).toBeCloseTo(plain.params[1]!, 13);
    expect(withZero.bse[1]).toBeCloseTo(plain.bse[1]!, 13);
  });

  it('uses the uncentred R^2 without a constant and the centred one with it', () => {
    const x = noise(13, 40).map((v) => v + 5);
    const y = noise(14, 40).map((v, i) => 10 + v + x[i]!);
    const through0 = ols(y, [x], { constant: false });
    const tss0 = y.reduce((a, v) => a + v * v, 0);
    expect(through0.rsquared).toBeCloseTo(1 - through0.ssr / tss0, 14);
    const withC = ols(y, [x]);
    const my = y.reduce((a, v) => a + v, 0) / 40;
    const tss = y.reduce((a, v) => a + (v - my) ** 2, 0);
    expect(withC.rsquared).toBeCloseTo(1 - withC.ssr / tss, 14);
  });

  it('rejects non-finite data, too few observations and mismatched lengths', () => {
    expect(() => ols([1, 2, NaN, 4], [[1, 2, 3, 4]])).toThrow(InputError);
    expect(() => ols([1, 2], [[1, 2], [3, 5]])).toThrow(InputError);
    expect(() => fitOls([1, 2, 3], [[1, 2]], false)).toThrow(InputError);
    expect(() => fitOls([1, 2, 3], [], false)).toThrow(InputError);
  });
});

describe('fitNestedOls', () => {
  it('equals separate fits of each leading block of columns', () => {
    const n = 300;
    const cols = [new Float64Array(n).fill(1), ...[20, 21, 22, 23].map((s) => noise(s, n))];
    const y = noise(24, n).map((v, i) => v + 0.4 * cols[2]![i]!);
    const nested = fitNestedOls(y, cols, [1, 2, 3, 4, 5], true);
    for (let k = 1; k <= 5; k++) {
      const single = fitOls(y, cols.slice(0, k), true);
      expect(Array.from(nested[k - 1]!.params)).toEqual(Array.from(single.params));
      expect(nested[k - 1]!.aic).toBe(single.aic);
      expect(Array.from(nested[k - 1]!.tvalues)).toEqual(Array.from(single.tvalues));
    }
  });

  it('rejects a model size outside the design', () => {
    expect(() => fitNestedOls([1, 2, 3, 4], [[1, 1, 1, 1]], [2], true)).toThrow(InputError);
  });
});
