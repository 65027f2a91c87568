import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { ZScoreModel, ZScoreReversion } from './zscore-reversion.ts';

const b = (c: number): Ohlc => [c, c, c, c];

function run(data: BarSeries, params: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const strategy = new ZScoreReversion(parseStrategyConfig('zscore-reversion', builtinStrategy('zscore-reversion')!, params) as ZScoreReversion['config']);
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  const bar = (ts: number) => Array.from(data.time).indexOf(ts);
  return out.kernel.fills.map((f) => [f.side, bar(f.tsMs), f.price]);
}

/** z-scores the model sees, bar by bar (population std over `period` closes including the current). */
function zs(closes: number[], period: number): (number | null)[] {
  const m = new ZScoreModel({ period, entry: 2, exit: 0.5, allowShort: false });
  return closes.map((c, i) => (m.update({ symbol: 'X', tsEventMs: i, open: c, high: c, low: c, close: c, volume: 1 }), m.z));
}

// 20 bars alternating 100/101, a drop to 94 (bar 20), still low at 96 (bar 21), back to 100.5
// (bar 22), calm, a spike to 107 (bar 26), back to 100 (bar 27).
const closes = [
  ...Array.from({ length: 20 }, (_, i) => 100 + (i % 2)),
  94, 96, 100.5, 100, 101, 100, 107, 100, 101, 100,
];
const data = series(closes.map(b));

describe('zscore-reversion', () => {
  it('the data does what the comments say: z < -2 at bars 20-21, back above -0.5 at 22, > 2 at 26, < 0.5 at 27', () => {
    const z = zs(closes, 20);
    expect(z[19]).not.toBeNull();
    expect(z[20]!).toBeLessThan(-2);
    expect(z[21]!).toBeLessThan(-0.5);
    expect(z[22]!).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...z.slice(22, 26).map((x) => Math.abs(x!)))).toBeLessThan(2);
    expect(z[26]!).toBeGreaterThan(2);
    expect(z[27]!).toBeLessThan(0.5);
  });

  it('buys below -entry and sells once z is back above -exit; long only by default', () => {
    expect(run(data, { period: 20 })).toEqual([
      ['buy', 21, 96],
      ['sell', 23, 100],
    ]);
  });

  it('with allowShort in a margin account also shorts above entry and covers below exit', () => {
    expect(run(data, { period: 20, allowShort: true }, 'margin')).toEqual([
      ['buy', 21, 96],
      ['sell', 23, 100],
      ['sell', 27, 100],
      ['buy', 28, 101],
    ]);
  });

  it('an overshoot past the mean also exits: z jumps from below -2 to above +exit without passing |z| < exit', () => {
    const z = zs(closes, 20);
    expect(z[21]!).toBeLessThan(-2);
    expect(z[22]!).toBeGreaterThan(0.1);
    expect(run(data, { period: 20, exit: 0.1 })).toEqual([
      ['buy', 21, 96],
      ['sell', 23, 100],
    ]);
  });

  it('refuses an exit band at or beyond the entry band', () => {
    expect(() => parseStrategyConfig('zscore-reversion', builtinStrategy('zscore-reversion')!, { entry: 1, exit: 1 })).toThrow(/exit must be below entry/);
  });
});
