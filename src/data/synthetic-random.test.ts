import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { laplace16, studentT, uniform16 } from './synthetic-random.ts';

const moments = (xs: Float64Array): { mean: number; variance: number; excessKurtosis: number } => {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    m2 += (x - m) ** 2;
    m4 += (x - m) ** 4;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return { mean: m, variance: m2, excessKurtosis: m4 / (m2 * m2) - 3 };
};

describe('synthetic distributions', () => {
  it('draws Student-t shocks with zero mean, unit variance and fat tails', () => {
    const rng = new Rng(11);
    const m = moments(Float64Array.from({ length: 200_000 }, () => studentT(rng)));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(m.variance).toBeCloseTo(1, 1);
    expect(m.excessKurtosis).toBeGreaterThan(0.8); // 1.5 in theory
  });

  it('draws unit-variance symmetric Laplace values and uniforms strictly inside (0, 1)', () => {
    const rng = new Rng(12);
    const m = moments(Float64Array.from({ length: 200_000 }, () => laplace16(rng.nextU32() >>> 16)));
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(m.variance).toBeCloseTo(1, 1);
    expect([uniform16(0), uniform16(0xffff)]).toEqual([0.5 / 65_536, 1 - 0.5 / 65_536]);
  });
});
