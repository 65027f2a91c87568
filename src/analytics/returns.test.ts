import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import {
  annualizedReturn,
  annualVolatility,
  cagr,
  cagrFrom,
  compoundReturn,
  equityFromReturns,
  excessReturns,
  MS_PER_YEAR,
  periodRate,
  returnsFromEquity,
  totalReturn,
} from './returns.ts';

describe('returnsFromEquity', () => {
  it('gives simple period returns, one fewer than bars', () => {
    const r = returnsFromEquity([100, 110, 99]);
    expect(r.length).toBe(2);
    expect(r[0]).toBeCloseTo(0.1, 15);
    expect(r[1]).toBeCloseTo(-0.1, 15);
    expect(returnsFromEquity([100]).length).toBe(0);
    expect(returnsFromEquity([]).length).toBe(0);
  });

  it('rejects non-positive or non-finite equity', () => {
    expect(() => returnsFromEquity([100, 0, 5])).toThrow(InputError);
    expect(() => returnsFromEquity([100, NaN])).toThrow(InputError);
    expect(() => returnsFromEquity([100, Infinity])).toThrow(InputError);
  });

  it('round-trips with equityFromReturns', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { maxLength: 60 }), (rs) => {
        const e = equityFromReturns(rs, 1000);
        const back = returnsFromEquity(e);
        rs.forEach((r, i) => expect(back[i]).toBeCloseTo(r, 12));
        expect(totalReturn(e)! + 1).toBeCloseTo(compoundReturn(rs) + 1, 10);
      }),
    );
  });
});

describe('rates and annualization', () => {
  it('converts an annual rate per period by compounding', () => {
    expect(periodRate(0, 252)).toBe(0);
    expect(Math.pow(1 + periodRate(0.05, 12), 12)).toBeCloseTo(1.05, 13);
    const x = excessReturns([0.01, 0.02], 0.05, 12);
    expect(x[0]).toBeCloseTo(0.01 - periodRate(0.05, 12), 16);
  });

  it('measures CAGR over calendar time, not bar count', () => {
    // Doubling over exactly two calendar years is √2 − 1 a year, however many bars there are.
    const t = [0, 100 * MS_PER_DAY, 2 * MS_PER_YEAR];
    expect(cagr(t, [1, 5, 2])).toBeCloseTo(Math.SQRT2 - 1, 14);
    expect(cagr([0, MS_PER_YEAR / 2], [100, 110])).toBeCloseTo(1.1 ** 2 - 1, 14);
  });

  it('has no CAGR without elapsed time, and −100 % once the capital is gone', () => {
    expect(cagr([5, 5], [1, 2])).toBeNull();
    expect(cagr([0], [1])).toBeNull();
    expect(cagrFrom(100, 0, 1)).toBe(-1);
  });

  it('annualizes by the number of periods for annualizedReturn', () => {
    const r = new Array<number>(126).fill(0.001);
    expect(annualizedReturn(r, 252)).toBeCloseTo(1.001 ** 252 - 1, 12);
    expect(annualizedReturn([], 252)).toBeNull();
  });

  it('scales the sample std by √periodsPerYear', () => {
    expect(annualVolatility([0.01, -0.01], 252)).toBeCloseTo(Math.sqrt(0.0002) * Math.sqrt(252), 15);
    expect(annualVolatility([0.01], 252)).toBeNull();
  });
});
