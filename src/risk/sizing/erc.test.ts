import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { equalRiskContribution, weightsToQty } from './erc.ts';

/** Covariance from vols and a correlation matrix. */
function covariance(vols: number[], corr: number[][]): number[][] {
  return vols.map((a, i) => vols.map((b, j) => a * b * corr[i]![j]!));
}

describe('equalRiskContribution', () => {
  it('reduces to inverse-volatility weights for a diagonal covariance: vols 20/30/10% → 3/11, 2/11, 6/11', () => {
    const r = equalRiskContribution([
      [0.04, 0, 0],
      [0, 0.09, 0],
      [0, 0, 0.01],
    ]);
    expect(r.converged).toBe(true);
    expect(r.weights[0]).toBeCloseTo(3 / 11, 12);
    expect(r.weights[1]).toBeCloseTo(2 / 11, 12);
    expect(r.weights[2]).toBeCloseTo(6 / 11, 12);
    for (const s of r.riskShares) expect(s).toBeCloseTo(1 / 3, 10);
  });

  it('is inverse volatility for two assets whatever their correlation: vols 10% and 30% → 0.75 / 0.25', () => {
    for (const rho of [-0.8, 0, 0.5, 0.95]) {
      const r = equalRiskContribution(covariance([0.1, 0.3], [[1, rho], [rho, 1]]));
      expect(r.weights[0]).toBeCloseTo(0.75, 10);
      expect(r.weights[1]).toBeCloseTo(0.25, 10);
    }
  });

  it('is inverse volatility under a constant correlation: vols 10/20/30%, ρ = 0.5 → 6/11, 3/11, 2/11', () => {
    const c = [
      [1, 0.5, 0.5],
      [0.5, 1, 0.5],
      [0.5, 0.5, 1],
    ];
    const r = equalRiskContribution(covariance([0.1, 0.2, 0.3], c));
    expect(r.weights.map((w) => w * 11)).toEqual([6, 3, 2].map((x) => expect.closeTo(x, 9)));
  });

  it('departs from inverse volatility when correlations differ, and still equalizes risk', () => {
    // Assets 1 and 2 are highly correlated, asset 3 is not: asset 3 gets more than its inverse-vol weight.
    const c = [
      [1, 0.9, 0.1],
      [0.9, 1, 0.1],
      [0.1, 0.1, 1],
    ];
    const r = equalRiskContribution(covariance([0.2, 0.2, 0.2], c));
    expect(r.weights[2]).toBeGreaterThan(1 / 3 + 0.05);
    expect(r.weights[0]).toBeCloseTo(r.weights[1]!, 8);
    for (const s of r.riskShares) expect(s).toBeCloseTo(1 / 3, 10);
  });

  it('equalizes every risk contribution for any positive definite covariance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((n) => fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n })),
        (a) => {
          const n = a.length;
          // Σ = A Aᵀ + 0.01 I is symmetric positive definite.
          const cov = a.map((ri, i) => a.map((rj, j) => ri.reduce((s, x, k) => s + x * rj[k]!, 0) + (i === j ? 0.01 : 0)));
          const r = equalRiskContribution(cov);
          const sumW = r.weights.reduce((s, w) => s + w, 0);
          return r.converged && Math.abs(sumW - 1) < 1e-12 && r.weights.every((w) => w > 0) && r.riskShares.every((s) => Math.abs(s - 1 / n) < 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('honours risk budgets: budgets 2:1 on a diagonal covariance give risk shares 2/3 and 1/3', () => {
    const r = equalRiskContribution(
      [
        [0.04, 0],
        [0, 0.04],
      ],
      { budgets: [2, 1] },
    );
    expect(r.riskShares[0]).toBeCloseTo(2 / 3, 10);
    // diagonal: wᵢ ∝ √bᵢ / σᵢ → √2 : 1
    expect(r.weights[0]! / r.weights[1]!).toBeCloseTo(Math.SQRT2, 10);
  });

  it('reports the portfolio volatility of its weights', () => {
    const r = equalRiskContribution([
      [0.04, 0],
      [0, 0.01],
    ]);
    // weights 1/3, 2/3: variance 0.04/9 + 0.01 × 4/9 = 0.08/9
    expect(r.volatility).toBeCloseTo(Math.sqrt(0.08 / 9), 14);
  });

  it('rejects a non-square, asymmetric or zero-variance covariance', () => {
    expect(() => equalRiskContribution([[0.04, 0]])).toThrow(InputError);
    expect(() => equalRiskContribution([[0.04, 0.01], [0, 0.04]])).toThrow(/symmetric/);
    expect(() => equalRiskContribution([[0, 0], [0, 0.04]])).toThrow(/variance/);
  });
});

describe('weightsToQty', () => {
  it('turns weights into lots: 100 000 × (6/11, 3/11, 2/11) at 50, 20, 7', () => {
    const weights = [6 / 11, 3 / 11, 2 / 11];
    // 54 545.45 / 50 = 1090.9; 27 272.73 / 20 = 1363.6; 18 181.82 / 7 = 2597.4
    expect(weightsToQty({ equity: 100_000, weights, prices: [50, 20, 7], lotSize: 1 })).toEqual([1090, 1363, 2597]);
    expect(weightsToQty({ equity: 100_000, weights, prices: [50, 20, 7], lotSize: [10, 100, 1] })).toEqual([1090, 1300, 2597]);
  });

  it('rejects mismatched lengths and non-positive prices', () => {
    expect(() => weightsToQty({ equity: 1, weights: [1], prices: [], lotSize: 1 })).toThrow(InputError);
    expect(() => weightsToQty({ equity: 1, weights: [1], prices: [0], lotSize: 1 })).toThrow(/price/);
  });
});
