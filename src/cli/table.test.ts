import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmtNum, groupedFixed } from './table.ts';

const icu = (x: number, digits: number): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

describe('fmtNum', () => {
  it('formats as toLocaleString en-US with fixed fraction digits does, for any finite number', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e7, max: 1e7, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
      fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 200 + 0.005),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 20 }), (x, digits) => groupedFixed(x, digits) === icu(x, digits)),
      { numRuns: 30_000 },
    );
  });

  it('rounds the shortest decimal half away from zero and keeps the sign of what rounds to zero', () => {
    const cases = [0, -0, 0.005, -0.005, -0.001, 1.005, 0.125, 2.5, -2.5, 999.995, 9.995, 99999.995, 1e21, 1.5e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1234567.891];
    for (const x of cases) for (const d of [0, 1, 2, 4]) expect(groupedFixed(x, d), `${x} ${d}`).toBe(icu(x, d));
    expect(fmtNum(141.4149)).toBe('141.41');
    expect(fmtNum(-19154.283)).toBe('-19,154.28');
    expect(fmtNum(NaN)).toBe('-');
    expect(fmtNum(null)).toBe('-');
    expect(fmtNum(Infinity)).toBe('-');
  });
});
