import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../core/time.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { parseTimeframe, periodEnd, periodStart, resampleSeries, Resampler, type Timeframe } from './resample.ts';

const MON = Date.UTC(2024, 0, 1); // a Monday

function bar(tsEventMs: number, close: number, extra: Partial<Bar> = {}): Bar {
  return { symbol: 'X', tsEventMs, open: close, high: close + 1, low: close - 1, close, volume: 10, ...extra };
}

/** Weekday daily bars (Mon-Fri) from MON, close = 100 + i. */
function weekdays(n: number): Bar[] {
  const out: Bar[] = [];
  for (let d = 0; out.length < n; d++) {
    const dow = d % 7;
    if (dow < 5) out.push(bar(MON + d * MS_PER_DAY, 100 + out.length));
  }
  return out;
}

describe('periodStart and periodEnd', () => {
  it('puts every day of a week, Sunday included, in the week starting on Monday 00:00 UTC', () => {
    for (let d = 0; d < 7; d++) expect(periodStart('W', MON + d * MS_PER_DAY + 5 * MS_PER_HOUR)).toBe(MON);
    expect(periodStart('W', MON - 1)).toBe(MON - 7 * MS_PER_DAY);
    expect(periodEnd('W', MON)).toBe(MON + 7 * MS_PER_DAY);
  });

  it('aligns weeks on Mondays before 1970 too', () => {
    const mon1969 = Date.UTC(1969, 11, 29);
    expect(new Date(mon1969).getUTCDay()).toBe(1);
    expect(periodStart('W', mon1969 + 3 * MS_PER_DAY)).toBe(mon1969);
  });

  it('uses calendar months, including February of a leap year', () => {
    expect(periodStart('M', Date.UTC(2024, 1, 29, 23))).toBe(Date.UTC(2024, 1, 1));
    expect(periodEnd('M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1));
    expect(periodEnd('M', Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1));
  });

  it('aligns fixed periods to the origin', () => {
    expect(periodStart(4 * MS_PER_HOUR, MON + 5 * MS_PER_HOUR)).toBe(MON + 4 * MS_PER_HOUR);
    expect(periodStart(4 * MS_PER_HOUR, MON + 5 * MS_PER_HOUR, MON + MS_PER_HOUR)).toBe(MON + 5 * MS_PER_HOUR);
  });
});

describe('parseTimeframe', () => {
  it.each([
    ['W', 'W'],
    ['M', 'M'],
    ['4h', 4 * MS_PER_HOUR],
    ['1d', MS_PER_DAY],
    ['15m', 15 * 60_000],
    ['2w', 14 * MS_PER_DAY],
    ['60000', 60_000],
    [3600, 3600],
  ] as const)('reads %s', (text, want) => {
    expect(parseTimeframe(text)).toBe(want);
  });

  it.each(['', 'week', '0h', '-1', 1.5, 0])('refuses %s', (text) => {
    expect(() => parseTimeframe(text)).toThrow(ConfigError);
  });
});

describe('Resampler', () => {
  it('returns a week only when the first bar of the next week arrives, aggregated OHLCV', () => {
    const r = new Resampler('W');
    const days = weekdays(6);
    const outs = days.map((b) => r.update(b));
    expect(outs.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(outs[5]).toEqual({ symbol: 'X', tsEventMs: MON, open: 100, high: 105, low: 99, close: 104, volume: 50 });
    expect(r.forming).toEqual({ symbol: 'X', tsEventMs: MON + 7 * MS_PER_DAY, open: 105, high: 106, low: 104, close: 105, volume: 10 });
  });

  it('shows the partial week as forming while it is in progress', () => {
    const r = new Resampler('W');
    const days = weekdays(3);
    r.update(days[0]!);
    r.update(days[1]!);
    expect(r.forming).toMatchObject({ tsEventMs: MON, open: 100, close: 101, high: 102, low: 99, volume: 20 });
    r.update(days[2]!);
    expect(r.forming).toMatchObject({ close: 102, high: 103, volume: 30 });
  });

  it('with the input bar length, closes a period with its last bar instead of waiting for the next', () => {
    const r = new Resampler(4 * MS_PER_HOUR, { barMs: MS_PER_HOUR });
    const outs = [0, 1, 2, 3, 4].map((h) => r.update(bar(MON + h * MS_PER_HOUR, 10 + h)));
    expect(outs.slice(0, 3)).toEqual([null, null, null]);
    expect(outs[3]).toMatchObject({ tsEventMs: MON, open: 10, close: 13, high: 14, low: 9, volume: 40 });
    expect(outs[4]).toBeNull();
    expect(r.forming).toMatchObject({ tsEventMs: MON + 4 * MS_PER_HOUR });
  });

  it('does not close a week on Friday: daily bars end on Saturday, the week on Monday', () => {
    const r = new Resampler('W', { barMs: MS_PER_DAY });
    const outs = weekdays(5).map((b) => r.update(b));
    expect(outs).toEqual([null, null, null, null, null]);
    expect(r.update(bar(MON + 6 * MS_PER_DAY, 1))).toMatchObject({ tsEventMs: MON, close: 1 }); // a Sunday bar ends the week
  });

  it('after a gap, reports a period closed by its own bar on the next update, never early', () => {
    const r = new Resampler(4 * MS_PER_HOUR, { barMs: MS_PER_HOUR });
    expect(r.update(bar(MON, 1))).toBeNull();
    // The 07:00 bar completes [00:00, 04:00) and closes [04:00, 08:00) by itself.
    expect(r.update(bar(MON + 7 * MS_PER_HOUR, 2))).toMatchObject({ tsEventMs: MON, close: 1 });
    expect(r.forming).toBeNull();
    expect(r.update(bar(MON + 9 * MS_PER_HOUR, 3))).toMatchObject({ tsEventMs: MON + 4 * MS_PER_HOUR, close: 2 });
    expect(r.flush()).toMatchObject({ tsEventMs: MON + 8 * MS_PER_HOUR, close: 3 });
    expect(r.flush()).toBeNull();
  });

  it('aggregates calendar months', () => {
    const r = new Resampler('M');
    const jan31 = Date.UTC(2024, 0, 31);
    expect(r.update(bar(Date.UTC(2024, 0, 2), 5))).toBeNull();
    expect(r.update(bar(jan31, 7))).toBeNull();
    expect(r.update(bar(Date.UTC(2024, 1, 1), 9))).toMatchObject({ tsEventMs: Date.UTC(2024, 0, 1), open: 5, close: 7, volume: 20 });
  });

  it('refuses bars out of order and bars of a period already closed', () => {
    const r = new Resampler('W');
    r.update(bar(MON + MS_PER_DAY, 1));
    expect(() => r.update(bar(MON, 1))).toThrow(InputError);
    const c = new Resampler(MS_PER_DAY, { barMs: MS_PER_DAY });
    c.update(bar(MON, 1));
    expect(() => c.update(bar(MON + MS_PER_HOUR, 1))).toThrow(InputError);
  });

  it('the returned bar is a copy: later updates do not change it', () => {
    const r = new Resampler(2 * MS_PER_DAY);
    r.update(bar(MON, 1));
    const done = r.update(bar(MON + 2 * MS_PER_DAY, 2))!;
    r.update(bar(MON + 3 * MS_PER_DAY, 3));
    expect(done.close).toBe(1);
  });

  it('never returns a bar whose period has not ended by the end of the bar that produced it', () => {
    const tfs: Timeframe[] = ['W', 'M', 4 * MS_PER_HOUR, 3 * MS_PER_DAY];
    fc.assert(
      fc.property(
        fc.constantFrom(...tfs),
        fc.constantFrom(0, MS_PER_HOUR, MS_PER_DAY),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 200 }),
        (tf, barMs, gaps) => {
          const r = new Resampler(tf, { barMs });
          let t = MON;
          let seen = 0;
          for (const g of gaps) {
            t += g * (barMs || MS_PER_HOUR); // bars never overlap

            const out = r.update(bar(t, g));
            const known = barMs > 0 ? t + barMs : t; // what the caller knows after this bar
            if (out !== null) {
              expect(periodEnd(tf, out.tsEventMs)).toBeLessThanOrEqual(known);
              expect(out.tsEventMs).toBeGreaterThan(seen - 1);
              seen = out.tsEventMs + 1;
            }
            const f = r.forming;
            if (f !== null) expect(f.tsEventMs).toBe(periodStart(tf, t));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('resampleSeries', () => {
  const days = weekdays(12); // two full weeks and two days of a third
  const daily = BarSeries.fromBars('X', days, MS_PER_DAY);

  it('is the fold of the streaming resampler plus the partial last period', () => {
    const weekly = resampleSeries(daily, 'W');
    expect(weekly.length).toBe(3);
    expect(weekly.timeframeMs).toBe(7 * MS_PER_DAY);
    expect(Array.from(weekly.time)).toEqual([MON, MON + 7 * MS_PER_DAY, MON + 14 * MS_PER_DAY]);
    expect(Array.from(weekly.close)).toEqual([104, 109, 111]);
    expect(Array.from(weekly.volume)).toEqual([50, 50, 20]);
    const r = new Resampler('W', { barMs: MS_PER_DAY });
    const folded = days.map((b) => r.update(b)).filter((b) => b !== null);
    expect(folded.map((b) => b.close)).toEqual([104, 109]);
  });

  it('drops the unfinished last period when told, and keeps a finished one', () => {
    expect(resampleSeries(daily, 'W', { includePartial: false }).length).toBe(2);
    const hourly = BarSeries.fromBars('X', [0, 1, 2, 3, 4, 5, 6, 7].map((h) => bar(MON + h * MS_PER_HOUR, h)), MS_PER_HOUR);
    const h4 = resampleSeries(hourly, 4 * MS_PER_HOUR, { includePartial: false });
    expect(Array.from(h4.close)).toEqual([3, 7]);
    expect(Array.from(h4.high)).toEqual([4, 8]);
    expect(Array.from(h4.low)).toEqual([-1, 3]);
  });
});
