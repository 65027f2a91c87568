import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { pcaFactorModel, sScore } from './sscore.ts';

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Residual returns of an AR(1) idiosyncratic price u_t = phi u_{t-1} + noise, plus `jump` added to u at the last step. */
function ouResiduals(rng: Rng, T: number, phi: number, jump = 0): Float64Array {
  const r = new Float64Array(T);
  let u = 0;
  for (let t = 0; t < T; t++) {
    const next = phi * u + 0.01 * rng.normal() + (t === T - 1 ? jump : 0);
    r[t] = next - u;
    u = next;
  }
  return r;
}

describe('pcaFactorModel', () => {
  const rng = new Rng(3);
  const T = 120;
  const market = Float64Array.from({ length: T }, () => 0.01 * rng.normal());
  const betas = [0.8, 1, 1.2, 0.9, 1.1, 1.3];
  const returns = betas.map((b) => Float64Array.from(market, (m) => b * m + 0.003 * rng.normal()));

  it('finds the common factor as the first principal component', () => {
    const fm = pcaFactorModel(returns, 1);
    expect(Math.abs(corr(fm.factors[0]!, market))).toBeGreaterThan(0.99);
    expect(fm.eigenvalues[0]!).toBeGreaterThan(5); // nearly all of the 6 units of variance
  });

  it('leaves residuals orthogonal to the factors and with zero mean (the regression has a constant)', () => {
    const fm = pcaFactorModel(returns, 2);
    for (const e of fm.residuals) {
      expect(e.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
      for (const f of fm.factors) expect(e.reduce((s, x, t) => s + x * f[t]!, 0)).toBeCloseTo(0, 12);
    }
  });

  it('removes the market: residuals are far less correlated with it than the returns', () => {
    const fm = pcaFactorModel(returns, 1);
    for (let i = 0; i < returns.length; i++) {
      expect(Math.abs(corr(returns[i]!, market))).toBeGreaterThan(0.9);
      expect(Math.abs(corr(fm.residuals[i]!, market))).toBeLessThan(0.05);
    }
  });

  it('refuses as many factors as assets and too few returns', () => {
    expect(() => pcaFactorModel(returns, 6)).toThrow(InputError);
    expect(() => pcaFactorModel(returns, 0)).toThrow(InputError);
    expect(() => pcaFactorModel(returns.map((r) => r.slice(0, 3)), 1)).toThrow(InputError);
  });
});

describe('sScore', () => {
  it('equals (X_T - a/(1-b)) / sqrt(var(e)/(1-b^2)) of an AR(1) fitted by least squares to the cumulative residual', () => {
    const eps = ouResiduals(new Rng(9), 60, 0.6);
    const x = new Float64Array(60);
    eps.reduce((acc, e, t) => (x[t] = acc + e), 0);
    // Closed-form simple regression of x[1..] on x[..T-1].
    const xs = Array.from(x.subarray(0, 59));
    const ys = Array.from(x.subarray(1));
    const mx = xs.reduce((s, v) => s + v, 0) / 59;
    const my = ys.reduce((s, v) => s + v, 0) / 59;
    const b = xs.reduce((s, v, i) => s + (v - mx) * (ys[i]! - my), 0) / xs.reduce((s, v) => s + (v - mx) ** 2, 0);
    const a = my - b * mx;
    const ssr = ys.reduce((s, v, i) => s + (v - a - b * xs[i]!) ** 2, 0);
    const sigmaEq = Math.sqrt(ssr / 57 / (1 - b * b));
    const m = a / (1 - b);
    const s = sScore(eps);
    expect(s.b).toBeCloseTo(b, 12);
    expect(s.a).toBeCloseTo(a, 12);
    expect(s.kappa).toBeCloseTo(-Math.log(b), 12);
    expect(s.s).toBeCloseTo((x[59]! - m) / sigmaEq, 10);
  });

  it('is far above 0 after an upward jump of the residual price and far below after a fall', () => {
    expect(sScore(ouResiduals(new Rng(1), 60, 0.5, 0.08)).s).toBeGreaterThan(3);
    expect(sScore(ouResiduals(new Rng(1), 60, 0.5, -0.08)).s).toBeLessThan(-3);
    expect(Math.abs(sScore(ouResiduals(new Rng(1), 60, 0.5)).s)).toBeLessThan(2);
  });

  it('is NaN when the residual price does not mean-revert (a steady drift: b = 1)', () => {
    const s = sScore(new Float64Array(60).fill(0.01));
    expect(s.s).toBeNaN();
  });
});
