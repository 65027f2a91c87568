import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { DonchianBreakout, DonchianModel } from './donchian-breakout.ts';

/** A bar closing (and opening) at c with high c + 1 and low c - 1. */
const b = (c: number): Ohlc => [c, c + 1, c - 1, c];

function run(data: BarSeries, params: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const strategy = new DonchianBreakout(parseStrategyConfig('donchian-breakout', builtinStrategy('donchian-breakout')!, params) as DonchianBreakout['config']);
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  const bar = (ts: number) => Array.from(data.time).indexOf(ts);
  return {
    fills: out.kernel.fills.map((f) => [f.side, bar(f.tsMs), f.price]),
    rejections: out.kernel.rejections,
  };
}

// Bars 0-8 sit at 100 (high 101). Bar 9 closes at 101: equal to the 5-bar high, no breakout. Bar 10
// closes at 102 > 101: long. It rises to 106 by bar 14; bar 15 closes at 100, below the lowest low of
// bars 12-14 (103) and of bars 10-14 (101). Bars 16-19 fall; bar 20 closes above the high of 17-19.
const rows: Ohlc[] = [
  ...Array.from({ length: 9 }, () => b(100)),
  [101, 101, 99, 101],
  b(102), b(103), b(104), b(105), b(106),
  b(100), b(99), b(98), b(97), b(96),
  b(100), b(99), b(99),
];
const data = series(rows);

describe('donchian-breakout', () => {
  it('buys on the close above the prior entry-bar high and sells on the close below the prior exit-bar low', () => {
    expect(run(data, { entry: 5, exit: 3 }).fills).toEqual([
      ['buy', 11, 103],
      ['sell', 16, 99],
    ]);
  });

  it('with allowShort in a margin account, reverses: closes the long, then shorts on the next bar and covers above the exit high', () => {
    // Bar 15 is also below the 5-bar low (101): the long is closed (filled bar 16) and the short is
    // entered on bar 16's signal (filled bar 17). Bar 20 closes at 100 > the high of bars 17-19 (99): cover.
    const r = run(data, { entry: 5, exit: 3, allowShort: true }, 'margin');
    expect(r.fills).toEqual([
      ['buy', 11, 103],
      ['sell', 16, 99],
      ['sell', 17, 98],
      ['buy', 21, 99],
    ]);
  });

  it('in a cash account the short entry is denied once and not retried every bar', () => {
    const r = run(data, { entry: 5, exit: 3, allowShort: true }, 'cash');
    expect(r.fills).toEqual([
      ['buy', 11, 103],
      ['sell', 16, 99],
    ]);
    expect(r.rejections.map((x) => x.status)).toEqual(['denied']);
  });

  it('says nothing until both channels have the bars before the current one', () => {
    const m = new DonchianModel({ entry: 3, exit: 5, allowShort: false });
    const out = rows.slice(0, 7).map((r, i) => m.update({ symbol: 'X', tsEventMs: i, open: r[0], high: r[1], low: r[2], close: r[3], volume: 1 }));
    expect(out).toEqual([null, null, null, null, null, 0, 0]);
  });

  it('validates its params', () => {
    expect(() => parseStrategyConfig('donchian-breakout', builtinStrategy('donchian-breakout')!, { entry: 0 })).toThrow(/entry/);
    expect(parseStrategyConfig('donchian-breakout', builtinStrategy('donchian-breakout')!, {})).toEqual({ entry: 20, exit: 10, allowShort: false });
  });
});
