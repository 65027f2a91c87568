import { describe, expect, it } from 'vitest';
import { erfc, normalCdf } from './normal.ts';

describe('normalCdf', () => {
  it('is one half at zero', () => {
    expect(normalCdf(0)).toBe(0.5);
  });

  it('gives 0.975 at the 97.5 % quantile 1.959963984540054', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 15);
  });

  it('keeps relative accuracy deep in the left tail', () => {
    // Phi(-10) = 7.61985302416047e-24, Phi(-20) = 2.7536241186062337e-89 (reference values).
    expect(Math.abs(normalCdf(-10) / 7.61985302416047e-24 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-20) / 2.7536241186062337e-89 - 1)).toBeLessThan(1e-12);
  });

  it('is symmetric: Phi(x) + Phi(-x) = 1', () => {
    for (let x = -8; x <= 8; x += 0.37) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });

  it('is nondecreasing across the branch points of erfc', () => {
    let prev = 0;
    let drops = 0;
    for (let x = -12; x <= 12; x += 0.001) {
      const p = normalCdf(x);
      if (p < prev) drops++;
      prev = p;
    }
    expect(drops).toBe(0);
  });

  it('passes NaN through and saturates at the infinities', () => {
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });
});

describe('erfc', () => {
  it('matches known values at the branch points 0.46875 and 4', () => {
    // erfc(0.5) = 0.4795001221869535, erfc(4) = 1.541725790028002e-8, erfc(1) = 0.15729920705028513.
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    expect(Math.abs(erfc(4) / 1.541725790028002e-8 - 1)).toBeLessThan(1e-14);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
  });
});
