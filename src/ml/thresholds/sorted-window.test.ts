import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedWindow } from './sorted-window.ts';

/** R type-7 quantile of a plain array (the reference). */
function quantile7(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

describe('SortedWindow', () => {
  it('matches a sort of the last `size` values for quantiles, ranks and mid-ranks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (size, xs, q) => {
          const w = new SortedWindow(size);
          xs.forEach((x, i) => {
            w.push(x);
            const held = xs.slice(Math.max(0, i + 1 - size), i + 1);
            expect(w.count).toBe(held.length);
            expect(w.quantile(q)).toBeCloseTo(quantile7(held, q), 6);
            expect(w.rankOf(x)).toBe(held.filter((v) => v <= x).length / held.length);
            expect(w.midRankOf(x)).toBe((held.filter((v) => v < x).length + held.filter((v) => v <= x).length) / (2 * held.length));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pushMidRank keeps the same window and gives the same rank as push then midRankOf', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0, -0, NaN), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 80 }),
        (size, xs) => {
          const a = new SortedWindow(size);
          const b = new SortedWindow(size);
          for (const x of xs) {
            a.push(x);
            expect(b.pushMidRank(x)).toBe(a.midRankOf(x));
            expect(b.count).toBe(a.count);
            for (let k = 0; k <= 8; k++) expect(Object.is(b.quantile(k / 8), a.quantile(k / 8))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores NaN, is NaN-quantiled when empty, and resets', () => {
    const w = new SortedWindow(3);
    expect(w.quantile(0.5)).toBeNaN();
    w.push(NaN);
    expect(w.count).toBe(0);
    [3, 1, 2, 10].forEach((x) => w.push(x));
    expect(w.quantile(0)).toBe(1);
    expect(w.quantile(1)).toBe(10);
    expect(w.quantile(0.5)).toBe(2);
    w.reset();
    expect(w.count).toBe(0);
    expect(() => new SortedWindow(0)).toThrow(RangeError);
  });
});
