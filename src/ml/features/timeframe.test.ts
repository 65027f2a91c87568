// Higher-timeframe features: each row carries the last *completed* higher-timeframe bar's features.
import { describe, expect, it } from 'vitest';
import { resampleSeries } from '../../data/resample.ts';
import { generateMarket } from '../../data/synthetic.ts';
import { BarSeries } from '../../model/bar.ts';
import { randomWalk, series } from '../../../test/helpers/bars.ts';
import { buildFeatures } from './build.ts';
import { bitDiff, column, row } from './testing.ts';

const { log } = Math;

// 14 daily bars, Monday 1 to Sunday 14 January 2024: close 10 + i, volume 1 + i.
const rows = Array.from({ length: 14 }, (_, i) => [10 + i, 10 + i, 10 + i, 10 + i, 1 + i] as const);
const weekSpec = { timeframes: [{ timeframe: 'W', features: { returns: [1], volume: { window: 2, amihud: false, zscore: false } } }] };

describe('weekly features of daily bars', () => {
  it('change on the bar that completes the week (Sunday closes at the period end), never before', () => {
    const m = buildFeatures(series(rows), weekSpec);
    expect(m.names).toEqual(['W:ret_1', 'W:log_turnover']);
    // Week 1 = rows 0..6 (close 16, volume 1+..+7 = 28), week 2 = rows 7..13 (close 23, volume 8+..+14 = 77).
    const week1 = log(16 * 28);
    expect(column(m, 'W:log_turnover')).toEqual([...Array<number>(6).fill(NaN), ...Array<number>(7).fill(week1), log(23 * 77)]);
    expect(column(m, 'W:ret_1')).toEqual([...Array<number>(13).fill(NaN), log(23 / 16)]);
  });

  it('wait for the next week\'s first bar when the bar length is unknown', () => {
    const s = series(rows);
    const unknown = new BarSeries(s.symbol, s.length, 0, s);
    const m = buildFeatures(unknown, weekSpec);
    expect(column(m, 'W:log_turnover')).toEqual([...Array<number>(7).fill(NaN), ...Array<number>(7).fill(log(16 * 28))]);
  });
});

/** The higher-timeframe part of row i must equal the last row of the features of the periods completed in bars 0..i. */
function checkAgainstResampledPrefixes(s: BarSeries, tf: 'W' | 'M', base: { returns: number[]; volatility: { window: number }; indicators: { name: string; params: { period: number } }[] }): void {
  const m = buildFeatures(s, { ...base, timeframes: [tf] });
  const own = buildFeatures(s, base).cols;
  for (let i = 0; i < s.length; i++) {
    const done = resampleSeries(s.slice(0, i + 1), tf, { includePartial: false });
    const expected = done.length === 0 ? new Float64Array(m.cols - own).fill(NaN) : row(buildFeatures(done, base), done.length - 1);
    expect(bitDiff(row(m, i).subarray(own), expected), `row ${i}`).toEqual([]);
  }
}

describe('higher timeframes against resampled prefixes', () => {
  const base = { returns: [1, 2], volatility: { window: 3 }, indicators: [{ name: 'rsi', params: { period: 3 } }] };

  it('weekly over calendar days (every week closes on its Sunday)', () => {
    checkAgainstResampledPrefixes(randomWalk(60, 11), 'W', base);
  });

  it('weekly and monthly over weekday bars (a week closes on the next Monday)', () => {
    const s = generateMarket({ seed: 5, symbols: 1, bars: 90 }).series[0]!;
    checkAgainstResampledPrefixes(s, 'W', base);
    checkAgainstResampledPrefixes(s, 'M', base);
  });
});
