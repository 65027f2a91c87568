import { describe, expect, it } from 'vitest';
import { BacktestNode } from '../engine/backtest-node.ts';
import type { Bar, BarSeries } from '../model/bar.ts';
import { randomWalk, series } from '../../test/helpers/bars.ts';
import { BollingerModel, MacdModel, RsiModel, SmaCrossModel } from './builtin/classic-models.ts';
import { BollingerReversion } from './builtin/bollinger.ts';
import { MacdStrategy } from './builtin/macd.ts';
import { RsiStrategy } from './builtin/rsi.ts';
import { SmaCross } from './builtin/sma-cross.ts';
import { SignalStrategy, type SignalModel } from './signal.ts';
import { SIGNAL_MODEL_NAMES, signalModel } from './signal-models.ts';
import type { Strategy } from './strategy.ts';

/** Trades one model per symbol through SignalStrategy. */
class ModelStrategy extends SignalStrategy<object> {
  constructor(readonly make: () => SignalModel) {
    super({});
  }
  protected createModel(): SignalModel {
    return this.make();
  }
}

/** A model that returns a scripted target per bar index. */
class Scripted implements SignalModel {
  #i = 0;
  constructor(readonly targets: readonly (number | null)[]) {}
  update(): number | null {
    return this.targets[this.#i++] ?? null;
  }
}

function fills(strategy: Strategy, data: readonly BarSeries[], accountType: 'cash' | 'margin' = 'cash') {
  const out = new BacktestNode({ series: data, strategies: [{ strategy }], accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { fills: out.kernel.fills.map((f) => [f.symbol, f.side, f.qty, f.price, f.tsMs]), rejections: out.kernel.rejections };
}

describe('the classic rules as signal models', () => {
  const data = [randomWalk(1500, 11), randomWalk(1500, 12, { symbol: 'Y', vol: 0.03 })];
  const cases = [
    ['sma-cross', () => new SmaCross(SmaCross.schema.parse({ fast: 5, slow: 20 })), () => new SmaCrossModel(SmaCross.schema.parse({ fast: 5, slow: 20 }))],
    ['rsi', () => new RsiStrategy(RsiStrategy.schema.parse({})), () => new RsiModel(RsiStrategy.schema.parse({}))],
    ['bollinger', () => new BollingerReversion(BollingerReversion.schema.parse({ exit: 'upper' })), () => new BollingerModel(BollingerReversion.schema.parse({ exit: 'upper' }))],
    ['macd', () => new MacdStrategy(MacdStrategy.schema.parse({})), () => new MacdModel(MacdStrategy.schema.parse({}))],
  ] as const;

  it.each(cases)('%s: the model traded by SignalStrategy makes exactly the fills of the strategy', (_name, strategy, model) => {
    const a = fills(strategy(), data);
    const b = fills(new ModelStrategy(model), data);
    expect(a.fills.length).toBeGreaterThan(10);
    expect(b.fills).toEqual(a.fills);
  });

  it('every registered model parses its defaults and builds', () => {
    for (const name of SIGNAL_MODEL_NAMES) {
      const def = signalModel(name)!;
      expect(def.name).toBe(name);
      expect(def.description.length).toBeGreaterThan(20);
      const m = def.create(def.schema.parse({}));
      const bar: Bar = { symbol: 'X', tsEventMs: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 };
      expect(m.update(bar)).toBeNull();
    }
  });
});

describe('SignalStrategy', () => {
  const data = series(Array.from({ length: 10 }, (_, i) => [100 + i, 100 + i, 100 + i, 100 + i] as const));

  it('acts on changes of the target: enters once, holds, and closes when it goes to 0', () => {
    const r = fills(new ModelStrategy(() => new Scripted([null, 0, 1, 1, 1, 0, 0])), [data]);
    expect(r.fills.map((f) => [f[1], f[4]])).toEqual([
      ['buy', data.time[3]],
      ['sell', data.time[6]],
    ]);
  });

  it('reverses in two steps: closes on the signal bar, opens the other side on the next one', () => {
    const r = fills(new ModelStrategy(() => new Scripted([1, 1, -1, -1, -1, 0])), [data], 'margin');
    expect(r.fills.map((f) => [f[1], f[4]])).toEqual([
      ['buy', data.time[1]],
      ['sell', data.time[3]], // close the long
      ['sell', data.time[4]], // open the short
      ['buy', data.time[6]],
    ]);
  });

  it('treats any positive output as long and any negative as short', () => {
    const r = fills(new ModelStrategy(() => new Scripted([0.2, 0.9, -0.1, -0.5])), [data], 'margin');
    expect(r.fills.map((f) => f[1])).toEqual(['buy', 'sell', 'sell']);
  });

  it('does not retry a denied entry while the target stays the same', () => {
    const r = fills(new ModelStrategy(() => new Scripted([-1, -1, -1, -1, 0, -1])), [data], 'cash');
    expect(r.fills).toEqual([]);
    expect(r.rejections.map((x) => x.tsMs)).toEqual([data.time[0], data.time[5]]);
  });
});
