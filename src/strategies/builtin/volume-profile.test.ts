import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { VolumeProfileModel, VolumeProfileReversion, type VolumeProfileParams } from './volume-profile.ts';

const params = (p: Record<string, unknown>): VolumeProfileParams =>
  parseStrategyConfig('volume-profile', builtinStrategy('volume-profile')!, p) as VolumeProfileParams;

function run(data: BarSeries, p: Record<string, unknown>, accountType: 'cash' | 'margin' = 'cash') {
  const out = new BacktestNode({ series: [data], strategies: [{ strategy: new VolumeProfileReversion(params(p)) }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  const bar = (ts: number) => Array.from(data.time).indexOf(ts);
  return out.kernel.fills.map((f) => [f.side, bar(f.tsMs), f.price]);
}

// Five bars inside the bin [100, 101) (binSize 1): the profile of bars 0-4 has its POC at 100.5 and
// its value area is that bin alone (VAL 100, VAH 101).
const base: Ohlc[] = Array.from({ length: 5 }, () => [100.5, 100.8, 100.2, 100.5, 1000]);

describe('volume-profile', () => {
  it('buys a close below VAL and sells when a close reaches the POC', () => {
    const data = series([
      ...base,
      [100.2, 100.3, 99.2, 99.5, 1000], // 5: close 99.5 < VAL 100: long (filled at bar 6's open)
      [99.5, 99.9, 99.4, 99.8, 1000], // 6: below the POC (still 100.5): hold
      [99.8, 100.7, 99.7, 100.6, 1000], // 7: close 100.6 >= POC 100.5: exit (filled at bar 8's open)
      [100.6, 100.8, 100.4, 100.5, 1000],
      [100.5, 100.8, 100.4, 100.5, 1000],
    ]);
    expect(run(data, { period: 5, binSize: 1 })).toEqual([
      ['buy', 6, 99.5],
      ['sell', 8, 100.6],
    ]);
  });

  it('stops out a close more than `stop` value-area widths below VAL and does not buy again until a close is back inside', () => {
    // Entry at bar 5 with VAL 100 and a value area 1 wide: stop level 100 - 1 = 99.
    const data = series([
      ...base,
      [100.2, 100.3, 99.2, 99.5, 1000], // 5: long
      [99.5, 99.5, 98.4, 98.5, 1000], // 6: close 98.5 < 99: stop (filled bar 7)
      [98.5, 98.6, 97.9, 98, 1000], // 7-8: still below VAL: blocked
      [98, 98.6, 97.9, 98, 1000],
      [98, 98.6, 97.9, 98, 1000],
    ]);
    expect(run(data, { period: 5, binSize: 1, stop: 1 })).toEqual([
      ['buy', 6, 99.5],
      ['sell', 7, 98.5],
    ]);
    // Without the stop the long is held.
    expect(run(data, { period: 5, binSize: 1, stop: 0 })).toEqual([['buy', 6, 99.5]]);
  });

  it('with allowShort in a margin account, sells a close above VAH and covers at the POC', () => {
    const data = series([
      ...base,
      [100.8, 101.8, 100.7, 101.5, 1000], // 5: close 101.5 > VAH 101: short
      [101.5, 101.6, 101.1, 101.2, 1000], // 6: above the POC: hold
      [101.2, 101.3, 100.3, 100.4, 1000], // 7: close 100.4 <= POC 100.5: cover
      [100.4, 100.8, 100.3, 100.5, 1000],
    ]);
    expect(run(data, { period: 5, binSize: 1, allowShort: true }, 'margin')).toEqual([
      ['sell', 6, 101.5],
      ['buy', 8, 100.4],
    ]);
    expect(run(data, { period: 5, binSize: 1 }, 'margin')).toEqual([]);
  });

  it('builds the profile from the bars before the current one, with automatic bins over their range', () => {
    const m = new VolumeProfileModel(params({ period: 3, bins: 4 }));
    const bars: [number, number, number, number, number][] = [[100, 104, 100, 102, 100], [101, 102, 101, 101.5, 300], [102, 103, 102, 102.5, 100], [102, 102, 95, 96, 1e9]];
    const out = bars.map((r, i) => m.update({ symbol: 'X', tsEventMs: i, open: r[0], high: r[1], low: r[2], close: r[3], volume: r[4] }));
    expect(out).toEqual([null, null, null, 1]);
    // Range 100-104 in 4 bins of 1: [25, 325, 125, 25]; the huge last bar is not in it.
    const p = m.profile!;
    expect([p.origin, p.binSize]).toEqual([100, 1]);
    expect([...p.volumes]).toEqual([25, 325, 125, 25]);
    expect([p.poc, p.val, p.vah]).toEqual([101.5, 101, 103]);
  });

  it('validates its params and documents the defaults', () => {
    expect(params({})).toEqual({ period: 50, binSize: 0, bins: 24, valueArea: 0.7, stop: 1, allowShort: false });
    expect(() => params({ valueArea: 1.5 })).toThrow(/valueArea/);
    expect(() => params({ period: 1 })).toThrow(/period/);
  });
});
