import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { LiquiditySweep, type LiquiditySweepParams } from './liquidity-sweep.ts';

const params = (p: Record<string, unknown>): LiquiditySweepParams =>
  parseStrategyConfig('liquidity-sweep', builtinStrategy('liquidity-sweep')!, p) as LiquiditySweepParams;

function run(rows: readonly Ohlc[], p: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const data: BarSeries = series(rows);
  const strategy = new LiquiditySweep(params(p));
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  const bar = (ts: number) => Array.from(data.time).indexOf(ts);
  return {
    fills: out.kernel.fills.map((f) => [f.side, bar(f.tsMs), f.price]),
    sweeps: strategy.sweeps.map((s) => [s.side, bar(s.tsMs), s.level, s.extreme]),
    orders: out.kernel.orders.map((o) => [o.side, o.type, o.status, o.limitPrice ?? o.stopPrice ?? null]),
  };
}

// Bar 2's low (100) is below the lows of the two bars on each side: a swing low, known at bar 4.
const lead: Ohlc[] = [
  [105, 106, 104, 105],
  [104, 105, 103, 104],
  [102, 103, 100, 101],
  [102, 104, 101, 103],
  [103, 105, 102, 104],
  [104, 105, 103, 104],
];

describe('liquidity-sweep', () => {
  it('buys when a bar runs below the swing low and closes back above it, with a bracket: stop at the sweep low, target reward x risk', () => {
    const r = run(
      [
        ...lead,
        [103, 104, 99, 101], // 6: low 99 < 100, close 101 > 100: sweep and reclaim. Stop 99, target 101 + 2 x 2 = 105.
        [101, 103, 100.5, 102], // 7: entry at the open
        [102, 105.5, 101.5, 105], // 8: the take-profit limit at 105 trades through
        [105, 106, 104, 105],
      ],
      { k: 2 },
    );
    expect(r.sweeps).toEqual([['buy', 6, 100, 99]]);
    expect(r.orders).toEqual([
      ['buy', 'market', 'filled', null],
      ['sell', 'limit', 'filled', 105],
      ['sell', 'stop', 'canceled', 99],
    ]);
    expect(r.fills).toEqual([
      ['buy', 7, 101],
      ['sell', 8, 105],
    ]);
  });

  it('takes a close below the level followed by a reclaim on the next bar, stopping beyond the lower of the two lows', () => {
    const r = run(
      [
        ...lead,
        [103, 104, 99, 99.5], // 6: closes below 100: waits one bar
        [99.5, 101.5, 99.2, 101], // 7: closes back above: sweep over two bars, extreme 99
        [101, 101.5, 100.5, 101], // 8: entry at the open
        [101, 101, 98.5, 99], // 9: the stop at 99 triggers
        [99, 99.5, 98, 99],
      ],
      { k: 2 },
    );
    expect(r.sweeps).toEqual([['buy', 7, 100, 99]]);
    expect(r.fills).toEqual([
      ['buy', 8, 101],
      ['sell', 9, 99],
    ]);
  });

  it('treats a second close below the level as a break, not a sweep, and trades nothing', () => {
    const r = run(
      [
        ...lead,
        [103, 104, 99, 99.5], // 6: below
        [99.5, 100, 99.2, 99.8], // 7: still below: the level is broken
        [99.8, 101, 99.5, 100.5], // 8: back above a broken level: nothing
        [100.5, 101, 99, 100.8],
      ],
      { k: 2 },
    );
    expect(r.sweeps).toEqual([]);
    expect(r.fills).toEqual([]);
  });

  it('knows a swing low only once the k bars after it have closed', () => {
    // Bar 3's low (100) is below bars 0-2 and 4-5. With k = 2 it is a swing from bar 5 on, and bar 6
    // sweeps it. With k = 3 bar 6 is one of the bars after it, and its dip to 99 means bar 3 was no swing.
    const rows: Ohlc[] = [[106, 107, 105, 106], ...lead.slice(0, 5), [103, 104, 99, 101], [101, 103, 100.5, 102], [102, 103, 101, 102]];
    const k2 = run(rows, { k: 2, maxBars: 0 });
    expect(k2.sweeps).toEqual([['buy', 6, 100, 99]]);
    expect(k2.fills).toEqual([['buy', 7, 101]]);
    const k3 = run(rows, { k: 3, maxBars: 0 });
    expect(k3.sweeps).toEqual([]);
    expect(k3.fills).toEqual([]);
  });

  it('closes the trade maxBars bars after the entry signal and cancels its bracket', () => {
    const r = run(
      [
        ...lead,
        [103, 104, 99, 101], // 6: signal
        [101, 102, 100.5, 101.5], // 7: entry
        [101.5, 102, 100.5, 101], // 8: signal + 2: time exit
        [101, 102, 100.5, 101.5], // 9: sold at the open
        [101.5, 102, 100.5, 101.5],
      ],
      { k: 2, maxBars: 2 },
    );
    expect(r.fills).toEqual([
      ['buy', 7, 101],
      ['sell', 9, 101],
    ]);
    expect(r.orders.map((o) => o[2])).toEqual(['filled', 'canceled', 'canceled', 'filled']);
  });

  it('with allowShort in a margin account, sells the reclaim of a swept swing high', () => {
    // The mirror image of the first case around 200: swing high 100 at bar 2, swept to 101 on bar 6.
    const mirror = (rows: readonly Ohlc[]): Ohlc[] => rows.map(([o, h, l, c]) => [200 - o, 200 - l, 200 - h, 200 - c]);
    const rows = mirror([...lead, [103, 104, 99, 101], [101, 103, 100.5, 102], [102, 105.5, 101.5, 105], [105, 106, 104, 105]]);
    const r = run(rows, { k: 2, allowShort: true }, 'margin');
    expect(r.sweeps).toEqual([['sell', 6, 100, 101]]);
    expect(r.fills).toEqual([
      ['sell', 7, 99],
      ['buy', 8, 95],
    ]);
    expect(run(rows, { k: 2 }, 'margin').fills).toEqual([]);
  });

  it('validates its params', () => {
    expect(params({})).toEqual({ k: 3, reward: 2, stopBuffer: 0, maxBars: 20, allowShort: false });
    expect(() => params({ k: 0 })).toThrow(/k/);
    expect(() => params({ reward: 0 })).toThrow(/reward/);
  });
});
