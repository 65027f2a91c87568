// Business days of the reports: a day given on the command line, and the day of a time in a time zone.
import { ConfigError } from '../../core/errors.ts';
import { toIsoDate } from '../../core/time.ts';

/** `YYYY-MM-DD` checked as a calendar day. */
export function checkDay(day: string, field: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || toIsoDate(ms) !== day) throw new ConfigError(`expected a day YYYY-MM-DD, got "${day}"`, { field });
  return day;
}

/** The business day of an epoch-ms time in an IANA zone, as YYYY-MM-DD (a ConfigError naming --tz for an unknown zone). */
export function dayIn(timeZone: string): (tsMs: number) => string {
  if (timeZone === 'UTC') return toIsoDate;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    throw new ConfigError(`unknown time zone "${timeZone}": use an IANA name such as America/New_York, or UTC`, { field: '--tz' });
  }
  return (tsMs) => {
    const p = Object.fromEntries(fmt.formatToParts(tsMs).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}`;
  };
}
