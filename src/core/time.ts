// Time is epoch milliseconds UTC in a number; names carry the unit (docs/architecture.md, "Numbers and time").

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Years 0000..9999: what `toISOString` writes with four digits (outside it writes ±YYYYYY). */
const FAST_MIN_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const FAST_MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** The date part of the day last formatted, as char codes: consecutive timestamps mostly share their day. */
let lastDay = NaN;
let y0 = 48;
let y1 = 48;
let y2 = 48;
let y3 = 48;
let mo0 = 48;
let mo1 = 48;
let d0 = 48;
let d1 = 48;

/**
 * `new Date(tsMs).toISOString()`, without a Date: the same string for every timestamp (a report writes
 * one per equity point, 200k in a 200k-bar run). One `String.fromCharCode` of the 24 codes makes a flat
 * string at once (pieces joined with `+` or a template make cons strings, slower to build and to write).
 * Years outside 0000..9999, fractional ms and invalid times take the Date path, so its results and
 * errors (RangeError) are kept exactly.
 */
export function toIso(tsMs: number): string {
  if (!(tsMs >= FAST_MIN_MS && tsMs <= FAST_MAX_MS) || Math.floor(tsMs) !== tsMs) return new Date(tsMs).toISOString();
  const day = Math.floor(tsMs / MS_PER_DAY);
  let ms = tsMs - day * MS_PER_DAY;
  if (day !== lastDay) setDay(day);
  const h = Math.floor(ms / MS_PER_HOUR);
  ms -= h * MS_PER_HOUR;
  const m = Math.floor(ms / MS_PER_MINUTE);
  ms -= m * MS_PER_MINUTE;
  const s = Math.floor(ms / MS_PER_SECOND);
  ms -= s * MS_PER_SECOND;
  const ms10 = Math.floor(ms / 10);
  return String.fromCharCode(
    y0, y1, y2, y3, 45, mo0, mo1, 45, d0, d1, 84,
    48 + Math.floor(h / 10), 48 + (h % 10), 58, 48 + Math.floor(m / 10), 48 + (m % 10), 58, 48 + Math.floor(s / 10), 48 + (s % 10), 46,
    48 + Math.floor(ms / 100), 48 + (ms10 % 10), 48 + (ms % 10), 90,
  );
}

/**
 * Writes the characters of `toIso(tsMs)` into `out` from `at` as ASCII bytes and returns where they end,
 * without making the string (the `--json` writer's 200k equity times). `out` needs 27 bytes of room (a
 * Date-path year has six digits and a sign); fractional ms and years outside 0000..9999 go through toIso.
 */
export function writeIso(tsMs: number, out: Uint8Array, at: number): number {
  if (!(tsMs >= FAST_MIN_MS && tsMs <= FAST_MAX_MS) || Math.floor(tsMs) !== tsMs) {
    const s = toIso(tsMs);
    for (let k = 0; k < s.length; k++) out[at + k] = s.charCodeAt(k);
    return at + s.length;
  }
  const day = Math.floor(tsMs / MS_PER_DAY);
  let ms = tsMs - day * MS_PER_DAY;
  if (day !== lastDay) setDay(day);
  const h = Math.floor(ms / MS_PER_HOUR);
  ms -= h * MS_PER_HOUR;
  const m = Math.floor(ms / MS_PER_MINUTE);
  ms -= m * MS_PER_MINUTE;
  const s = Math.floor(ms / MS_PER_SECOND);
  ms -= s * MS_PER_SECOND;
  const ms10 = Math.floor(ms / 10);
  out[at] = y0;
  out[at + 1] = y1;
  out[at + 2] = y2;
  out[at + 3] = y3;
  out[at + 4] = 45;
  out[at + 5] = mo0;
  out[at + 6] = mo1;
  out[at + 7] = 45;
  out[at + 8] = d0;
  out[at + 9] = d1;
  out[at + 10] = 84;
  out[at + 11] = 48 + Math.floor(h / 10);
  out[at + 12] = 48 + (h % 10);
  out[at + 13] = 58;
  out[at + 14] = 48 + Math.floor(m / 10);
  out[at + 15] = 48 + (m % 10);
  out[at + 16] = 58;
  out[at + 17] = 48 + Math.floor(s / 10);
  out[at + 18] = 48 + (s % 10);
  out[at + 19] = 46;
  out[at + 20] = 48 + Math.floor(ms / 100);
  out[at + 21] = 48 + (ms10 % 10);
  out[at + 22] = 48 + (ms % 10);
  out[at + 23] = 90;
  return at + 24;
}

/** Caches the digits of a day given as whole days since 1970-01-01 (H. Hinnant's civil_from_days), years 0..9999. */
function setDay(days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  y0 = 48 + Math.floor(year / 1000);
  y1 = 48 + (Math.floor(year / 100) % 10);
  y2 = 48 + (Math.floor(year / 10) % 10);
  y3 = 48 + (year % 10);
  mo0 = 48 + Math.floor(month / 10);
  mo1 = 48 + (month % 10);
  d0 = 48 + Math.floor(d / 10);
  d1 = 48 + (d % 10);
  lastDay = days;
}

/** YYYY-MM-DD of a UTC timestamp. */
export function toIsoDate(tsMs: number): string {
  return toIso(tsMs).slice(0, 10);
}

/** Whole UTC days since the epoch: a cheap "same trading day" key. */
export function utcDay(tsMs: number): number {
  return Math.floor(tsMs / MS_PER_DAY);
}
