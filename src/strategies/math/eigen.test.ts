import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { symmetricEigen } from './eigen.ts';

/** max |A V - V diag(values)| and max |V'V - I|. */
function residuals(a: ArrayLike<number>, n: number): { av: number; orth: number } {
  const { values, vectors: v } = symmetricEigen(a, n);
  let av = 0;
  let orth = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * v[k * n + j]!;
      av = Math.max(av, Math.abs(s - values[j]! * v[i * n + j]!));
      let d = 0;
      for (let k = 0; k < n; k++) d += v[k * n + i]! * v[k * n + j]!;
      orth = Math.max(orth, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  return { av, orth };
}

describe('symmetricEigen', () => {
  it('solves a 2 x 2 matrix: [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, -1)/√2', () => {
    const e = symmetricEigen([2, 1, 1, 2], 2);
    expect(e.values[0]).toBeCloseTo(3, 14);
    expect(e.values[1]).toBeCloseTo(1, 14);
    const r = Math.SQRT1_2;
    // Column 0 = (r, r); column 1 = ±(r, -r) with its largest entry (the first, on a tie) positive.
    expect(Array.from(e.vectors).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([r, r, r, -r].map((x) => Math.round(x * 1e12) / 1e12));
  });

  it('solves a known 3 x 3 matrix', () => {
    // [[4, 1, 0], [1, 3, 1], [0, 1, 2]]: eigenvalues 3 + √3, 3, 3 - √3.
    const e = symmetricEigen([4, 1, 0, 1, 3, 1, 0, 1, 2], 3);
    expect(e.values[0]).toBeCloseTo(3 + Math.sqrt(3), 13);
    expect(e.values[1]).toBeCloseTo(3, 13);
    expect(e.values[2]).toBeCloseTo(3 - Math.sqrt(3), 13);
    // The eigenvector of 3 is (1, -1, -1)/√3 (largest entry made positive: all equal in size, first wins).
    expect([e.vectors[1], e.vectors[4], e.vectors[7]].map((x) => x! * Math.sqrt(3))).toEqual([expect.closeTo(1, 12), expect.closeTo(-1, 12), expect.closeTo(-1, 12)]);
  });

  it('returns a diagonal matrix as it is, sorted, with unit vectors, in no sweeps', () => {
    const e = symmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, 3], 3);
    expect(Array.from(e.values)).toEqual([5, 3, 1]);
    expect(Array.from(e.vectors)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(e.sweeps).toBe(0);
  });

  it('handles repeated eigenvalues: a correlation matrix with equal off-diagonal entries', () => {
    // n x n with 1 on the diagonal and rho elsewhere: 1 + (n - 1) rho once, 1 - rho n - 1 times.
    const n = 6;
    const rho = 0.3;
    const a = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : rho));
    const e = symmetricEigen(a, n);
    expect(e.values[0]).toBeCloseTo(1 + (n - 1) * rho, 13);
    for (let j = 1; j < n; j++) expect(e.values[j]).toBeCloseTo(1 - rho, 13);
    for (let i = 0; i < n; i++) expect(e.vectors[i * n]).toBeCloseTo(1 / Math.sqrt(n), 13);
    const r = residuals(a, n);
    expect(r.av).toBeLessThan(1e-13);
    expect(r.orth).toBeLessThan(1e-13);
  });

  it('A V = V Λ and V is orthonormal for random symmetric matrices; the trace is kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 144, maxLength: 144 }), (n, raw) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = raw[i * 12 + j]!;
        const scale = Math.max(1, ...Array.from(a, Math.abs));
        const r = residuals(a, n);
        expect(r.av).toBeLessThan(1e-12 * scale * n);
        expect(r.orth).toBeLessThan(1e-12 * n);
        const e = symmetricEigen(a, n);
        let trace = 0;
        for (let i = 0; i < n; i++) trace += a[i * n + i]!;
        expect(e.values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 8);
        for (let j = 1; j < n; j++) expect(e.values[j]!).toBeLessThanOrEqual(e.values[j - 1]!);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses non-symmetric, non-finite and mis-sized input', () => {
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(InputError);
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(InputError);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(InputError);
    expect(() => symmetricEigen([], 0)).toThrow(InputError);
  });
});
