import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralMoments, mean, medianInPlace, normalCdf, normalPdf, normalPpf, quantile, quantileInPlace, quantileSorted, sampleStd, sampleVariance, selectInPlace } from './stats.ts';

describe('moments', () => {
  it('uses the sample (n − 1) variance', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleVariance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 15);
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 15);
  });

  it('is undefined (NaN) below two values', () => {
    expect(sampleVariance([1])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('gives population central moments', () => {
    const m = centralMoments([1, 2, 3, 10]);
    expect(m.mean).toBe(4);
    expect(m.m2).toBeCloseTo((9 + 4 + 1 + 36) / 4, 14);
    expect(m.m3).toBeCloseTo((-27 - 8 - 1 + 216) / 4, 12);
  });
});

describe('quantiles', () => {
  it('interpolates linearly between order statistics like numpy', () => {
    const s = Float64Array.from([1, 2, 3, 4, 5]);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(5);
    expect(quantileSorted(s, 0.5)).toBe(3);
    expect(quantileSorted(s, 0.1)).toBeCloseTo(1.4, 15);
    expect(quantile([5, 1, 4, 2, 3], 0.95)).toBeCloseTo(4.8, 15);
  });

  it('stays between the minimum and the maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const v = quantile(xs, q);
        return v >= Math.min(...xs) && v <= Math.max(...xs);
      }),
    );
  });
});

describe('normal law', () => {
  it('matches tabulated values', () => {
    // Reference values: scipy.stats.norm (see test/golden/analytics for the full comparison).
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    expect(normalCdf(-5) / 2.866515718791933e-7).toBeCloseTo(1, 12);
    expect(normalCdf(-10) / 7.61985302416047e-24).toBeCloseTo(1, 12);
    expect(normalPpf(0.05)).toBeCloseTo(-1.6448536269514729, 14);
    expect(normalPpf(0.001)).toBeCloseTo(-3.090232306167813, 13);
    expect(normalPpf(1e-300)).toBeCloseTo(-37.0470962993612, 11);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
  });

  it('has infinite quantiles at 0 and 1 and none outside [0, 1]', () => {
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
    expect(normalPpf(1.5)).toBeNaN();
  });

  it('is symmetric and inverts its own quantile function', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        const p = normalCdf(z);
        expect(normalCdf(-z) + p).toBeCloseTo(1, 14);
        if (p > 1e-15 && p < 1 - 1e-15) expect(normalPpf(p)).toBeCloseTo(z, Math.abs(z) > 6 ? 6 : 9);
      }),
    );
  });

  it('is increasing', () => {
    let prev = 0;
    for (let z = -12; z <= 12; z += 0.01) {
      const p = normalCdf(z);
      expect(p).toBeGreaterThanOrEqual(prev);
      prev = p;
    }
  });
});

describe('selection', () => {
  it('finds the same order statistic and median as sorting', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }), fc.nat(), (xs, kk) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const k = kk % xs.length;
        const a = Float64Array.from(xs);
        expect(selectInPlace(a, k)).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(a[k]!);
        for (let i = k + 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[k]!);
        const n = sorted.length;
        const med = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        expect(medianInPlace(Float64Array.from(xs))).toBe(med);
      }),
    );
  });
});

describe('quantile by selection', () => {
  it('equals the quantile of the sorted values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const a = Float64Array.from(xs.map((x) => x / 7));
        const expected = quantileSorted(Float64Array.from(a).sort(), q);
        expect(quantileInPlace(a, q)).toBe(expected);
      }),
    );
  });
});
