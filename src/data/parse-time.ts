// Timestamps from a string range to epoch ms UTC, without Date objects on the common path.
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.ts';
import { isBlankChar, parseDecimal } from './parse-number.ts';

/** 0001-01-01 .. 9999-12-31 in epoch ms: what ISO 8601 calendar dates can name. */
export const MIN_TIME_MS = -62_135_596_800_000;
export const MAX_TIME_MS = 253_402_300_799_999;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Value of `n` decimal digits at `i`, or -1 when any is not a digit. */
function digitsAt(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = text.charCodeAt(i + k) - 48; // NaN past the end of the string: rejected below
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses dates and date-times with a one-day cache (consecutive intraday rows share the day):
 * `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`, each optionally followed by `T` or a space
 * and `HH:MM[:SS[.fff]]`, then optionally `Z`, `±HH:MM`, `±HHMM` or `±HH`. No zone means UTC.
 */
export class DateTimeParser {
  #lastKey = -1;
  #lastDayMs = 0;

  /** Epoch ms UTC, or NaN when `text[start, end)` is not such a timestamp. */
  parse(text: string, start: number, end: number): number {
    if (end - start === 24) {
      const t = this.#isoMs(text, start);
      if (t === t) return t;
    }
    return this.#parse(text, start, end);
  }

  /**
   * `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes) at `s`, read in one go: what #parse gives for it,
   * or NaN for anything else of 24 characters (then #parse decides, and says NaN itself when it is not a time).
   */
  #isoMs(text: string, s: number): number {
    if (text.charCodeAt(s + 4) !== 45 || text.charCodeAt(s + 7) !== 45 || text.charCodeAt(s + 10) !== 84 || text.charCodeAt(s + 13) !== 58) return NaN;
    if (text.charCodeAt(s + 16) !== 58 || text.charCodeAt(s + 19) !== 46 || text.charCodeAt(s + 23) !== 90) return NaN;
    const year = digitsAt(text, s, 4);
    const month = digitsAt(text, s + 5, 2);
    const day = digitsAt(text, s + 8, 2);
    const hh = digitsAt(text, s + 11, 2);
    const mm = digitsAt(text, s + 14, 2);
    const ss = digitsAt(text, s + 17, 2);
    const ms = digitsAt(text, s + 20, 3);
    if (year < 0 || month < 0 || day < 0 || ms < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return NaN;
    const key = year * 10_000 + month * 100 + day;
    let dayMs: number;
    if (key === this.#lastKey) dayMs = this.#lastDayMs;
    else {
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
      dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
      this.#lastKey = key;
      this.#lastDayMs = dayMs;
    }
    return dayMs + (hh * MS_PER_HOUR + mm * MS_PER_MINUTE + ss * 1000 + ms);
  }

  #parse(text: string, start: number, end: number): number {
    let s = start;
    let e = end;
    while (s < e && isBlankChar(text.charCodeAt(s))) s++;
    while (e > s && isBlankChar(text.charCodeAt(e - 1))) e--;
    if (e - s < 8) return NaN;
    const year = digitsAt(text, s, 4);
    if (year < 0) return NaN;
    let month: number;
    let day: number;
    let p: number;
    const sep = text.charCodeAt(s + 4);
    if (sep === 45 || sep === 47 || sep === 46) {
      if (e - s < 10 || text.charCodeAt(s + 7) !== sep) return NaN;
      month = digitsAt(text, s + 5, 2);
      day = digitsAt(text, s + 8, 2);
      p = s + 10;
    } else {
      month = digitsAt(text, s + 4, 2);
      day = digitsAt(text, s + 6, 2);
      p = s + 8;
    }
    if (month < 0 || day < 0) return NaN;
    const key = year * 10_000 + month * 100 + day;
    let dayMs: number;
    if (key === this.#lastKey) dayMs = this.#lastDayMs;
    else {
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
      dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
      this.#lastKey = key;
      this.#lastDayMs = dayMs;
    }
    if (p === e) return dayMs;
    const c = text.charCodeAt(p);
    if (c !== 84 && c !== 32 && c !== 116) return NaN; // 'T', ' ', 't'
    return dayMs + parseClock(text, p + 1, e, true);
  }
}

/**
 * `HH:MM[:SS[.fff]]` in ms from midnight, optionally followed (when `zone`) by a UTC offset that is
 * subtracted; NaN when malformed.
 */
function parseClock(text: string, start: number, end: number, zone: boolean): number {
  if (end - start < 5 || text.charCodeAt(start + 2) !== 58) return NaN;
  const hh = digitsAt(text, start, 2);
  const mm = digitsAt(text, start + 3, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return NaN;
  let ms = hh * MS_PER_HOUR + mm * MS_PER_MINUTE;
  let p = start + 5;
  if (p < end && text.charCodeAt(p) === 58) {
    if (p + 3 > end) return NaN;
    const ss = digitsAt(text, p + 1, 2);
    if (ss < 0 || ss > 59) return NaN;
    ms += ss * 1000;
    p += 3;
    if (p < end && text.charCodeAt(p) === 46) {
      // Fractional seconds: keep milliseconds, truncate finer digits.
      let scale = 100;
      p++;
      const from = p;
      for (; p < end; p++) {
        const d = text.charCodeAt(p) - 48;
        if (d < 0 || d > 9) break;
        ms += d * scale;
        scale /= 10;
      }
      if (p === from) return NaN;
      ms = Math.floor(ms);
    }
  }
  if (p === end) return ms;
  if (!zone) return NaN;
  return ms - parseOffset(text, p, end);
}

/** `Z`, `±HH:MM`, `±HHMM`, `±HH` as ms east of UTC; NaN when malformed. */
function parseOffset(text: string, p: number, end: number): number {
  const c = text.charCodeAt(p);
  if ((c === 90 || c === 122) && p + 1 === end) return 0;
  if (c !== 43 && c !== 45) return NaN;
  const sign = c === 45 ? -1 : 1;
  const n = end - p - 1;
  const hh = digitsAt(text, p + 1, 2);
  let mm = 0;
  if (n === 5 && text.charCodeAt(p + 3) === 58) mm = digitsAt(text, p + 4, 2);
  else if (n === 4) mm = digitsAt(text, p + 3, 2);
  else if (n !== 2) return NaN;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return NaN;
  return sign * (hh * MS_PER_HOUR + mm * MS_PER_MINUTE);
}

/** A separate time-of-day column (`HH:MM[:SS]`), in ms from midnight; NaN when malformed. */
export function parseTimeOfDay(text: string, start: number, end: number): number {
  let s = start;
  let e = end;
  while (s < e && isBlankChar(text.charCodeAt(s))) s++;
  while (e > s && isBlankChar(text.charCodeAt(e - 1))) e--;
  return parseClock(text, s, e, false);
}

/** Epoch seconds or milliseconds (decimals allowed) as whole ms; NaN when not a number or out of range. */
export function parseEpoch(text: string, start: number, end: number, msPerUnit: number): number {
  const v = parseDecimal(text, start, end);
  const ms = Math.round(v * msPerUnit);
  return ms >= MIN_TIME_MS && ms <= MAX_TIME_MS ? ms : NaN;
}
