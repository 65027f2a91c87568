import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import golden from '../../test/golden/options/bsm.json' with { type: 'json' };
import { normCdf, normInv, normPdf, normSf } from './normal.ts';

const relErr = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

describe('normCdf', () => {
  it('matches 50-digit reference values to 2e-15 relative from the far left tail to the right tail', () => {
    for (const { x, cdf } of golden.normalCdf) {
      // Below about 2.2e-308 the value is subnormal and carries fewer bits: compare absolutely there.
      if (cdf < 1e-300) expect(Math.abs(normCdf(x) - cdf)).toBeLessThan(1e-320);
      else expect(relErr(normCdf(x), cdf), `x=${x}`).toBeLessThan(2e-15);
    }
  });

  it('gives known quantiles: 0.5 at 0, 0.975 at 1.959963984540054', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normCdf(-1.959963984540054)).toBeCloseTo(0.025, 15);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    fc.assert(fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (x) => Math.abs(normCdf(x) + normCdf(-x) - 1) <= 2e-16));
  });

  it('is non-decreasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, dx) => normCdf(x + dx) >= normCdf(x)),
    );
  });

  it('saturates at 0 and 1 and passes NaN through', () => {
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-50)).toBe(0);
    expect(normCdf(50)).toBe(1);
    expect(normCdf(NaN)).toBeNaN();
  });

  it('normSf keeps relative precision in the right tail where 1 − Φ(x) would not', () => {
    // Φ(−10) = 7.619853024160527e-24; 1 − Φ(10) computed naively is 0.
    expect(relErr(normSf(10), 7.619853024160527e-24)).toBeLessThan(2e-15);
  });
});

describe('normPdf', () => {
  it('matches 50-digit reference values to 2e-15 relative', () => {
    for (const { x, pdf } of golden.normalCdf) {
      if (pdf < 1e-300) expect(Math.abs(normPdf(x) - pdf)).toBeLessThan(1e-320);
      else expect(relErr(normPdf(x), pdf), `x=${x}`).toBeLessThan(2e-15);
    }
  });

  it('is the derivative of normCdf', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        const h = 1e-5;
        const fd = (normCdf(x + h) - normCdf(x - h)) / (2 * h);
        return Math.abs(fd - normPdf(x)) <= 1e-9;
      }),
    );
  });
});

describe('normInv', () => {
  it('matches 50-digit reference quantiles to 1e-15 relative, down to p = 1e-300', () => {
    for (const { p, x } of golden.normalInv) expect(relErr(normInv(p), x), `p=${p}`).toBeLessThan(1e-15);
  });

  it('inverts normCdf (to the conditioning of Φ: d ln Φ / dx ≈ |x| in the tail)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1, maxExcluded: true, noNaN: true }), (p) => {
        const x = normInv(p);
        return relErr(normCdf(x), p) <= 1e-15 * (2 + x * x);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns the infinities at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(0.5)).toBe(0);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
    expect(normInv(NaN)).toBeNaN();
  });
});
