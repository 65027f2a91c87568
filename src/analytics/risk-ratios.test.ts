import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calmarRatio,
  downsideDeviation,
  excessKurtosis,
  historicalCVaR,
  historicalVaR,
  omegaRatio,
  parametricCVaR,
  parametricVaR,
  returnDistributionStats,
  sharpeRatio,
  skewness,
  sortinoRatio,
  tailRatio,
} from './risk-ratios.ts';

const r3 = [0.01, -0.02, 0.03];
/** Realistic period returns: −20 % … +20 % in steps of 0.001 %. */
const ret = fc.integer({ min: -20_000, max: 20_000 }).map((i) => i / 100_000);

describe('Sharpe and Sortino', () => {
  it('computes the Sharpe ratio by hand on three returns', () => {
    // mean 0.00666…, sample std √(((0.01−m)² + (−0.02−m)² + (0.03−m)²)/2)
    const m = 0.02 / 3;
    const sd = Math.sqrt(((0.01 - m) ** 2 + (-0.02 - m) ** 2 + (0.03 - m) ** 2) / 2);
    expect(sharpeRatio(r3, { periodsPerYear: 252 })).toBeCloseTo((m / sd) * Math.sqrt(252), 12);
  });

  it('computes the Sortino ratio with the downside deviation over all returns', () => {
    const m = 0.02 / 3;
    const dd = Math.sqrt(0.02 ** 2 / 3);
    expect(downsideDeviation(r3, { periodsPerYear: 12 })).toBeCloseTo(dd * Math.sqrt(12), 14);
    expect(sortinoRatio(r3, { periodsPerYear: 12 })).toBeCloseTo((m * 12) / (dd * Math.sqrt(12)), 12);
  });

  it('subtracts the per-period risk-free rate', () => {
    const rf = Math.pow(1.04, 1 / 252) - 1;
    const shifted = r3.map((r) => r - rf);
    expect(sharpeRatio(r3, { riskFreeRate: 0.04 })).toBeCloseTo(sharpeRatio(shifted)!, 12);
    expect(sortinoRatio(r3, { riskFreeRate: 0.04 })).toBeCloseTo(sortinoRatio(shifted)!, 12);
  });

  it('is null rather than infinite without volatility or downside', () => {
    expect(sharpeRatio([0.01, 0.01, 0.01])).toBeNull();
    expect(sharpeRatio([0, 0, 0, 0])).toBeNull();
    expect(sharpeRatio([0.01])).toBeNull();
    expect(sortinoRatio([0.01, 0.02])).toBeNull();
    expect(sortinoRatio([])).toBeNull();
  });

  it('treats returns equal but for rounding as zero volatility', () => {
    // A curve compounding at 1 % a bar: returns differ only by floating-point noise.
    const r: number[] = [];
    for (let i = 1; i < 200; i++) r.push((1000 * Math.pow(1.01, i)) / (1000 * Math.pow(1.01, i - 1)) - 1);
    expect(new Set(r).size).toBeGreaterThan(1);
    expect(sharpeRatio(r)).toBeNull();
  });

  it('is unchanged when returns are scaled by a positive factor', () => {
    fc.assert(
      fc.property(fc.array(ret, { minLength: 3, maxLength: 40 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (rs, k) => {
        const a = sharpeRatio(rs);
        const b = sharpeRatio(rs.map((r) => r * k));
        if (a === null || b === null) return;
        expect(Math.abs(b - a)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
      }),
    );
  });
});

describe('calmar, omega and tail ratio', () => {
  it('divides CAGR by the absolute max drawdown', () => {
    expect(calmarRatio(0.2, -0.1)).toBeCloseTo(2, 15);
    expect(calmarRatio(0.2, 0)).toBeNull();
    expect(calmarRatio(null, -0.1)).toBeNull();
  });

  it('computes omega as gains over losses around the threshold', () => {
    expect(omegaRatio([0.02, -0.01, 0.03, -0.04])).toBeCloseTo(0.05 / 0.05, 15);
    expect(omegaRatio([0.02, 0.01])).toBeNull();
  });

  it('computes the tail ratio from the 95th and 5th percentiles', () => {
    const xs = Array.from({ length: 21 }, (_, i) => (i - 10) / 100); // −0.10 … 0.10
    expect(tailRatio(xs)).toBeCloseTo(1, 14);
    expect(tailRatio([0, 0, 0])).toBeNull();
  });
});

describe('moments of the distribution', () => {
  it('has zero skew for a symmetric sample', () => {
    expect(skewness([-2, -1, 0, 1, 2])).toBeCloseTo(0, 15);
  });

  it('applies the small-sample correction (pandas values)', () => {
    // scipy.stats.skew(…, bias=False) = 1.763632614803888, kurtosis(…, bias=False) = 3.228
    const xs = [1, 2, 3, 10];
    const n = 4;
    const m = 4;
    const m2 = xs.reduce((s, x) => s + (x - m) ** 2, 0) / n;
    const m3 = xs.reduce((s, x) => s + (x - m) ** 3, 0) / n;
    const m4 = xs.reduce((s, x) => s + (x - m) ** 4, 0) / n;
    const g1 = m3 / m2 ** 1.5;
    const g2 = m4 / m2 ** 2 - 3;
    expect(skewness(xs)).toBeCloseTo((Math.sqrt(n * (n - 1)) / (n - 2)) * g1, 13);
    expect(excessKurtosis(xs)).toBeCloseTo((((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3)), 13);
    expect(skewness(xs)).toBeCloseTo(1.763632614803888, 13);
    expect(excessKurtosis(xs)).toBeCloseTo(3.228, 13);
  });

  it('is null for too few values or a constant sample', () => {
    expect(skewness([1, 2])).toBeNull();
    expect(excessKurtosis([1, 2, 3])).toBeNull();
    expect(skewness([0.5, 0.5, 0.5, 0.5])).toBeNull();
  });
});

describe('value at risk', () => {
  const xs = Array.from({ length: 101 }, (_, i) => (i - 50) / 1000); // −0.05 … 0.05

  it('reads historical VaR as a return quantile (negative = loss)', () => {
    expect(historicalVaR(xs, 0.05)).toBeCloseTo(-0.045, 15);
  });

  it('averages the k + 1 worst returns for historical CVaR', () => {
    // k = floor(100 × 0.05) = 5: mean of −0.050 … −0.045
    expect(historicalCVaR(xs, 0.05)).toBeCloseTo(-0.0475, 15);
  });

  it('is never above VaR for CVaR', () => {
    fc.assert(
      fc.property(fc.array(ret, { minLength: 2, maxLength: 80 }), (rs) => {
        expect(historicalCVaR(rs)!).toBeLessThanOrEqual(historicalVaR(rs)! + 1e-15);
        expect(parametricCVaR(rs)!).toBeLessThanOrEqual(parametricVaR(rs)! + 1e-15);
      }),
    );
  });

  it('uses μ + σ Φ⁻¹(α) and μ − σ φ(Φ⁻¹(α))/α for the normal model', () => {
    const rs = [0.01, -0.02, 0.015, 0.003, -0.007];
    const m = rs.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / 4);
    expect(parametricVaR(rs, 0.05)).toBeCloseTo(m - 1.6448536269514729 * sd, 14);
    expect(parametricCVaR(rs, 0.05)).toBeCloseTo(m - (sd * 0.10313564037537128) / 0.05, 14);
  });

  it('gives every statistic exactly as its own function does (moments taken once)', () => {
    const returns = fc.oneof(fc.array(ret, { maxLength: 40 }), fc.tuple(ret, fc.nat(6)).map(([x, k]) => new Array<number>(k).fill(x)));
    fc.assert(
      fc.property(returns, fc.constantFrom(0.05, 0.01, 0.1), fc.constantFrom(0, 0.1), (rs, cutoff, requiredReturn) => {
        const o = { periodsPerYear: 252, riskFreeRate: 0.02, requiredReturn, cutoff };
        const s = returnDistributionStats(rs, o);
        const each = {
          skew: skewness(rs),
          excessKurtosis: excessKurtosis(rs),
          omega: omegaRatio(rs, o),
          tailRatio: tailRatio(rs),
          cutoff,
          historicalVaR: historicalVaR(rs, cutoff),
          historicalCVaR: historicalCVaR(rs, cutoff),
          parametricVaR: parametricVaR(rs, cutoff),
          parametricCVaR: parametricCVaR(rs, cutoff),
        };
        for (const [k, v] of Object.entries(each)) expect(Object.is(s[k as keyof typeof s], v), k).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports null for empty input in every distribution statistic', () => {
    const s = returnDistributionStats([]);
    expect(Object.entries(s).filter(([k, v]) => k !== 'cutoff' && v !== null)).toEqual([]);
  });
});
