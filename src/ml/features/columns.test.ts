// Feature values worked by hand on tiny series (the arithmetic is written out next to each value).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError } from '../../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/time.ts';
import { runIndicator } from '../../indicators/run.ts';
import { series, T0 } from '../../../test/helpers/bars.ts';
import { buildFeatures, featureNames } from './build.ts';
import { monthOfDay } from './columns.ts';
import { parseFeatureSpec } from './spec.ts';
import { FeatureContext } from './context.ts';
import { column } from './testing.ts';
import { classifyRegimes, REGIME_NAMES } from '../regime/index.ts';

const { log, sqrt } = Math;

// [open, high, low, close, volume], daily bars from Monday 2024-01-01.
const A = series([
  [100, 101, 99, 100, 100],
  [100, 111, 100, 110, 200],
  [110, 112, 98, 99, 300],
  [99, 122, 99, 121, 400],
]);

function expectColumn(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `row ${i}`).toBeNaN();
    else expect(actual[i], `row ${i}`).toBeCloseTo(e, 12);
  });
}

describe('price features on a 4-bar series', () => {
  const m = buildFeatures(A, { returns: [1, 2], momentum: [2], volatility: { window: 2, parkinson: false }, volume: { window: [2, 3] } });

  it('names its columns in spec order', () => {
    expect(m.names).toEqual([
      'ret_1', 'ret_2', 'mom_2', 'rvol_2', 'atr_2', 'log_turnover', 'amihud_2', 'volume_z_2', 'amihud_3', 'volume_z_3',
    ]);
    expect(m.rows).toBe(4);
    expect([...m.time]).toEqual([...A.time]);
  });

  it.each<[string, number[]]>([
    ['ret_1', [NaN, log(110 / 100), log(99 / 110), log(121 / 99)]],
    ['ret_2', [NaN, NaN, log(99 / 100), log(121 / 110)]],
    // ln(close / mean of the last 2 closes)
    ['mom_2', [NaN, log(110 / 105), log(99 / 104.5), log(121 / 110)]],
    // sample std of two returns a, b is |a - b| / sqrt(2); returns start at bar 1, so the first is at row 2
    ['rvol_2', [NaN, NaN, log(1.1 / 0.9) / sqrt(2), log(121 / 99 / 0.9) / sqrt(2)]],
    // Wilder ATR(2): TR1 = 111-100 = 11, TR2 = max(112-98, |112-110|, |98-110|) = 14 -> 12.5;
    // TR3 = max(122-99, |122-99|, |99-99|) = 23 -> 12.5/2 + 23/2 = 17.75; divided by the close
    ['atr_2', [NaN, NaN, 12.5 / 99, 17.75 / 121]],
    ['log_turnover', [log(100 * 100), log(110 * 200), log(99 * 300), log(121 * 400)]],
    // mean of |r| / (close * volume) over the last 2 returns
    ['amihud_2', [NaN, NaN, (log(1.1) / 22_000 + -log(0.9) / 29_700) / 2, (-log(0.9) / 29_700 + log(121 / 99) / 48_400) / 2]],
    // volumes 100,200 -> mean 150, sd 70.71 -> z = 50 / 70.71 = 0.7071
    ['volume_z_2', [NaN, sqrt(0.5), sqrt(0.5), sqrt(0.5)]],
    // volumes 100,200,300: mean 200, sample sd 100 -> z = 1
    ['volume_z_3', [NaN, NaN, 1, 1]],
  ])('%s', (name, expected) => {
    expectColumn(column(m, name), expected);
  });
});

describe('Parkinson volatility', () => {
  it('is sqrt(mean(ln(H/L)^2) / (4 ln 2)) over 3 bars: (11,10), (12,10), (10.5,10) -> 0.0733125', () => {
    // ln(1.1)^2 = 0.0090840, ln(1.2)^2 = 0.0332412, ln(1.05)^2 = 0.0023805; mean 0.0149019;
    // / 2.7725887 = 0.0053747; sqrt = 0.0733125
    const s = series([
      [10.5, 11, 10, 10.5],
      [11, 12, 10, 11],
      [10.2, 10.5, 10, 10.1],
    ]);
    const p = column(buildFeatures(s, { volatility: { window: 3, realized: false, atr: false } }), 'parkinson_3');
    expect(p[0]).toBeNaN();
    expect(p[1]).toBeNaN();
    expect(p[2]).toBeCloseTo(0.0733125, 7);
  });
});

describe('regime features', () => {
  it('one-hot columns of the rule-based regime, bar by bar as classifyRegimes labels them, NaN while it warms up', () => {
    const closes = Array.from({ length: 400 }, (_, i) => 100 * Math.exp(0.002 * i + 0.03 * Math.sin(i / 7)));
    const s = series(closes.map((c) => [c, c * 1.01, c * 0.99, c]));
    const m = buildFeatures(s, { regimes: true });
    expect(m.names).toEqual(REGIME_NAMES.map((n) => `regime:${n}`));
    const { labels } = classifyRegimes(s);
    let warm = 0;
    for (let i = 0; i < m.rows; i++) {
      const row = Array.from(m.values.subarray(i * m.cols, (i + 1) * m.cols));
      if (labels[i]! < 0) {
        expect(row.every(Number.isNaN)).toBe(true);
        warm++;
      } else expect(row).toEqual(REGIME_NAMES.map((_n, c) => (c === labels[i] ? 1 : 0)));
    }
    expect(warm).toBeGreaterThan(0);
    expect(warm).toBeLessThan(m.rows);
    expect(() => buildFeatures(s, { regimes: { trendWindow: 0 } })).toThrow(/features\.regimes/);
  });
});

describe('calendar features', () => {
  const wed = Date.UTC(2024, 2, 6, 18); // Wednesday 6 March 2024, 18:00 UTC
  const s = series([[1, 1, 1, 1], [1, 1, 1, 1]], { times: [T0, wed] });
  const m = buildFeatures(s, { calendar: true });
  it.each<[string, number, number]>([
    // Monday = 0 of 7, January = 0 of 12, 00:00 = 0 of 24
    ['dow_sin', 0, Math.sin((2 * Math.PI * 2) / 7)],
    ['dow_cos', 1, Math.cos((2 * Math.PI * 2) / 7)],
    // March = 2 of 12: angle pi/3
    ['month_sin', 0, sqrt(3) / 2],
    ['month_cos', 1, 0.5],
    // 18:00 = 3/4 of the day: angle 3 pi / 2
    ['hour_sin', 0, -1],
    ['hour_cos', 1, 0],
  ])('%s', (name, monday, wednesday) => {
    const c = column(m, name);
    expect(c[0]).toBeCloseTo(monday, 12);
    expect(c[1]).toBeCloseTo(wednesday, 12);
  });

  it('takes the month of a day number as Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (day) => monthOfDay(day) === new Date(day * MS_PER_DAY).getUTCMonth()),
      { numRuns: 500 },
    );
  });
});

describe('cross-asset features', () => {
  const b = [10, 11, 9, 12, 12.5];
  const bench = series(b.map((c) => [c, c, c, c] as const), { symbol: 'B' });
  // The asset's price is the benchmark's squared: its log returns are twice the benchmark's.
  const asset = series(b.map((c) => [c * c, c * c, c * c, c * c] as const));
  const m = buildFeatures(asset, { benchmark: { window: 3, horizons: [2] } }, { benchmark: bench });

  it('gives correlation 1, beta 2 and relative strength ret_h(asset) - ret_h(benchmark)', () => {
    expectColumn(column(m, 'bm_corr_3'), [NaN, NaN, NaN, 1, 1]);
    expectColumn(column(m, 'bm_beta_3'), [NaN, NaN, NaN, 2, 2]);
    expectColumn(column(m, 'bm_rs_2'), [NaN, NaN, log(9 / 10), log(12 / 11), log(12.5 / 9)]);
  });

  it('aligns each row with the last benchmark bar closed by then (gaps and a late start)', () => {
    const days = (ix: number[]) => ix.map((d) => T0 + d * MS_PER_DAY);
    const bm = series([[1, 1, 1, 11], [1, 1, 1, 12], [1, 1, 1, 14]], { times: days([1, 2, 4]) });
    const ctx = FeatureContext.over(asset, bm);
    expectColumn([...ctx.bClose], [NaN, 11, 12, 12, 14]);
    expectColumn([...ctx.bRet], [NaN, NaN, log(12 / 11), 0, log(14 / 12)]);
    expect(ctx.benchFirst).toBe(1);
  });

  it('shows a daily benchmark bar to hourly rows only from the hour that closes with it', () => {
    const hours = Array.from({ length: 30 }, (_, i) => T0 + 20 * MS_PER_HOUR + i * MS_PER_HOUR);
    const hourly = series(hours.map(() => [1, 1, 1, 1] as const), { times: hours, stepMs: MS_PER_HOUR });
    const daily = series([[1, 1, 1, 100], [1, 1, 1, 200]]); // days 0 and 1, each closing at the next midnight
    const ctx = FeatureContext.over(hourly, daily);
    // Row k is the hour starting at 20:00 + k h on day 0: the 23:00 bar (k = 3) closes at midnight with day 0.
    expect([...ctx.bClose].map((x) => (Number.isNaN(x) ? 0 : x))).toEqual([0, 0, 0, ...Array<number>(24).fill(100), 200, 200, 200]);
  });

  it('feeds pair indicators the aligned benchmark from its first bar on', () => {
    const late = series([[1, 1, 1, 9], [1, 1, 1, 12], [1, 1, 1, 12.5]], { times: [2, 3, 4].map((d) => T0 + d * MS_PER_DAY) });
    const wide = series([100, 121, 81, 144, 156.25, 150, 170].map((c) => [c, c, c, c] as const));
    const w = buildFeatures(wide, { indicators: [{ name: 'correlation', params: { period: 2 } }] }, { benchmark: late });
    expect(w.names).toEqual(['correlation(period=2,x=close,y=close)']);
    // Rows 2.. pair the asset with the benchmark (9, 12, 12.5, then 12.5 held): two points correlate +1,
    // and a window where the benchmark did not move gives 0 (the indicator's value for a zero variance).
    expectColumn(column(w, 'correlation(period=2,x=close,y=close)'), [NaN, NaN, NaN, 1, 1, 0, 0]);
  });
});

describe('registered indicators', () => {
  it('gives the registry values under a stable name, scaled as asked', () => {
    const m = buildFeatures(A, {
      indicators: [
        { name: 'rsi', params: { period: 2 } },
        { name: 'SMA', params: { period: 2 }, scale: 'excess' },
        { name: 'bollinger', params: { period: 2 }, scale: 'ratio', as: 'bb' },
      ],
    });
    expect(m.names).toEqual(['rsi(period=2,source=close)', 'sma(period=2,source=close)/close-1', 'bb/close.upper', 'bb/close.middle', 'bb/close.lower']);
    const rsi = runIndicator('rsi', { period: 2 }, A).values as (number | null)[];
    expect(column(m, 'rsi(period=2,source=close)').map((x) => (Number.isNaN(x) ? null : x))).toEqual(rsi);
    expectColumn(column(m, 'sma(period=2,source=close)/close-1'), [NaN, 105 / 110 - 1, 104.5 / 99 - 1, 110 / 121 - 1]);
    expectColumn(column(m, 'bb/close.middle'), [NaN, 105 / 110, 104.5 / 99, 110 / 121]);
  });
});

describe('the spec', () => {
  it('is JSON: a spec read back from JSON, or already parsed, gives the same columns', () => {
    const spec = { returns: [1, 5], volatility: { window: 20 }, indicators: [{ name: 'rsi', params: { period: 14 } }], calendar: true, timeframes: ['W'] };
    const names = featureNames(spec);
    expect(featureNames(JSON.parse(JSON.stringify(spec)) as typeof spec)).toEqual(names);
    expect(featureNames(parseFeatureSpec(spec))).toEqual(names);
    expect(names).toContain('W:rsi(period=14,source=close)');
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown indicator', { indicators: [{ name: 'nope' }] }, /unknown indicator "nope"/],
    ['a bad indicator param', { indicators: [{ name: 'rsi', params: { period: 0 } }] }, /rsi/],
    ['an unknown field', { retunrs: [1] }, /features/],
    ['a zero horizon', { returns: [0] }, /features\.returns\.0/],
    ['a feature twice', { returns: [1, 1] }, /"ret_1" appears twice/],
    ['benchmark features without a benchmark', { benchmark: { window: 5 } }, /no benchmark series/],
    ['a bad timeframe', { returns: [1], timeframes: ['fortnight'] }, /timeframe/],
  ])('rejects %s with a ConfigError', (_what, spec, message) => {
    expect(() => featureNames(spec as never)).toThrow(ConfigError);
    expect(() => featureNames(spec as never)).toThrow(message);
  });
});
