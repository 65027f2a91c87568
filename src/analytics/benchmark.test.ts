import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { alpha, benchmarkStats, beta, correlation, informationRatio, trackingError } from './benchmark.ts';

const bench = [0.01, -0.02, 0.015, 0.003, -0.007, 0.012];
/** Realistic period returns: −10 % … +10 % in steps of 0.001 %. */
const ret = fc.integer({ min: -10_000, max: 10_000 }).map((i) => i / 100_000);
const retArb = fc.array(ret, { minLength: 3, maxLength: 50 });

describe('benchmark statistics', () => {
  it('finds beta 2, correlation 1 and zero alpha for twice the benchmark', () => {
    const r = bench.map((b) => 2 * b);
    expect(beta(r, bench)).toBeCloseTo(2, 13);
    expect(correlation(r, bench)).toBeCloseTo(1, 13);
    expect(alpha(r, bench)).toBeCloseTo(0, 12);
  });

  it('finds the constant extra return as alpha, compounded over a year', () => {
    const r = bench.map((b) => b + 0.001);
    expect(beta(r, bench)).toBeCloseTo(1, 12);
    expect(alpha(r, bench, { periodsPerYear: 252 })).toBeCloseTo(1.001 ** 252 - 1, 10);
  });

  it('has zero tracking error and no information ratio against itself', () => {
    const s = benchmarkStats(bench, bench);
    expect(s.trackingError).toBe(0);
    expect(s.informationRatio).toBeNull();
    expect(s.beta).toBeCloseTo(1, 14);
  });

  it('annualizes tracking error and information ratio with √periodsPerYear', () => {
    const r = [0.012, -0.018, 0.02, 0.001, -0.004, 0.01];
    const a = r.map((x, i) => x - bench[i]!);
    const m = a.reduce((s, x) => s + x, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
    expect(trackingError(r, bench, { periodsPerYear: 52 })).toBeCloseTo(sd * Math.sqrt(52), 14);
    expect(informationRatio(r, bench, { periodsPerYear: 52 })).toBeCloseTo((m / sd) * Math.sqrt(52), 12);
  });

  it('is null against a benchmark that does not move', () => {
    const s = benchmarkStats(bench, bench.map(() => 0.001));
    expect(s.beta).toBeNull();
    expect(s.alpha).toBeNull();
    expect(s.correlation).toBeNull();
  });

  it('keeps correlation in [−1, 1] and beta × σ_b / σ_r equal to it', () => {
    fc.assert(
      fc.property(retArb, fc.array(ret, { minLength: 50, maxLength: 50 }), (r, b0) => {
        const b = b0.slice(0, r.length);
        const s = benchmarkStats(r, b);
        if (s.correlation === null || s.beta === null) return;
        expect(Math.abs(s.correlation)).toBeLessThanOrEqual(1 + 1e-12);
        const sd = (x: number[]): number => {
          const m = x.reduce((p, q) => p + q, 0) / x.length;
          return Math.sqrt(x.reduce((p, q) => p + (q - m) ** 2, 0));
        };
        expect(s.beta * (sd(b) / sd(r))).toBeCloseTo(s.correlation, 8);
      }),
    );
  });

  it('rejects series of different lengths', () => {
    expect(() => benchmarkStats([0.1, 0.2], [0.1])).toThrow(InputError);
  });
});
