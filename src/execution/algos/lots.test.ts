import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateLots, floorLots, lotsIn, qtyOfLots } from './lots.ts';

describe('allocateLots', () => {
  it('splits any total across any non-negative weights summing exactly to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 80 }), (total, w) => {
        fc.pre(w.some((x) => x > 0));
        const lots = allocateLots(total, w);
        let sum = 0;
        for (const l of lots) {
          expect(Number.isInteger(l) && l >= 0).toBe(true);
          sum += l;
        }
        expect(sum).toBe(total);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every cumulative amount within one lot below the proportional target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }), (total, w) => {
        const lots = allocateLots(total, w);
        const W = w.reduce((a, b) => a + b, 0);
        let cumW = 0;
        let cumL = 0;
        for (let i = 0; i < w.length; i++) {
          cumW += w[i]!;
          cumL += lots[i]!;
          const ideal = (total * cumW) / W;
          expect(cumL).toBeLessThanOrEqual(ideal + 1e-6);
          expect(cumL).toBeGreaterThan(ideal - 1 - 1e-6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the rounding remainder to the last slice with a positive weight, not to zero-weight slices after it', () => {
    expect([...allocateLots(10, [1, 1, 1, 0, 0])]).toEqual([3, 3, 4, 0, 0]);
    expect([...allocateLots(100, [1, 1, 1])]).toEqual([33, 33, 34]);
  });

  it('refuses all-zero or negative weights', () => {
    expect(() => allocateLots(5, [0, 0])).toThrow(/all zero/);
    expect(() => allocateLots(5, [1, -1])).toThrow(/weight 1/);
  });
});

describe('lot helpers', () => {
  it('counts whole lots and rejects quantities that are not whole lots', () => {
    expect(lotsIn(1.5, 0.01)).toBe(150);
    expect(lotsIn(0.3, 0.1)).toBe(3);
    expect(() => lotsIn(1.005, 0.01)).toThrow(/whole number of lots/);
    expect(() => lotsIn(0, 1)).toThrow(/whole number of lots/);
  });

  it('floors to lots and converts back without binary noise', () => {
    expect(floorLots(0.3, 0.1)).toBe(3);
    expect(floorLots(-5, 1)).toBe(0);
    expect(floorLots(Number.NaN, 1)).toBe(0);
    expect(qtyOfLots(7, 0.01)).toBe(0.07);
    expect(qtyOfLots(3, 0.1)).toBe(0.3);
  });
});
