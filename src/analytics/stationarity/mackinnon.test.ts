import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { mackinnoncrit, mackinnonp, type Regression } from './mackinnon.ts';

const REGS: readonly Regression[] = ['n', 'c', 'ct', 'ctt'];

describe('mackinnonp', () => {
  it('is 0 below tau_min and 1 above tau_max', () => {
    expect(mackinnonp(-18.84, 'c', 1)).toBe(0);
    expect(mackinnonp(-18.82, 'c', 1)).toBeGreaterThan(0);
    expect(mackinnonp(2.75, 'c', 1)).toBe(1);
    expect(mackinnonp(2.73, 'c', 1)).toBeLessThan(1);
    expect(mackinnonp(-Infinity, 'c', 2)).toBe(0);
    // tau_max is +inf for 'n', N = 1: large statistics go through the polynomial, as in statsmodels.
    expect(mackinnonp(1e9, 'n', 1)).toBe(1);
    expect(mackinnonp(Infinity, 'n', 1)).toBeNaN();
    expect(mackinnonp(NaN, 'c', 1)).toBeNaN();
  });

  it('gives the nominal level at the asymptotic 2010 critical values (the two tables agree)', () => {
    for (const reg of REGS) {
      const maxN = reg === 'n' ? 1 : 6;
      for (let n = 1; n <= maxN; n++) {
        const c = mackinnoncrit(n, reg);
        expect(Math.abs(mackinnonp(c['1%'], reg, n) - 0.01)).toBeLessThan(5e-4);
        expect(Math.abs(mackinnonp(c['5%'], reg, n) - 0.05)).toBeLessThan(5e-4);
        expect(Math.abs(mackinnonp(c['10%'], reg, n) - 0.1)).toBeLessThan(5e-4);
      }
    }
  });

  it('rises with the statistic, apart from jumps below 5e-4 where the two polynomials meet', () => {
    let worstDrop = 0;
    let rise = 0;
    for (const reg of REGS) {
      for (let n = 1; n <= 6; n++) {
        let prev = 0;
        for (let s = -25; s <= 3; s += 0.01) {
          const p = mackinnonp(s, reg, n);
          worstDrop = Math.max(worstDrop, prev - p);
          prev = p;
        }
        rise += mackinnonp(0, reg, n) - mackinnonp(-5, reg, n);
      }
    }
    expect(worstDrop).toBeLessThan(5e-4);
    expect(rise).toBeGreaterThan(0.5 * 24);
  });

  it('rejects a number of series outside 1..6', () => {
    expect(() => mackinnonp(-3, 'c', 7)).toThrow(InputError);
    expect(() => mackinnonp(-3, 'c', 0)).toThrow(InputError);
  });
});

describe('mackinnoncrit', () => {
  it('returns the asymptotic coefficients for an infinite sample', () => {
    expect(mackinnoncrit(1, 'c')).toEqual({ '1%': -3.43035, '5%': -2.86154, '10%': -2.56677 });
    expect(mackinnoncrit(2, 'c', Infinity)['5%']).toBe(-3.33613);
  });

  it('evaluates the response surface b_inf + b1/T + b2/T^2 + b3/T^3', () => {
    const t = 250;
    const expected = -3.43035 - 6.5393 / t - 16.786 / t ** 2 - 79.433 / t ** 3;
    expect(mackinnoncrit(1, 'c', t)['1%']).toBeCloseTo(expected, 13);
  });

  it('orders the levels 1 % < 5 % < 10 % and widens as the sample shrinks', () => {
    for (const reg of REGS) {
      const maxN = reg === 'n' ? 1 : 12;
      for (let n = 1; n <= maxN; n++) {
        const big = mackinnoncrit(n, reg, 1000);
        const small = mackinnoncrit(n, reg, 50);
        expect(big['1%']).toBeLessThan(big['5%']);
        expect(big['5%']).toBeLessThan(big['10%']);
        expect(small['1%']).toBeLessThan(big['1%']);
      }
    }
  });

  it('has no no-constant table beyond one series', () => {
    expect(() => mackinnoncrit(2, 'n', 100)).toThrow(InputError);
    expect(() => mackinnoncrit(13, 'c', 100)).toThrow(InputError);
  });
});
