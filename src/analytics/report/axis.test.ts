import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTick, linearAxis, logAxis, MAX_TICKS, MAX_TIME_TICKS, MIN_TICKS, niceNumber, textWidth, timeAxis } from './axis.ts';

const labels = (a: { ticks: readonly { label: string }[] }): string[] => a.ticks.map((t) => t.label);
const values = (a: { ticks: readonly { value: number }[] }): number[] => a.ticks.map((t) => t.value);

describe('niceNumber (Heckbert)', () => {
  it('rounds to 1, 2, 5 or 10 times a power of ten', () => {
    expect(niceNumber(2_082_578.71, false)).toBe(5_000_000);
    expect(niceNumber(416_515.7, true)).toBe(500_000);
    expect(niceNumber(0.0123, true)).toBe(0.01);
    expect(niceNumber(0.0123, false)).toBe(0.02);
    expect(niceNumber(7.2, true)).toBe(10);
  });
});

describe('linearAxis', () => {
  it('labels 0 .. 2,082,578.71 (the ORCL buy-and-hold peak) every 500k up to 2.5M', () => {
    const a = linearAxis(0, 2_082_578.71, 'compact');
    expect(values(a)).toEqual([0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000]);
    expect(labels(a)).toEqual(['0', '500k', '1M', '1.5M', '2M', '2.5M']);
    expect([a.lo, a.hi]).toEqual([0, 2_500_000]);
  });

  it('covers a drawdown to −61.23 % in steps of 10 %', () => {
    const a = linearAxis(-0.6123, 0, 'pct');
    expect(labels(a)).toEqual(['-70%', '-60%', '-50%', '-40%', '-30%', '-20%', '-10%', '0%']);
  });

  it('gives EUR/USD prices two decimals and equity near 100k whole thousands', () => {
    expect(labels(linearAxis(1.0569, 1.2537, 'num'))).toEqual(['1.05', '1.10', '1.15', '1.20', '1.25', '1.30']);
    expect(labels(linearAxis(97_812.4, 106_391.2, 'compact'))).toEqual(['96k', '98k', '100k', '102k', '104k', '106k', '108k']);
  });

  it('keeps the domain of a tight axis and puts the ticks inside it', () => {
    const a = linearAxis(-0.0412, 0.0533, 'pct', false);
    expect([a.lo, a.hi]).toEqual([-0.0412, 0.0533]);
    expect(labels(a)).toEqual(['-4%', '-2%', '0%', '2%', '4%']);
  });

  it('steps counts by whole numbers', () => {
    expect(labels(linearAxis(0, 3, 'int'))).toEqual(['0', '1', '2', '3']);
  });

  it('has 4 to 8 ticks of a 1/2/5 step covering any range', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (lo, span) => {
        const hi = lo + span;
        fc.pre(hi - lo > Math.abs(lo) * 1e-9);
        const a = linearAxis(lo, hi, 'num');
        expect(a.ticks.length).toBeGreaterThanOrEqual(MIN_TICKS);
        expect(a.ticks.length).toBeLessThanOrEqual(MAX_TICKS);
        // The outer ticks hold the range (up to the 12 digits tick values are rounded to).
        expect(a.lo).toBeLessThanOrEqual(lo + span * 1e-9);
        expect(a.hi).toBeGreaterThanOrEqual(hi - span * 1e-9);
        const step = a.ticks[1]!.value - a.ticks[0]!.value;
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
        expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
      }),
    );
  });

  it('draws a flat series around its value', () => {
    const a = linearAxis(100_000, 100_000, 'compact');
    expect(a.lo).toBeLessThan(100_000);
    expect(a.hi).toBeGreaterThan(100_000);
    expect(a.ticks.length).toBeGreaterThanOrEqual(MIN_TICKS);
  });
});

describe('logAxis', () => {
  it('marks 1, 2, 5 × 10^k over equity from 61k to 2.08M', () => {
    const a = logAxis(61_234, 2_082_578.71, 'compact');
    expect(labels(a)).toEqual(['100k', '200k', '500k', '1M', '2M']);
    expect(a.lo).toBeLessThan(61_234);
    expect(a.hi).toBeGreaterThan(2_082_578.71);
  });

  it('keeps only powers of ten over many decades and adds 1..9 × 10^k over a short range', () => {
    expect(labels(logAxis(0.5, 4e6, 'num'))).toEqual(['1', '10', '100', '1,000', '10,000', '100,000', '1,000,000']);
    expect(labels(logAxis(2.1, 9.5, 'num'))).toEqual(['3', '4', '5', '6', '7', '8', '9']);
  });

  it('refuses a non-positive range', () => {
    expect(() => logAxis(0, 10, 'num')).toThrow(/log axis/);
  });
});

describe('formatTick', () => {
  it('writes compact money, percentages and plain numbers', () => {
    expect(formatTick(2_500_000, 500_000, 'compact')).toBe('2.5M');
    expect(formatTick(5_000, 1_000, 'compact')).toBe('5,000');
    expect(formatTick(-0.25, 0.05, 'pct')).toBe('-25%');
    expect(formatTick(0.025, 0.005, 'pct')).toBe('2.5%');
    expect(formatTick(1.085, 0.005, 'num')).toBe('1.085');
  });
});

describe('timeAxis', () => {
  const width = 540;
  const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);

  it('labels 20 years of daily bars every second year', () => {
    const a = timeAxis(day('1995-01-03'), day('2014-12-31'), width);
    expect(labels(a)).toEqual(['1996', '1998', '2000', '2002', '2004', '2006', '2008', '2010', '2012', '2014']);
    expect(values(a)[0]).toBe(day('1996-01-01'));
  });

  it('labels three days of hourly bars every 12 hours, with the date at each midnight', () => {
    const a = timeAxis(Date.parse('2017-04-23T22:00:00Z'), Date.parse('2017-04-26T21:00:00Z'), width);
    expect(labels(a)).toEqual(['Apr 24, 2017', '12:00', 'Apr 25', '12:00', 'Apr 26', '12:00']);
    expect(values(a)[1]).toBe(Date.parse('2017-04-24T12:00:00Z'));
  });

  it('labels ten months of hourly EUR/USD bars by month, with the year at January', () => {
    const a = timeAxis(Date.parse('2017-04-19T09:00:00Z'), Date.parse('2018-02-07T15:00:00Z'), width);
    expect(labels(a)).toEqual(['May 2017', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan 2018', 'Feb']);
  });

  it('labels a year of daily bars every second month, a month by week and a few hours by the hour', () => {
    expect(labels(timeAxis(day('2014-01-02'), day('2014-12-31'), width))).toEqual(['Mar 2014', 'May', 'Jul', 'Sep', 'Nov']);
    expect(labels(timeAxis(day('2003-01-02'), day('2005-12-30'), width))).toEqual(['Jul 2003', 'Jan 2004', 'Jul', 'Jan 2005', 'Jul']);
    expect(labels(timeAxis(day('2017-04-19'), day('2017-05-19'), width))).toEqual(['Apr 24, 2017', 'May 1', 'May 8', 'May 15']);
    const h = timeAxis(Date.parse('2020-03-02T09:30:00Z'), Date.parse('2020-03-02T16:00:00Z'), width);
    expect(labels(h)).toEqual(['Mar 2, 2020 10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']);
  });

  it('keeps 4 to 10 labels that do not overlap, for spans from an hour to a century', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.double({ min: Math.log(3_600_000), max: Math.log(100 * 365 * 86_400_000), noNaN: true }), (t0, logSpan) => {
        const t1 = t0 + Math.exp(logSpan);
        const a = timeAxis(t0, t1, width);
        expect(a.ticks.length).toBeGreaterThanOrEqual(3);
        expect(a.ticks.length).toBeLessThanOrEqual(MAX_TIME_TICKS);
        for (let k = 1; k < a.ticks.length; k++) {
          const dx = ((a.ticks[k]!.value - a.ticks[k - 1]!.value) / (t1 - t0)) * width;
          expect(dx).toBeGreaterThanOrEqual((textWidth(a.ticks[k]!.label) + textWidth(a.ticks[k - 1]!.label)) / 2);
        }
        for (const t of a.ticks) expect(t.value >= t0 && t.value <= t1).toBe(true);
      }),
    );
  });
});
