import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { almgrenChriss, almgrenChrissClosedForm, executionCostMoments, planAlmgrenChriss, type AlmgrenChrissParams } from './almgren-chriss.ts';

// The worked example of Almgren & Chriss (2000), section 3: 1e6 shares over 5 days in 1-day steps,
// sigma = 0.95 $/share/day^0.5, eta = 2.5e-6, gamma = 2.5e-7, epsilon = 0.0625, lambda = 2e-6.
const PAPER: AlmgrenChrissParams = { shares: 1e6, periods: 5, tau: 1, sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 2e-6 };

const params = fc.record({
  shares: fc.integer({ min: 1, max: 10_000_000 }),
  periods: fc.integer({ min: 1, max: 100 }),
  tau: fc.double({ min: 0.01, max: 2, noNaN: true }),
  sigma: fc.double({ min: 0.01, max: 5, noNaN: true }),
  eta: fc.double({ min: 1e-7, max: 1e-4, noNaN: true }),
  epsilon: fc.double({ min: 0, max: 0.1, noNaN: true }),
  lambda: fc.double({ min: 0, max: 1e-4, noNaN: true }),
});

describe('almgrenChriss', () => {
  it('starts at X, ends at 0 and never increases, for any parameters', () => {
    fc.assert(
      fc.property(params, (p) => {
        const r = almgrenChriss(p);
        expect(r.holdings[0]).toBe(p.shares);
        expect(r.holdings[p.periods]).toBe(0);
        for (let k = 1; k <= p.periods; k++) {
          expect(r.holdings[k]!).toBeLessThanOrEqual(r.holdings[k - 1]!);
          expect(r.trades[k - 1]!).toBeGreaterThanOrEqual(0);
        }
        expect(r.trades.reduce((a, b) => a + b, 0)).toBeCloseTo(p.shares, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('reduces to the linear (TWAP) trajectory as lambda goes to 0', () => {
    const lin = (k: number): number => 1e6 * (1 - k / 5);
    const zero = almgrenChriss({ ...PAPER, lambda: 0 });
    for (let k = 0; k <= 5; k++) expect(zero.holdings[k]).toBeCloseTo(lin(k), 6);
    expect(zero.kappa).toBe(0);
    let prev = Infinity;
    for (const lambda of [1e-6, 1e-8, 1e-10, 1e-12, 1e-14, 1e-16]) {
      const r = almgrenChriss({ ...PAPER, lambda });
      const dev = Math.max(...[0, 1, 2, 3, 4, 5].map((k) => Math.abs(r.holdings[k]! - lin(k))));
      expect(dev).toBeLessThan(prev);
      prev = dev;
    }
    expect(prev).toBeLessThan(1e-3);
  });

  it('trades faster as risk aversion grows', () => {
    let prev = Infinity;
    for (const lambda of [0, 1e-7, 1e-6, 1e-5, 1e-4]) {
      const x1 = almgrenChriss({ ...PAPER, lambda }).holdings[1]!;
      expect(x1).toBeLessThan(prev);
      prev = x1;
    }
  });

  it('matches the paper’s example: kappa ~ 0.6 per day at lambda 1e-6, trajectory sinh(kappa(T - t)) / sinh(kappa T) X', () => {
    const r = almgrenChriss({ ...PAPER, lambda: 1e-6 });
    const etaTilde = 2.5e-6 - 2.5e-7 / 2;
    expect(r.etaTilde).toBeCloseTo(etaTilde, 15);
    expect(r.kappaContinuous).toBeCloseTo(Math.sqrt((1e-6 * 0.95 ** 2) / etaTilde), 12);
    expect(Math.cosh(r.kappa)).toBeCloseTo(1 + (1e-6 * 0.95 ** 2) / (2 * etaTilde), 12);
    expect(r.kappa).toBeGreaterThan(0.55);
    expect(r.kappa).toBeLessThan(0.65);
    expect(r.halfLife).toBeCloseTo(1 / r.kappa, 12);
    for (let k = 0; k <= 5; k++) expect(r.holdings[k]).toBeCloseTo((1e6 * Math.sinh(r.kappa * (5 - k))) / Math.sinh(5 * r.kappa), 4);
  });

  it('gives cost moments equal to the paper’s closed forms', () => {
    fc.assert(
      fc.property(params, fc.double({ min: 0, max: 1e-6, noNaN: true }), (p, gammaFrac) => {
        const full = { ...p, gamma: gammaFrac * p.eta / p.tau };
        const r = almgrenChriss(full);
        const cf = almgrenChrissClosedForm(full);
        expect(Math.abs(r.expectedCost - cf.expectedCost)).toBeLessThanOrEqual(1e-7 * Math.max(1, cf.expectedCost));
        expect(Math.abs(r.variance - cf.variance)).toBeLessThanOrEqual(1e-6 * Math.max(1, cf.variance));
      }),
      { numRuns: 300 },
    );
  });

  it('minimises E + lambda V: TWAP and perturbed trajectories do worse', () => {
    const r = almgrenChriss(PAPER);
    const objective = (h: Float64Array): number => {
      const m = executionCostMoments(h, PAPER);
      return m.expectedCost + PAPER.lambda * m.variance;
    };
    expect(objective(r.holdings)).toBeCloseTo(r.objective, 6);
    expect(objective(Float64Array.from([1e6, 8e5, 6e5, 4e5, 2e5, 0]))).toBeGreaterThan(r.objective);
    for (let k = 1; k < 5; k++) {
      for (const d of [-1000, 1000]) {
        const h = Float64Array.from(r.holdings);
        h[k]! += d;
        expect(objective(h)).toBeGreaterThan(r.objective);
      }
    }
  });

  it('computes variance and expected cost of the linear trajectory by the textbook formula', () => {
    const X = 1e6;
    const m = executionCostMoments(Float64Array.from([X, 0.75 * X, 0.5 * X, 0.25 * X, 0]), { shares: X, periods: 4, tau: 0.5, sigma: 1, eta: 1e-6, epsilon: 0.01, lambda: 0 });
    expect(m.variance).toBeCloseTo(0.5 * X * X * (0.75 ** 2 + 0.5 ** 2 + 0.25 ** 2), 0);
    expect(m.expectedCost).toBeCloseTo(0.01 * X + (1e-6 / 0.5) * 4 * (X / 4) ** 2, 6);
  });

  it('approaches the continuous kappa as the interval shrinks', () => {
    const a = almgrenChriss({ ...PAPER, gamma: 0, tau: 1, periods: 5 });
    const b = almgrenChriss({ ...PAPER, gamma: 0, tau: 0.001, periods: 5000 });
    expect(Math.abs(b.kappa - b.kappaContinuous)).toBeLessThan(Math.abs(a.kappa - a.kappaContinuous) / 100);
  });

  it('stays finite with a very large kappa T', () => {
    const r = almgrenChriss({ ...PAPER, lambda: 1e3, periods: 50 });
    expect(r.holdings.every((x) => Number.isFinite(x))).toBe(true);
    expect(r.holdings[1]!).toBeLessThan(1);
    expect(Number.isFinite(almgrenChrissClosedForm({ ...PAPER, lambda: 1e3, periods: 50 }).variance)).toBe(true);
  });

  it('rejects parameters that make no sense', () => {
    expect(() => almgrenChriss({ ...PAPER, eta: 0 })).toThrow(/eta/);
    expect(() => almgrenChriss({ ...PAPER, gamma: 1, eta: 0.1 })).toThrow(/etaTilde/);
    expect(() => almgrenChriss({ ...PAPER, lambda: -1 })).toThrow(/lambda/);
    expect(() => almgrenChriss({ ...PAPER, periods: 2.5 })).toThrow(/periods/);
  });
});

describe('planAlmgrenChriss', () => {
  it('rounds the optimal trades to lots that sum exactly to the parent', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 1e-4, noNaN: true }), (qty, n, lambda) => {
        const plan = planAlmgrenChriss({ id: 'A', symbol: 'XYZ', side: 'sell', qty, startMs: 0, endMs: 5 * day }, { periods: n, sigma: 0.95, eta: 2.5e-6, lambda });
        expect(plan.slices.reduce((a, s) => a + s.lots, 0)).toBe(qty);
        expect(plan.slices).toHaveLength(n);
        for (let k = 0; k < n; k++) {
          const cum = plan.slices.slice(0, k + 1).reduce((a, s) => a + s.lots, 0);
          expect(Math.abs(cum - (qty - plan.model.holdings[k + 1]!))).toBeLessThanOrEqual(1 + 1e-6 * qty);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('defaults tau to the interval length in days', () => {
    const plan = planAlmgrenChriss({ id: 'A', symbol: 'XYZ', side: 'buy', qty: 1e6, startMs: 0, endMs: 5 * 86_400_000 }, { periods: 5, sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 2e-6 });
    expect(plan.model.kappa).toBeCloseTo(almgrenChriss(PAPER).kappa, 12);
  });
});
