// Bar times of the synthetic market: weekdays for daily bars, New York equity sessions intraday.
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.ts';
import { daysFromCivil } from './parse-time.ts';
import type { SyntheticTimeframe } from './synthetic-params.ts';

export interface BarCalendar {
  /** Bar open times, epoch ms UTC. */
  readonly time: Float64Array;
  /** Index of each bar within its session (0 for every daily bar). */
  readonly barOfDay: Uint16Array;
  readonly barsPerDay: number;
  readonly timeframeMs: number;
}

const SESSION_OPEN_MINUTE = 9 * 60 + 30;
const SESSION_MINUTES = 390;

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Day number of the n-th (1-based; -1 = last) given weekday (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = daysFromCivil(year, month, 1);
    return first + ((weekday - (isoWeekday(first) % 7) + 7) % 7) + (n - 1) * 7;
  }
  const last = daysFromCivil(year, month + 1, 1) - 1;
  return last - (((isoWeekday(last) % 7) - weekday + 7) % 7);
}

/**
 * Whether New York keeps daylight time on a (weekday) date: from the second Sunday of March to the
 * first Sunday of November since 2007, from the first Sunday of April to the last Sunday of October
 * before. Transitions happen on Sundays, when no session trades, so the day is enough.
 */
export function isNewYorkDst(day: number, year: number): boolean {
  const [start, end] =
    year >= 2007
      ? [nthWeekday(year, 3, 0, 2), nthWeekday(year, 11, 0, 1)]
      : [nthWeekday(year, 4, 0, 1), nthWeekday(year, 10, 0, -1)];
  return day >= start && day < end;
}

function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/**
 * The first `bars` bar times at or after `startMs`: daily bars at 00:00 UTC of each weekday;
 * hourly (7 a day, the last one half an hour) and minute (390 a day) bars inside 09:30-16:00
 * New York time on weekdays. No exchange holidays are modelled.
 */
export function barCalendar(timeframe: SyntheticTimeframe, startMs: number, bars: number): BarCalendar {
  const barMs = timeframe === '1d' ? MS_PER_DAY : timeframe === '1h' ? MS_PER_HOUR : MS_PER_MINUTE;
  const barsPerDay = timeframe === '1d' ? 1 : Math.ceil((SESSION_MINUTES * MS_PER_MINUTE) / barMs);
  const time = new Float64Array(bars);
  const barOfDay = new Uint16Array(bars);
  let n = 0;
  let year = NaN;
  let yearEnd = -Infinity;
  for (let day = Math.floor(startMs / MS_PER_DAY); n < bars; day++) {
    if (isoWeekday(day) > 5) continue;
    let openMs = 0;
    if (timeframe !== '1d') {
      if (day >= yearEnd) {
        year = yearOfDay(day);
        yearEnd = daysFromCivil(year + 1, 1, 1);
      }
      const utcOffsetHours = isNewYorkDst(day, year) ? 4 : 5;
      openMs = SESSION_OPEN_MINUTE * MS_PER_MINUTE + utcOffsetHours * MS_PER_HOUR;
    }
    for (let k = 0; k < barsPerDay && n < bars; k++) {
      const t = day * MS_PER_DAY + openMs + k * barMs;
      if (t < startMs) continue;
      time[n] = t;
      barOfDay[n] = k;
      n++;
    }
  }
  return { time, barOfDay, barsPerDay, timeframeMs: barMs };
}
