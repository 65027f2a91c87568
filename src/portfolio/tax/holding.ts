// Holding periods for US capital gains: the period starts the day after acquisition and includes the
// day of disposal; "more than one year" is measured in calendar months (Rev. Rul. 66-6, 66-7), so a
// lot is long-term from the same calendar date one year after the start (a start on Feb 29 rolls to
// Mar 1). Days are UTC calendar days of the fill times (days since 1970-01-01).
import { MS_PER_DAY, utcDay } from '../../core/time.ts';

/** The UTC calendar day (days since 1970-01-01) of an epoch-ms time. */
export function dayOf(tsMs: number): number {
  return utcDay(tsMs);
}

/** Epoch ms of the start (00:00 UTC) of a day number. */
export function dayStartMs(day: number): number {
  return day * MS_PER_DAY;
}

/** YYYY-MM-DD of a day number. */
export function dayIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * First day on which a lot whose holding period is counted from `acquiredDay` (the day of acquisition,
 * or an earlier day when a wash sale carried a sold lot's holding period over) is held more than one
 * year: the holding period starts on acquiredDay + 1, and one year later to the calendar date is the
 * first long-term day. Bought 2023-02-05: long-term from 2024-02-06. Bought 2023-02-28: the period
 * starts 2023-03-01, long-term from 2024-03-01 (2024-02-29 ends exactly one year).
 */
export function firstLongTermDay(acquiredDay: number): number {
  const start = new Date((acquiredDay + 1) * MS_PER_DAY);
  return Math.floor(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), start.getUTCDate()) / MS_PER_DAY);
}

/** Long-term when disposed on or after `firstLongTermDay(acquiredDay)`. */
export function isLongTerm(acquiredDay: number, disposedDay: number): boolean {
  return disposedDay >= firstLongTermDay(acquiredDay);
}
