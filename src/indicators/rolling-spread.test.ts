import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REANCHOR_EVERY, RollingSpread } from './rolling-spread.ts';

/** Two-pass population variance of the last `p` values, for reference. */
function twoPass(xs: readonly number[], p: number): number {
  const w = xs.slice(-p);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
}

describe('RollingSpread', () => {
  // The running sums lose cancellation digits against (x - anchor)², not against the variance, so the
  // error is bounded relative to the price level: about 1e-17 * mean² here, far below 1e-13 * mean².
  it('matches the two-pass variance within 1e-10 relative plus 1e-13 * mean² over long price walks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 60 }), (seed, p) => {
        let s = seed;
        const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
        const r = new RollingSpread(p);
        const xs: number[] = [];
        let price = 50 + seed % 500;
        for (let i = 0; i < 1500; i++) {
          price *= 1 + 0.02 * rand();
          xs.push(price);
          r.put(price, false);
          if (xs.length >= p) {
            const want = twoPass(xs, p);
            expect(Math.abs(r.variance() - want)).toBeLessThanOrEqual(1e-10 * want + 1e-13 * price * price);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a replacement redoes the latest input exactly, also where the anchor moves', () => {
    const a = new RollingSpread(5);
    const b = new RollingSpread(5);
    for (let i = 1; i <= 3 * REANCHOR_EVERY; i++) {
      const x = 100 + Math.sin(i) * 3;
      a.put(x + 7, false);
      a.put(x - 1, true);
      a.put(x, true);
      b.put(x, false);
      expect(a.variance()).toBe(b.variance());
    }
  });

  it('is zero on a flat window and recovers after a non-finite input has left', () => {
    const r = new RollingSpread(3);
    for (const x of [5, 5, 5]) r.put(x, false);
    expect(r.variance()).toBe(0);
    r.put(Infinity, false);
    expect(r.variance()).toBeNaN();
    // 1, 2, 1, 2, ...: an odd count of inputs ends on 1, so the window holds 1, 2, 1.
    for (let i = 0; i < REANCHOR_EVERY + 3; i++) r.put(1 + (i % 2), false);
    expect(r.variance()).toBeCloseTo(twoPass([1, 2, 1], 3), 12);
  });
});
