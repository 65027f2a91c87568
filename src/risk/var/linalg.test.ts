import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { choleskyPsd, mean, sampleCovariance, sampleStd } from './linalg.ts';

describe('sample moments', () => {
  it('mean and sample std (n − 1) of a small series', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    // deviations −2, −1, 0, 3: sum of squares 14, / 3
    expect(sampleStd([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 15);
  });

  it('sample covariance of two series by hand', () => {
    // a: mean 2, deviations −1, 0, 1; b: mean 4, deviations 2, 0, −2
    const c = sampleCovariance([
      [1, 2, 3],
      [6, 4, 2],
    ]);
    expect(c).toEqual([
      [1, -2],
      [-2, 4],
    ]);
  });

  it('covariance needs two observations', () => {
    expect(() => sampleCovariance([[1]])).toThrow(InputError);
  });
});

describe('choleskyPsd', () => {
  it('factors a positive definite matrix: [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]', () => {
    const l = choleskyPsd([
      [4, 2],
      [2, 3],
    ]);
    expect(l[0]).toEqual([2, 0]);
    expect(l[1]![0]).toBe(1);
    expect(l[1]![1]).toBeCloseTo(Math.SQRT2, 15);
  });

  it('factors a singular covariance (perfectly correlated assets) with a zero column', () => {
    const l = choleskyPsd([
      [1, 2],
      [2, 4],
    ]);
    expect(l).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('reproduces a 3 × 3 covariance', () => {
    const a = [
      [0.04, 0.006, -0.002],
      [0.006, 0.09, 0.01],
      [-0.002, 0.01, 0.0225],
    ];
    const l = choleskyPsd(a);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i]![k]! * l[j]![k]!;
        expect(s).toBeCloseTo(a[i]![j]!, 15);
      }
  });

  it('rejects a matrix that is not positive semi-definite, or not square', () => {
    expect(() =>
      choleskyPsd([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow(/positive semi-definite/);
    expect(() => choleskyPsd([[1, 2], [2]])).toThrow(/square/);
  });
});
