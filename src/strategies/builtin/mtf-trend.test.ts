import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../core/time.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { BarSeries } from '../../model/bar.ts';
import { T0 } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { MtfTrend, MtfTrendModel } from './mtf-trend.ts';

// Five weeks of weekday bars from Monday T0; bar i = week floor(i/5), day i%5. Weeks 0-2 fall one a
// day (110 ... 96); on Monday of week 3 the price jumps to 120 and then rises one a day (... 129).
// Weekly closes: 106, 101, 96, 124, 129.
const N = 25;
const time = (i: number) => T0 + (7 * Math.floor(i / 5) + (i % 5)) * MS_PER_DAY;
const close = (i: number) => (i < 15 ? 110 - i : 120 + (i - 15));
const data = BarSeries.fromBars('X', Array.from({ length: N }, (_, i) => ({ tsEventMs: time(i), open: close(i), high: close(i), low: close(i), close: close(i), volume: 1e6 })), MS_PER_DAY);

const P = { timeframe: 'W', trendPeriod: 2, fast: 2, slow: 3 };

function run(params: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const strategy = new MtfTrend(parseStrategyConfig('mtf-trend', builtinStrategy('mtf-trend')!, params) as MtfTrend['config']);
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel.fills.map((f) => [f.side, Array.from(data.time).indexOf(f.tsMs), f.price]);
}

describe('mtf-trend', () => {
  it('uses on a Wednesday the week that ended before it, never the week in progress', () => {
    const m = new MtfTrendModel(MtfTrend.schema.parse(P));
    for (let i = 0; i < N; i++) {
      m.update(data.at(i));
      const week = Math.floor(i / 5);
      if (i % 5 !== 2) continue; // Wednesdays
      if (week === 0) {
        expect(m.completed).toBeNull();
        continue;
      }
      // The previous week's bar: labelled with its Monday, closing at its Friday close.
      const days = [0, 1, 2, 3, 4].map((d) => close(5 * (week - 1) + d));
      expect(m.completed).toEqual({ symbol: 'X', tsEventMs: T0 + 7 * (week - 1) * MS_PER_DAY, open: days[0], high: Math.max(...days), low: Math.min(...days), close: days[4], volume: 5e6 });
    }
  });

  it('in the jump week the trend is still down (the completed weeks say so): no long until the jump week is over', () => {
    const m = new MtfTrendModel(MtfTrend.schema.parse(P));
    const trends = Array.from({ length: N }, (_, i) => (m.update(data.at(i)), m.trend));
    expect(trends.slice(0, 10)).toEqual(Array(10).fill(null)); // SMA(2) of weekly closes needs two weeks
    expect(trends.slice(10, 20)).toEqual(Array(10).fill(-1)); // includes the whole jump week (15-19)
    expect(trends.slice(20)).toEqual(Array(5).fill(1)); // from the Monday after the jump week
  });

  it('goes long on the Monday after the first up week (fill Tuesday), long only by default', () => {
    expect(run(P)).toEqual([['buy', 21, 126]]);
  });

  it('with allowShort also shorts the downtrend and covers when the daily trend turns against it', () => {
    // Monday of week 2 (bar 10): weekly trend down, SMA(2) < SMA(3) daily: short, filled on bar 11.
    // Monday of week 3 (bar 15): the daily SMAs turn up against the weekly trend: flat, filled bar 16.
    expect(run({ ...P, allowShort: true }, 'margin')).toEqual([
      ['sell', 11, 99],
      ['buy', 16, 121],
      ['buy', 21, 126],
    ]);
  });

  it('accepts calendar months and fixed timeframes and refuses nonsense', () => {
    expect(parseStrategyConfig('mtf-trend', builtinStrategy('mtf-trend')!, { timeframe: 'M' })).toMatchObject({ timeframe: 'M' });
    expect(new MtfTrendModel(MtfTrend.schema.parse({ timeframe: '4h' })).timeframe).toBe(4 * 3_600_000);
    expect(() => parseStrategyConfig('mtf-trend', builtinStrategy('mtf-trend')!, { timeframe: 'fortnight' })).toThrow(/timeframe/);
  });
});
