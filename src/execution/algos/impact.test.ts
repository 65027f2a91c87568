import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { calibrateSqrtImpact, liquidityScore, sqrtImpact, sqrtImpactCost, type ImpactObservation } from './impact.ts';

describe('square-root impact', () => {
  it('is Y sigma sqrt(Q / V)', () => {
    expect(sqrtImpact({ coefficient: 0.8, sigma: 0.02, qty: 250_000, volume: 1_000_000 })).toBeCloseTo(0.8 * 0.02 * 0.5, 15);
    expect(sqrtImpactCost({ coefficient: 0.8, sigma: 0.02, qty: -250_000, volume: 1_000_000, price: 50 })).toBeCloseTo(0.008 * 50 * 250_000, 6);
    expect(() => sqrtImpact({ coefficient: 1, sigma: 0.02, qty: 1, volume: 0 })).toThrow(/volume/);
  });

  it('calibration recovers a known coefficient from noisy synthetic trades', () => {
    const rng = new Rng(42);
    const Y = 0.73;
    const obs: ImpactObservation[] = [];
    for (let i = 0; i < 5000; i++) {
      const sigma = 0.005 + 0.03 * rng.next();
      const volume = 1e5 + 1e7 * rng.next();
      const qty = volume * 0.2 * rng.next();
      const impact = Y * sigma * Math.sqrt(qty / volume) + 0.0005 * rng.normal();
      obs.push({ sigma, qty, volume, impact });
    }
    const fit = calibrateSqrtImpact(obs);
    expect(fit.n).toBe(5000);
    expect(Math.abs(fit.coefficient - Y)).toBeLessThan(4 * fit.stdError);
    expect(Math.abs(fit.coefficient - Y)).toBeLessThan(0.02);
    expect(fit.stdError).toBeGreaterThan(0);
    expect(fit.rSquared).toBeGreaterThan(0.5);
  });

  it('calibration is exact on noise-free data and rejects unusable input', () => {
    const obs = [1, 4, 9].map((q) => ({ sigma: 0.02, qty: q, volume: 100, impact: 1.5 * 0.02 * Math.sqrt(q / 100) }));
    const fit = calibrateSqrtImpact(obs);
    expect(fit.coefficient).toBeCloseTo(1.5, 12);
    expect(fit.rSquared).toBeCloseTo(1, 12);
    expect(() => calibrateSqrtImpact([])).toThrow(/at least one/);
    expect(() => calibrateSqrtImpact([{ sigma: 0.02, qty: 1, volume: 0, impact: 0 }])).toThrow(/observation 0: volume/);
    expect(() => calibrateSqrtImpact([{ sigma: 0, qty: 1, volume: 1, impact: 0 }])).toThrow(/sigma > 0/);
  });
});

describe('liquidityScore', () => {
  const input = fc.record({
    spreadBps: fc.double({ min: 0, max: 500, noNaN: true }),
    advNotional: fc.double({ min: 0, max: 1e11, noNaN: true }),
    volatility: fc.double({ min: 0, max: 0.2, noNaN: true }),
  });

  it('stays within 0..100', () => {
    fc.assert(
      fc.property(input, (x) => {
        const s = liquidityScore(x).score;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('never falls with a tighter spread, more volume or lower volatility', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1, max: 100, noNaN: true }), (x, shrink, grow) => {
        const base = liquidityScore(x).score;
        expect(liquidityScore({ ...x, spreadBps: x.spreadBps * shrink }).score).toBeGreaterThanOrEqual(base);
        expect(liquidityScore({ ...x, advNotional: x.advNotional * grow }).score).toBeGreaterThanOrEqual(base);
        expect(liquidityScore({ ...x, volatility: x.volatility * shrink }).score).toBeGreaterThanOrEqual(base);
      }),
      { numRuns: 500 },
    );
  });

  it('strictly ranks a large cap above a small cap and follows the documented formula', () => {
    const large = liquidityScore({ spreadBps: 1, advNotional: 1e9, volatility: 0.015 });
    const small = liquidityScore({ spreadBps: 50, advNotional: 1e5, volatility: 0.05 });
    expect(large.score).toBeCloseTo(100 * (1 / 1.1) ** 0.4 * (1 / 1.1) ** 0.4 * (1 / 1.75) ** 0.2, 10);
    expect(small.score).toBeCloseTo(100 * (1 / 6) ** 0.4 * (1 / 11) ** 0.4 * (1 / 3.5) ** 0.2, 10);
    expect(large.score).toBeGreaterThan(80);
    expect(small.score).toBeLessThan(20);
    expect(liquidityScore({ spreadBps: 0, advNotional: 0, volatility: 0 }).score).toBe(0);
  });
});
