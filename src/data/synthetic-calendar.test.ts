import { describe, expect, it } from 'vitest';
import { barCalendar, isNewYorkDst, isoWeekday } from './synthetic-calendar.ts';
import { daysFromCivil } from './parse-time.ts';

describe('barCalendar', () => {
  it('knows the weekday of a day number', () => {
    expect(isoWeekday(0)).toBe(4); // 1970-01-01 was a Thursday
    expect(isoWeekday(daysFromCivil(2015, 1, 3))).toBe(6);
    expect(isoWeekday(-1)).toBe(3);
  });

  it('follows New York daylight time rules before and since 2007', () => {
    const dst = (y: number, m: number, d: number): boolean => isNewYorkDst(daysFromCivil(y, m, d), y);
    expect([dst(2021, 3, 12), dst(2021, 3, 15), dst(2021, 11, 5), dst(2021, 11, 8)]).toEqual([false, true, true, false]);
    expect([dst(2006, 3, 31), dst(2006, 4, 3), dst(2006, 10, 27), dst(2006, 10, 30)]).toEqual([false, true, true, false]);
  });

  it('opens hourly sessions at 14:30 UTC in winter and 13:30 UTC in summer, seven bars a day', () => {
    const winter = barCalendar('1h', Date.UTC(2021, 0, 4), 8);
    expect(Array.from(winter.time.subarray(0, 2), (t) => new Date(t).toISOString())).toEqual(['2021-01-04T14:30:00.000Z', '2021-01-04T15:30:00.000Z']);
    expect(new Date(winter.time[7]!).toISOString()).toBe('2021-01-05T14:30:00.000Z');
    expect(Array.from(winter.barOfDay)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    const summer = barCalendar('1m', Date.UTC(2021, 6, 2), 391);
    expect(new Date(summer.time[0]!).toISOString()).toBe('2021-07-02T13:30:00.000Z');
    expect(new Date(summer.time[389]!).toISOString()).toBe('2021-07-02T19:59:00.000Z');
    expect(new Date(summer.time[390]!).toISOString()).toBe('2021-07-05T13:30:00.000Z');
  });

  it('starts at the first bar at or after startMs', () => {
    const c = barCalendar('1d', Date.UTC(2015, 0, 3, 12), 2); // a Saturday noon
    expect(Array.from(c.time)).toEqual([Date.UTC(2015, 0, 5), Date.UTC(2015, 0, 6)]);
    const h = barCalendar('1h', Date.UTC(2021, 0, 4, 15), 1);
    expect(h.time[0]).toBe(Date.UTC(2021, 0, 4, 15, 30));
  });
});
