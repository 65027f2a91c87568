import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { RSI } from '../../indicators/rsi.ts';
import { SMA } from '../../indicators/sma.ts';
import { series } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { RsiEnhanced } from './rsi-enhanced.ts';

const P = { period: 3, lower: 30, upper: 70, volumePeriod: 5, volumeFactor: 2, trendPeriod: 16, maxBars: 4 };

// An uptrend (+2 a bar), a two-bar dip (RSI(3) down to 21.6 at bar 14) and a rebound at bar 15 that
// takes RSI back through 30, closing at 122 above SMA(16) = 112.9.
const UP = [100, 102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 117, 112, 122];
const CHOP = [121, 122, 121, 122, 121, 122, 121];
const RALLY = [126, 130, 127, 126, 127, 126];

function run(closes: readonly number[], signalVolume: number, params: Record<string, unknown> = P) {
  const data = series(closes.map((c, i) => [c, c, c, c, i === 15 ? signalVolume : 1e6] as const));
  const strategy = new RsiEnhanced(parseStrategyConfig('rsi-enhanced', builtinStrategy('rsi-enhanced')!, params) as RsiEnhanced['config']);
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }] }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel.fills.map((f) => [f.side, Array.from(data.time).indexOf(f.tsMs), f.price]);
}

describe('rsi-enhanced', () => {
  it('the data does what the comments say', () => {
    const rsi = new RSI(3);
    const sma = new SMA(16);
    const r = [...UP, ...CHOP].map((c) => rsi.update(c));
    const s = [...UP, ...CHOP].map((c) => sma.update(c));
    expect(r[14]!).toBeLessThan(30);
    expect(r[15]!).toBeGreaterThan(30);
    expect(r.slice(16).every((x) => x! < 70)).toBe(true); // no RSI exit in the chop
    expect(s[15]!).toBeLessThan(122);
  });

  it('enters on the RSI cross with volume and trend confirmation and leaves maxBars bars after the signal', () => {
    // Signal bar 15, fill at 16's open; bars 16-19 counted, exit signal on bar 19, fill at 20's open.
    expect(run([...UP, ...CHOP], 3e6)).toEqual([
      ['buy', 16, 121],
      ['sell', 20, 121],
    ]);
  });

  it('exits earlier when RSI crosses down through upper', () => {
    // The rally lifts RSI above 70 (bars 16-17); it falls back through 70 on bar 18.
    expect(run([...UP, ...RALLY], 3e6)).toEqual([
      ['buy', 16, 126],
      ['sell', 19, 126],
    ]);
  });

  it('without the time exit, holds until the RSI exit', () => {
    const fills = run([...UP, ...CHOP, 140, 150, 130, 120], 3e6, { ...P, maxBars: 0 }); // RSI falls through 70 on bar 25
    expect(fills).toEqual([
      ['buy', 16, 121],
      ['sell', 26, 120],
    ]);
  });

  it('does not enter when the signal bar volume is not above volumeFactor x the average of the bars before it', () => {
    expect(run([...UP, ...CHOP], 2e6)).toEqual([]);
    expect(run([...UP, ...CHOP], 2.01e6)).toHaveLength(2);
  });

  it('does not enter when the close is below its trend SMA', () => {
    // Same dip and rebound, but the first ten bars were at 140: SMA(16) at bar 15 is 132.3 > 122.
    const high = [...Array.from({ length: 10 }, () => 140), 120, 122, 124, 117, 112, 122, ...CHOP];
    expect(run(high, 3e6)).toEqual([]);
    expect(run(high, 3e6, { ...P, trendPeriod: 3 })).toHaveLength(2);
  });
});
