// Period returns from an equity curve, and the return measures built on them.
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { mean, sampleStd, type Series } from './stats.ts';

/** Length of a calendar year used to annualize over calendar time: 365.25 days in ms. */
export const MS_PER_YEAR = 365.25 * MS_PER_DAY;

/** Periods per year of daily bars on a trading calendar (the default everywhere). */
export const TRADING_DAYS_PER_YEAR = 252;

/**
 * Simple period returns r[i] = equity[i+1] / equity[i] − 1 (length n − 1). The return of bar i+1
 * is stored at index i. Throws InputError for a non-finite or non-positive equity value.
 */
export function returnsFromEquity(equity: Series): Float64Array {
  const n = equity.length;
  const out = new Float64Array(Math.max(0, n - 1));
  assertPositiveEquity(equity);
  for (let i = 1; i < n; i++) out[i - 1] = equity[i]! / equity[i - 1]! - 1;
  return out;
}

/** Throws InputError unless every equity value is finite and positive. */
export function assertPositiveEquity(equity: Series): void {
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (!(e > 0) || e === Infinity) {
      throw new InputError(`equity must be finite and positive at every bar (bar ${i} is ${e})`, { field: 'equity' });
    }
  }
}

/** An annual rate converted to one period by compounding: (1 + annual)^(1/periodsPerYear) − 1. */
export function periodRate(annualRate: number, periodsPerYear: number): number {
  return annualRate === 0 ? 0 : Math.pow(1 + annualRate, 1 / periodsPerYear) - 1;
}

/** Returns minus the per-period risk-free rate (from an annual rate). */
export function excessReturns(returns: Series, riskFreeRate = 0, periodsPerYear = TRADING_DAYS_PER_YEAR): Float64Array {
  const rf = periodRate(riskFreeRate, periodsPerYear);
  const out = new Float64Array(returns.length);
  for (let i = 0; i < returns.length; i++) out[i] = returns[i]! - rf;
  return out;
}

/** Compounded return of a return series: Π(1 + r) − 1 (0 for an empty series). */
export function compoundReturn(returns: Series): number {
  let g = 1;
  for (let i = 0; i < returns.length; i++) g *= 1 + returns[i]!;
  return g - 1;
}

/** Equity index starting at `start` (default 1) with one value more than `returns`. */
export function equityFromReturns(returns: Series, start = 1): Float64Array {
  const out = new Float64Array(returns.length + 1);
  out[0] = start;
  for (let i = 0; i < returns.length; i++) out[i + 1] = out[i]! * (1 + returns[i]!);
  return out;
}

/** Total return of an equity curve: last / first − 1 (0 for a single bar, null when empty). */
export function totalReturn(equity: Series): number | null {
  const n = equity.length;
  if (n === 0) return null;
  return equity[n - 1]! / equity[0]! - 1;
}

/** Calendar years between two timestamps (365.25-day years). */
export function yearsBetween(startMs: number, endMs: number): number {
  return (endMs - startMs) / MS_PER_YEAR;
}

/**
 * Compound annual growth rate over calendar time: (last/first)^(1/years) − 1 with
 * years = (t_last − t_first) / 365.25 days. Null when the span is not positive.
 */
export function cagr(timeMs: Series, equity: Series): number | null {
  const n = equity.length;
  if (n < 2 || timeMs.length !== n) return null;
  return cagrFrom(equity[0]!, equity[n - 1]!, yearsBetween(timeMs[0]!, timeMs[n - 1]!));
}

/** CAGR from the first and last equity and the span in years; −1 once the capital is gone. */
export function cagrFrom(first: number, last: number, years: number): number | null {
  if (!(years > 0) || !(first > 0)) return null;
  if (!(last > 0)) return -1;
  return Math.pow(last / first, 1 / years) - 1;
}

/**
 * Annualized return from the number of periods (empyrical's `annual_return`):
 * (Π(1 + r))^(periodsPerYear / n) − 1. Null for an empty series.
 */
export function annualizedReturn(returns: Series, periodsPerYear = TRADING_DAYS_PER_YEAR): number | null {
  const n = returns.length;
  if (n === 0) return null;
  const g = 1 + compoundReturn(returns);
  if (!(g > 0)) return -1;
  return Math.pow(g, periodsPerYear / n) - 1;
}

/** Annualized volatility: sample standard deviation (ddof = 1) × √periodsPerYear. */
export function annualVolatility(returns: Series, periodsPerYear = TRADING_DAYS_PER_YEAR): number | null {
  if (returns.length < 2) return null;
  return sampleStd(returns) * Math.sqrt(periodsPerYear);
}

/** Mean period return (null when empty). */
export function meanReturn(returns: Series): number | null {
  return returns.length === 0 ? null : mean(returns);
}
