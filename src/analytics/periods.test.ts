import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.ts';
import { inferPeriodsPerYear, medianGapMs } from './periods.ts';
import { medianInPlace } from './stats.ts';

const START = Date.UTC(2019, 0, 1);
const isWeekday = (ms: number): boolean => {
  const d = new Date(ms).getUTCDay();
  return d !== 0 && d !== 6;
};

/** Timestamps from START every `stepMs` for `years`, kept when `keep` says so. */
function grid(stepMs: number, years: number, keep: (ms: number) => boolean = () => true): number[] {
  const out: number[] = [];
  for (let t = START; t < START + years * 365 * MS_PER_DAY; t += stepMs) if (keep(t)) out.push(t);
  return out;
}

describe('inferPeriodsPerYear', () => {
  it('gives 252 for daily bars on a weekday calendar, even with holidays missing', () => {
    expect(inferPeriodsPerYear(grid(MS_PER_DAY, 3, isWeekday))).toBe(252);
    const withHolidays = grid(MS_PER_DAY, 3, isWeekday).filter((_, i) => i % 25 !== 0);
    expect(inferPeriodsPerYear(withHolidays)).toBe(252);
  });

  it('gives 365 for daily bars on every calendar day (24/7 markets)', () => {
    expect(inferPeriodsPerYear(grid(MS_PER_DAY, 2))).toBe(365);
  });

  it('gives 52 for weekly, 12 for monthly, 4 for quarterly and 1 for yearly bars', () => {
    expect(inferPeriodsPerYear(grid(7 * MS_PER_DAY, 5))).toBe(52);
    const monthEnds = Array.from({ length: 60 }, (_, i) => Date.UTC(2010, i + 1, 0));
    expect(inferPeriodsPerYear(monthEnds)).toBe(12);
    expect(inferPeriodsPerYear(Array.from({ length: 20 }, (_, i) => Date.UTC(2010, 3 * i, 1)))).toBe(4);
    expect(inferPeriodsPerYear(Array.from({ length: 20 }, (_, i) => Date.UTC(2000 + i, 0, 1)))).toBe(1);
  });

  it('gives 252 × 6.5 for hourly bars during exchange sessions', () => {
    const session = (t: number): boolean => {
      const h = new Date(t).getUTCHours();
      return isWeekday(t) && h >= 14 && h < 21; // 7 hourly bars a day
    };
    expect(inferPeriodsPerYear(grid(MS_PER_HOUR, 1, session))).toBe(252 * 6.5);
  });

  it('gives 252 × 24 for hourly bars around the clock on weekdays (FX)', () => {
    expect(inferPeriodsPerYear(grid(MS_PER_HOUR, 1, isWeekday))).toBe(252 * 24);
  });

  it('gives 365 × 24 for hourly bars around the clock every day (crypto)', () => {
    expect(inferPeriodsPerYear(grid(MS_PER_HOUR, 1))).toBe(365 * 24);
  });

  it('gives 252 × 390 for one-minute bars in a 6.5-hour session', () => {
    const session = (t: number): boolean => {
      const m = (t % MS_PER_DAY) / MS_PER_MINUTE;
      return isWeekday(t) && m >= 14.5 * 60 && m < 21 * 60;
    };
    const t = grid(MS_PER_MINUTE, 0.2, session);
    expect(inferPeriodsPerYear(t)).toBeCloseTo(252 * 390, 9);
  });

  it('falls back to 252 without two distinct timestamps', () => {
    expect(inferPeriodsPerYear([])).toBe(252);
    expect(inferPeriodsPerYear([START])).toBe(252);
    expect(inferPeriodsPerYear([START, START])).toBe(252);
  });
});

describe('medianGapMs', () => {
  /** The median of the positive gaps as a copy and a selection (what inferPeriodsPerYear did before the majority shortcut). */
  function medianBySelection(t: Float64Array): number {
    const gaps: number[] = [];
    for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! > 0) gaps.push(t[i]! - t[i - 1]!);
    return gaps.length === 0 ? NaN : medianInPlace(Float64Array.from(gaps));
  }

  it('equals the median of the positive gaps by selection, with or without a majority gap', () => {
    const step = fc.oneof(
      fc.constantFrom(MS_PER_MINUTE, MS_PER_MINUTE, MS_PER_MINUTE, MS_PER_HOUR, MS_PER_DAY, 3 * MS_PER_DAY, 0, -MS_PER_MINUTE, NaN),
      fc.integer({ min: -MS_PER_DAY, max: 40 * MS_PER_DAY }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 0, maxLength: 60 }), (steps) => {
        const t = new Float64Array(steps.length + 1);
        t[0] = Date.UTC(2020, 0, 1);
        for (let i = 0; i < steps.length; i++) t[i + 1] = t[i]! + steps[i]!;
        expect(Object.is(medianGapMs(t), medianBySelection(t))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
