import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from './exact-sum.ts';
import { WindowSum } from './window-sum.ts';

/** Reference: the exact sum of a list, correctly rounded (Shewchuk / math.fsum). */
function fsum(xs: readonly number[]): number {
  const e = new ExactSum();
  for (const x of xs) e.add(x);
  return e.value();
}

describe('ExactSum', () => {
  it('returns the correctly rounded sum where naive addition is off', () => {
    expect(fsum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
    expect(fsum([1e100, 1, -1e100])).toBe(1);
    expect(fsum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
  });

  it('removing a value restores the previous sum exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (xs, extra) => {
        const e = new ExactSum();
        for (const x of xs) e.add(x);
        const before = e.value();
        e.add(extra);
        e.remove(extra);
        expect(e.value()).toBe(before);
      }),
    );
  });
});

describe('WindowSum', () => {
  it('equals fsum of the window at every step (prices with two decimals)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (cents, size) => {
        const xs = cents.map((c) => c / 100);
        const w = new WindowSum(size);
        xs.forEach((x, i) => {
          w.push(x);
          expect(w.sum()).toBe(fsum(xs.slice(Math.max(0, i + 1 - size), i + 1)));
        });
      }),
    );
  });

  it('equals fsum of the window for arbitrary doubles of mixed magnitude', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (xs, size) => {
        const w = new WindowSum(size);
        xs.forEach((x, i) => {
          w.push(x);
          expect(w.sum()).toBe(fsum(xs.slice(Math.max(0, i + 1 - size), i + 1)));
        });
      }),
    );
  });

  it('replaceLast equals pushing the replacement instead', () => {
    const a = new WindowSum(3);
    const b = new WindowSum(3);
    for (const x of [1.1, 2.2, 3.3, 4.4]) {
      a.push(x);
      b.push(x);
    }
    a.push(9.9);
    a.replaceLast(5.5);
    b.push(5.5);
    expect(a.sum()).toBe(b.sum());
  });

  /** Pushes (and sometimes replaces) values, checking fsum of the window after each step. */
  function checkAgainstFsum(xs: readonly number[], size: number, replaceEvery = 0): void {
    const w = new WindowSum(size);
    const window: number[] = [];
    xs.forEach((x, i) => {
      if (replaceEvery > 0 && i % replaceEvery === replaceEvery - 1 && window.length > 0) {
        w.replaceLast(x);
        window[window.length - 1] = x;
      } else {
        w.push(x);
        window.push(x);
        if (window.length > size) window.shift();
      }
      expect(w.sum()).toBe(fsum(window));
    });
  }

  it('stays exact across tiny values beside large ones, zeros, sign changes and replacements', () => {
    const magnitude = fc.oneof(
      fc.double({ min: 1e-300, max: 1e-290, noNaN: true }),
      fc.double({ min: 1e-20, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 1e6, noNaN: true }),
      fc.double({ min: 1e250, max: 1e300, noNaN: true }),
      fc.constantFrom(0, -0, 5e-324, Number.MIN_VALUE * 3),
    );
    const value = fc.tuple(magnitude, fc.boolean()).map(([m, neg]) => (neg ? -m : m));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), (xs, size, every) =>
        checkAgainstFsum(xs, size, every),
      ),
    );
  });

  it('re-scales as a price grows by orders of magnitude and as it falls back', () => {
    const up = Array.from({ length: 2000 }, (_, i) => Math.round(100 * 1.01 ** i * 100) / 100);
    checkAgainstFsum([...up, ...up.slice().reverse()], 20);
    checkAgainstFsum([...up, ...up.slice().reverse()], 7, 3);
  });

  it('carries NaN and infinities like fsum of the window, and recovers once they leave', () => {
    const w = new WindowSum(3);
    const sums = [1.5, Infinity, 2.25, 3, 4, NaN, 1, 2, 3].map((x) => w.pushSum(x));
    expect(sums).toEqual([1.5, Infinity, Infinity, Infinity, 9.25, NaN, NaN, NaN, 6]);
  });
});
