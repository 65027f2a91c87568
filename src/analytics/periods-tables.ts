// Calendar tables: compounded monthly and yearly returns on the UTC calendar.
// The return of bar i (equity[i−1] → equity[i]) belongs to the month of timeMs[i]; a period's
// return compounds its bars' returns, i.e. equity at its last bar over equity at the last bar
// before it, minus 1. The first bar only provides the base, so a period holding nothing but the
// first bar does not appear.
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import type { Series } from './stats.ts';

export interface MonthlyReturn {
  year: number;
  /** 1 = January … 12 = December. */
  month: number;
  return: number;
}

export interface YearlyReturn {
  year: number;
  return: number;
}

/** UTC calendar year and month (1–12) of an epoch-ms timestamp, without allocating a Date. */
export function utcYearMonth(tsMs: number): { year: number; month: number } {
  const key = utcMonthKey(tsMs);
  return { year: Math.floor(key / 12), month: (key % 12) + 1 };
}

/** year × 12 + (month − 1) of a UTC timestamp (civil-from-days, H. Hinnant). */
function utcMonthKey(tsMs: number): number {
  const z = Math.floor(tsMs / MS_PER_DAY) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 12 + (m - 1);
}

/**
 * Walks the bars once; `keyOf` names a bar's period and `nextStart(key)` is the first ms of the
 * following period, so the calendar arithmetic runs once per period, not once per bar.
 */
function periodReturns(
  timeMs: Series,
  equity: Series,
  keyOf: (ms: number) => number,
  nextStart: (key: number) => number,
  push: (key: number, ret: number) => void,
): void {
  const n = equity.length;
  if (timeMs.length !== n) throw new InputError(`timeMs has ${timeMs.length} values, equity ${n}`, { field: 'timeMs' });
  if (n < 2) return;
  if (timeMs[1]! < timeMs[0]!) throw new InputError('timeMs must ascend (bar 1)', { field: 'timeMs' });
  let base = equity[0]!;
  let cur = keyOf(timeMs[1]!);
  let end = nextStart(cur);
  for (let i = 2; i < n; i++) {
    const t = timeMs[i]!;
    if (t < timeMs[i - 1]!) throw new InputError(`timeMs must ascend (bar ${i})`, { field: 'timeMs' });
    if (t >= end) {
      push(cur, equity[i - 1]! / base - 1);
      base = equity[i - 1]!;
      cur = keyOf(t);
      end = nextStart(cur);
    }
  }
  push(cur, equity[n - 1]! / base - 1);
}

const nextMonthStart = (key: number): number => Date.UTC(Math.floor(key / 12), (key % 12) + 1, 1);
const yearOf = (ms: number): number => Math.floor(utcMonthKey(ms) / 12);
const nextYearStart = (year: number): number => Date.UTC(year + 1, 0, 1);

/** Compounded return of every UTC calendar month that holds at least one bar return. */
export function monthlyReturns(timeMs: Series, equity: Series): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  periodReturns(timeMs, equity, utcMonthKey, nextMonthStart, (key, ret) => out.push({ year: Math.floor(key / 12), month: (key % 12) + 1, return: ret }));
  return out;
}

/** Compounded return of every UTC calendar year that holds at least one bar return. */
export function yearlyReturns(timeMs: Series, equity: Series): YearlyReturn[] {
  const out: YearlyReturn[] = [];
  periodReturns(timeMs, equity, yearOf, nextYearStart, (year, ret) => out.push({ year, return: ret }));
  return out;
}

export interface MonthlyGridRow {
  year: number;
  /** Index 0 = January; null for a month without bars. */
  months: (number | null)[];
  /** Compounded return of the year. */
  total: number;
}

/** Monthly returns pivoted to one row per year (the usual heat-map table), with yearly totals. */
export function monthlyReturnGrid(timeMs: Series, equity: Series): MonthlyGridRow[] {
  const rows: MonthlyGridRow[] = [];
  for (const y of yearlyReturns(timeMs, equity)) rows.push({ year: y.year, months: new Array<number | null>(12).fill(null), total: y.return });
  let r = 0;
  for (const m of monthlyReturns(timeMs, equity)) {
    while (rows[r]!.year !== m.year) r++;
    rows[r]!.months[m.month - 1] = m.return;
  }
  return rows;
}
