// Is an instrument's market open at a given moment? 24/7 calendars always are; session calendars
// trade on their weekdays between open and close in the exchange's time zone (no holidays).
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/time.ts';
import type { TradingCalendar } from '../model/instrument.ts';
import { isNewYorkDst, isoWeekday } from './synthetic-calendar.ts';

const offsetCache = new Map<string, Intl.DateTimeFormat>();

/** Minutes to add to UTC to get local time in `timeZone` at `tsMs`. */
export function utcOffsetMinutes(timeZone: string, tsMs: number): number {
  if (timeZone === 'UTC') return 0;
  const day = Math.floor(tsMs / MS_PER_DAY);
  if (timeZone === 'America/New_York') return isNewYorkDst(day, new Date(tsMs).getUTCFullYear()) ? -240 : -300;
  let fmt = offsetCache.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    offsetCache.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(tsMs)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((local - Math.floor(tsMs / MS_PER_MINUTE) * MS_PER_MINUTE) / MS_PER_MINUTE);
}

export function isSessionOpen(calendar: TradingCalendar, tsMs: number): boolean {
  if (calendar.kind === '24/7') return true;
  const localMs = tsMs + utcOffsetMinutes(calendar.timeZone, tsMs) * MS_PER_MINUTE;
  const day = Math.floor(localMs / MS_PER_DAY);
  if (!calendar.weekdays.includes(isoWeekday(day))) return false;
  const minute = Math.floor((localMs - day * MS_PER_DAY) / MS_PER_MINUTE);
  return minute >= calendar.openMinute && minute < calendar.closeMinute;
}
