import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayIso, dayOf, firstLongTermDay, isLongTerm } from './holding.ts';

const day = (iso: string): number => dayOf(Date.parse(`${iso}T00:00:00Z`));

/** Feb 29s in [from, to] counted day by day (an oracle independent of the calendar-month rule). */
function leapDaysBetween(from: number, to: number): number {
  let n = 0;
  for (let d = from; d <= to; d++) if (dayIso(d).endsWith('-02-29')) n++;
  return n;
}

describe('holding period', () => {
  it.each([
    // acquired, disposed, term: the period starts the day after acquisition; more than one year is long-term
    ['2023-02-05', '2024-02-05', 'short'],
    ['2023-02-05', '2024-02-06', 'long'],
    ['2023-06-19', '2024-06-19', 'short'],
    ['2023-06-19', '2024-06-20', 'long'],
    ['2023-02-28', '2024-02-28', 'short'],
    ['2023-02-28', '2024-02-29', 'short'], // Mar 1 2023 .. Feb 29 2024 is exactly one year
    ['2023-02-28', '2024-03-01', 'long'],
    ['2024-02-28', '2025-02-28', 'short'],
    ['2024-02-28', '2025-03-01', 'long'],
    ['2024-02-29', '2025-02-28', 'short'],
    ['2024-02-29', '2025-03-01', 'long'],
    ['2023-12-31', '2024-12-31', 'short'],
    ['2023-12-31', '2025-01-01', 'long'],
    ['2024-01-02', '2024-01-02', 'short'],
  ])('a lot acquired %s and disposed %s is %s-term', (acquired, disposed, term) => {
    expect(isLongTerm(day(acquired), day(disposed)) ? 'long' : 'short').toBe(term);
  });

  it('uses the UTC calendar day of a time, whatever the time of day', () => {
    expect(dayOf(Date.parse('2024-03-01T23:59:59.999Z'))).toBe(day('2024-03-01'));
    expect(dayIso(day('2024-03-01'))).toBe('2024-03-01');
  });

  it('is long-term after more than 365 days held, or more than 366 when the year after acquisition has a Feb 29', () => {
    fc.assert(
      fc.property(fc.integer({ min: day('1990-01-01'), max: day('2090-01-01') }), (acquired) => {
        const first = firstLongTermDay(acquired);
        const threshold = leapDaysBetween(acquired + 1, acquired + 366) > 0 ? 367 : 366;
        expect(first - acquired).toBe(threshold);
        expect(isLongTerm(acquired, first - 1)).toBe(false);
        expect(isLongTerm(acquired, first)).toBe(true);
      }),
    );
  });

  it('never turns short-term again once long-term', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 800 }), (acquired, held) => {
        if (isLongTerm(acquired, acquired + held)) expect(isLongTerm(acquired, acquired + held + 1)).toBe(true);
        if (held <= 365) expect(isLongTerm(acquired, acquired + held)).toBe(false);
        if (held >= 367) expect(isLongTerm(acquired, acquired + held)).toBe(true);
      }),
    );
  });
});
