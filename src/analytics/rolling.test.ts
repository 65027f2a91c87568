import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { rollingBeta, rollingSharpe, rollingVolatility } from './rolling.ts';
import { sharpeRatio } from './risk-ratios.ts';

/** Reference: every window recomputed from scratch with two-pass formulas. */
function naive(x: number[], y: number[], w: number, ppy: number): { sharpe: number[]; vol: number[]; beta: number[] } {
  const sharpe: number[] = [];
  const vol: number[] = [];
  const beta: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i < w - 1) {
      sharpe.push(NaN);
      vol.push(NaN);
      beta.push(NaN);
      continue;
    }
    const a = x.slice(i - w + 1, i + 1);
    const b = y.slice(i - w + 1, i + 1);
    const ma = a.reduce((s, v) => s + v, 0) / w;
    const mb = b.reduce((s, v) => s + v, 0) / w;
    const va = a.reduce((s, v) => s + (v - ma) ** 2, 0) / (w - 1);
    const vb = b.reduce((s, v) => s + (v - mb) ** 2, 0) / (w - 1);
    const cov = a.reduce((s, v, j) => s + (v - ma) * (b[j]! - mb), 0) / (w - 1);
    vol.push(Math.sqrt(va) * Math.sqrt(ppy));
    sharpe.push(va > 0 ? (ma / Math.sqrt(va)) * Math.sqrt(ppy) : NaN);
    beta.push(vb > 0 ? cov / vb : NaN);
  }
  return { sharpe, vol, beta };
}

function expectClose(actual: Float64Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  });
}

/** Realistic period returns: −5 % … +5 % in steps of 0.001 %, often exactly 0 (flat windows). */
const ret = fc.oneof(
  { arbitrary: fc.integer({ min: -5_000, max: 5_000 }).map((i) => i / 100_000), weight: 3 },
  { arbitrary: fc.constant(0), weight: 2 },
);

describe('rolling statistics', () => {
  it('equals a from-scratch computation of every window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ret, ret), { minLength: 2, maxLength: 120 }),
        fc.integer({ min: 2, max: 30 }),
        (pairs, w) => {
          const x = pairs.map((p) => p[0]);
          const y = pairs.map((p) => p[1]);
          const ref = naive(x, y, w, 252);
          expectClose(rollingVolatility(x, w), ref.vol);
          expectClose(rollingSharpe(x, w), ref.sharpe);
          expectClose(rollingBeta(x, y, w), ref.beta);
        },
      ),
    );
  });

  it('does not drift over a long series', () => {
    const rng = new Rng(7);
    const x = Array.from({ length: 20_000 }, () => 0.0005 + 0.01 * rng.normal());
    const y = x.map((v) => 0.5 * v + 0.005 * rng.normal());
    const ref = naive(x.slice(-300), y.slice(-300), 50, 252);
    const tail = (a: Float64Array): Float64Array => a.subarray(a.length - 251);
    expectClose(tail(rollingSharpe(x, 50)), ref.sharpe.slice(-251));
    expectClose(tail(rollingVolatility(x, 50)), ref.vol.slice(-251));
    expectClose(tail(rollingBeta(x, y, 50)), ref.beta.slice(-251));
  });

  it('stays accurate when an outlier leaves the window and the variance collapses', () => {
    const x = [-0.03682, 0, -0.00001, 0];
    const ref = naive(x, x, 2, 252);
    expectClose(rollingSharpe(x, 2), ref.sharpe);
    const rng = new Rng(3);
    const y = [0.3, -0.25, ...Array.from({ length: 200 }, () => 1e-6 * rng.normal())];
    const z = y.map((v) => v + 1e-7 * rng.normal());
    const ref2 = naive(y, z, 20, 252);
    expectClose(rollingSharpe(y, 20), ref2.sharpe);
    expectClose(rollingVolatility(y, 20), ref2.vol);
    expectClose(rollingBeta(y, z, 20), ref2.beta);
  });

  it('is NaN during the warm-up and matches the full-sample Sharpe at the last full window', () => {
    const x = [0.01, -0.02, 0.03, 0.005, -0.01];
    const s = rollingSharpe(x, 5, { riskFreeRate: 0.02 });
    expect(Array.from(s.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(s[4]).toBeCloseTo(sharpeRatio(x, { riskFreeRate: 0.02 })!, 12);
  });

  it('gives zero volatility and no Sharpe for a constant window', () => {
    const x = [0.01, 0.02, 0, 0, 0, 0, 0.01];
    const v = rollingVolatility(x, 3);
    const s = rollingSharpe(x, 3);
    expect(v[4]).toBe(0);
    expect(v[5]).toBe(0);
    expect(s[5]).toBeNaN();
    expect(s[6]).not.toBeNaN();
    expect(rollingBeta(x, [0.01, 0.02, 0.003, 0.003, 0.003, 0.003, 0.003], 3)[5]).toBeNaN();
  });

  it('rejects a window below 2 or benchmarks of another length', () => {
    expect(() => rollingSharpe([0.1, 0.2], 1)).toThrow(InputError);
    expect(() => rollingVolatility([0.1, 0.2], 2.5)).toThrow(InputError);
    expect(() => rollingBeta([0.1, 0.2], [0.1], 2)).toThrow(InputError);
  });
});
