import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { Bar, BarSeries } from '../../model/bar.ts';
import { randomWalk, series, type Ohlc } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import type { SignalModel } from '../signal.ts';
import type { Strategy } from '../strategy.ts';
import { Ensemble, EnsembleModel } from './ensemble.ts';
import { RsiModel } from './classic-models.ts';
import { RsiStrategy } from './rsi.ts';
import { ZScoreModel, ZScoreReversion } from './zscore-reversion.ts';

/** A member that returns a scripted output per bar. */
class Scripted implements SignalModel {
  #i = 0;
  constructor(readonly out: readonly (number | null)[]) {}
  update(): number | null {
    return this.out[this.#i++] ?? null;
  }
}

const BAR: Bar = { symbol: 'X', tsEventMs: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 };

function votes(m: EnsembleModel, n: number): [number | null, number | null][] {
  return Array.from({ length: n }, () => {
    const t = m.update(BAR);
    return [m.vote, t];
  });
}

function fills(strategy: Strategy, data: BarSeries, accountType: 'cash' | 'margin' = 'cash') {
  const out = new BacktestNode({ series: [data], strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel.fills.map((f) => [f.side, Array.from(data.time).indexOf(f.tsMs), f.price]);
}

const ensemble = (params: Record<string, unknown>) => new Ensemble(parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, params) as Ensemble['config']);

describe('EnsembleModel', () => {
  it('votes sum(weight x signal) / sum(weight), a member warming up counting as 0, null while none has spoken', () => {
    const m = new EnsembleModel(
      [
        { model: new Scripted([null, 1, 1, 0, 1, -1]), weight: 0.8 },
        { model: new Scripted([null, null, 1, 1, 0, -1]), weight: 0.2 },
      ],
      { threshold: 0.5 },
    );
    const out = votes(m, 6);
    expect(out.map((x) => x[0] === null ? null : Math.round(x[0] * 100) / 100)).toEqual([null, 0.8, 1, 0.2, 0.8, -1]);
    // Long above 0.5; out at 0.2; back in at 0.8; long only: -1 means flat.
    expect(out.map((x) => x[1])).toEqual([null, 1, 1, 0, 1, 0]);
  });

  it('80% RSI / 20% mean reversion: the heavy member alone opens a position, the light one alone cannot', () => {
    const m = new EnsembleModel(
      [
        { model: new Scripted([0, 1, 0, 0]), weight: 0.8 },
        { model: new Scripted([1, 0, 1, 0]), weight: 0.2 },
      ],
      { threshold: 0.5 },
    );
    expect(votes(m, 4).map((x) => x[1])).toEqual([0, 1, 0, 0]);
  });

  it('holds until the vote falls to exitThreshold (hysteresis) and shorts below -threshold when allowed', () => {
    const a = new Scripted([1, 0.5, 0.3, 0.1, -0.8, -0.3, -0.1]);
    const m = new EnsembleModel([{ model: a, weight: 1 }], { threshold: 0.6, exitThreshold: 0.2, allowShort: true });
    expect(votes(m, 7).map((x) => x[1])).toEqual([1, 1, 1, 0, -1, -1, 0]);
  });

  it('clamps member outputs to [-1, 1]', () => {
    const m = new EnsembleModel([{ model: new Scripted([5]), weight: 1 }, { model: new Scripted([0]), weight: 1 }], { threshold: 0.4 });
    expect(votes(m, 1)).toEqual([[0.5, 1]]);
  });
});

describe('ensemble strategy', () => {
  it('with the default 80/20 RSI / z-score weights trades exactly like the RSI strategy', () => {
    const data = randomWalk(1500, 5);
    const rsi = fills(new RsiStrategy(RsiStrategy.schema.parse({})), data);
    expect(rsi.length).toBeGreaterThanOrEqual(6);
    expect(fills(ensemble({}), data)).toEqual(rsi);
  });

  it.each([
    [0.5, 'both members long', (a: boolean, b: boolean) => a && b],
    [0.4, 'either member long', (a: boolean, b: boolean) => a || b],
  ] as const)('with equal weights and threshold %s it is long exactly while %s', (threshold, _what, rule) => {
    const data = randomWalk(1500, 5);
    const rsi = new RsiModel(RsiStrategy.schema.parse({}));
    const z = new ZScoreModel(ZScoreReversion.schema.parse({}));
    // Expected: a buy on the bar after the combined rule turns on, a sell on the bar after it turns off.
    const expected: [string, number][] = [];
    let on = false;
    for (let i = 0; i < data.length; i++) {
      const bar = data.at(i);
      const now = rule(rsi.update(bar) === 1, z.update(bar) === 1);
      if (now !== on && i + 1 < data.length) expected.push([now ? 'buy' : 'sell', i + 1]);
      on = now;
    }
    expect(expected.length).toBeGreaterThan(6);
    const got = fills(ensemble({ members: 'rsi:1,zscore-reversion:1', threshold }), data).map((f) => [f[0], f[1]]);
    expect(got).toEqual(expected);
  });

  it('trades a donchian member with its own params on hand-built data at the known bars', () => {
    const b = (c: number): Ohlc => [c, c + 1, c - 1, c];
    const data = series([...Array.from({ length: 10 }, () => b(100)), b(102), b(103), b(104), b(105), b(106), b(100), b(99), b(98)]);
    const members = JSON.stringify([{ model: 'donchian-breakout', weight: 2, params: { entry: 5, exit: 3 } }]);
    expect(fills(ensemble({ members }), data)).toEqual([
      ['buy', 11, 103],
      ['sell', 16, 99],
    ]);
  });

  it('rejects unknown models, bad member params and an exit threshold above the entry threshold', () => {
    expect(() => parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, { members: 'rsi:1,nope:1' })).toThrow(/members/);
    expect(() => parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, { members: '[{"model":"rsi","weight":1,"params":{"period":1}}]' })).toThrow(/rsi/);
    expect(() => parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, { members: '[{"model":"rsi","weight":1,"params":{"perod":5}}]' })).toThrow(/no parameter "perod"/);
    expect(() => parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, { threshold: 0.3, exitThreshold: 0.4 })).toThrow(/exitThreshold/);
    expect(() => parseStrategyConfig('ensemble', builtinStrategy('ensemble')!, { members: 'rsi:0' })).toThrow(/members/);
  });
});
