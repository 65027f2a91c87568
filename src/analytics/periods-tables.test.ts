import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { monthlyReturnGrid, monthlyReturns, utcYearMonth, yearlyReturns } from './periods-tables.ts';

describe('UTC calendar', () => {
  it('finds the same year and month as Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 8_000_000_000_000 }), (ms) => {
        const d = new Date(ms);
        expect(utcYearMonth(ms)).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
      }),
    );
  });

  it('handles month and leap-year boundaries', () => {
    expect(utcYearMonth(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toEqual({ year: 2024, month: 2 });
    expect(utcYearMonth(Date.UTC(2024, 2, 1))).toEqual({ year: 2024, month: 3 });
    expect(utcYearMonth(Date.UTC(1999, 11, 31, 23))).toEqual({ year: 1999, month: 12 });
  });
});

describe('monthly and yearly returns', () => {
  const t = [Date.UTC(2023, 11, 29), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 4)];
  const e = [100, 102, 105, 99, 110];

  it('compounds the bars of each month from the last equity before it', () => {
    const m = monthlyReturns(t, e);
    expect(m.map((x) => [x.year, x.month])).toEqual([
      [2024, 1],
      [2024, 2],
      [2024, 3],
    ]);
    expect(m[0]!.return).toBeCloseTo(105 / 100 - 1, 15);
    expect(m[1]!.return).toBeCloseTo(99 / 105 - 1, 15);
    expect(m[2]!.return).toBeCloseTo(110 / 99 - 1, 15);
    expect(yearlyReturns(t, e)).toEqual([{ year: 2024, return: 110 / 100 - 1 }]);
  });

  it('compounds to the total return', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 2, maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (growth, stepDays) => {
        const eq = [1000];
        for (const g of growth) eq.push(eq[eq.length - 1]! * g);
        const tm = eq.map((_, i) => Date.UTC(2020, 0, 1) + i * stepDays * MS_PER_DAY);
        const total = eq[eq.length - 1]! / eq[0]!;
        const fromMonths = monthlyReturns(tm, eq).reduce((p, x) => p * (1 + x.return), 1);
        const fromYears = yearlyReturns(tm, eq).reduce((p, x) => p * (1 + x.return), 1);
        expect(fromMonths / total).toBeCloseTo(1, 10);
        expect(fromYears / total).toBeCloseTo(1, 10);
      }),
    );
  });

  it('pivots months into a year-by-month grid with yearly totals', () => {
    const g = monthlyReturnGrid(t, e);
    expect(g).toHaveLength(1);
    expect(g[0]!.months.slice(3)).toEqual(new Array(9).fill(null));
    expect(g[0]!.months[1]).toBeCloseTo(99 / 105 - 1, 15);
    expect(g[0]!.total).toBeCloseTo(0.1, 15);
  });

  it('is empty for fewer than two bars and rejects descending time', () => {
    expect(monthlyReturns([0], [1])).toEqual([]);
    expect(() => monthlyReturns([2, 1, 3], [1, 2, 3])).toThrow(InputError);
  });
});
