// Resolving `timeFormat: 'auto'` from the first data row's time field.
import type { ResolvedTimeFormat } from './csv-rows.ts';
import { DateTimeParser } from './parse-time.ts';

export type TimeFormat = 'auto' | ResolvedTimeFormat;

/** Epoch ms from here on (1973-03-03) are told apart from epoch seconds by size. */
const EPOCH_MS_THRESHOLD = 1e11;

/**
 * `auto`: a field of bare digits is epoch seconds or milliseconds by size, except 8 digits that form
 * a valid `YYYYMMDD` date; anything else is parsed as a calendar date.
 */
export function resolveTimeFormat(format: TimeFormat, firstValue: string): ResolvedTimeFormat {
  if (format !== 'auto') return format;
  const v = firstValue.trim().replace(/^"(.*)"$/, '$1').trim();
  if (!/^\d+(\.\d+)?$/.test(v)) return 'iso';
  if (v.length === 8 && !Number.isNaN(new DateTimeParser().parse(v, 0, 8))) return 'iso';
  return Number(v) >= EPOCH_MS_THRESHOLD ? 'epoch-ms' : 'epoch-s';
}

/** Whether a separate time column holds a clock time (`HH:MM`), worth adding to the date. */
export function looksLikeClock(value: string): boolean {
  return /^"?\s*\d{2}:\d{2}/.test(value);
}
