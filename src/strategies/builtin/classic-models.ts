// The rules of the first built-in strategies (sma-cross, rsi, bollinger, macd) as signal models, with
// the strategies' own params schemas, so the ensemble can vote with them. Each model's target is the
// position its strategy would hold: 1 from the entry signal until the exit signal, else 0.
import type { z } from 'zod';
import type { Bar } from '../../model/bar.ts';
import { CrossOver } from '../../indicators/crossover.ts';
import { MACD } from '../../indicators/momentum.ts';
import { RSI } from '../../indicators/rsi.ts';
import { SMA } from '../../indicators/sma.ts';
import { Bollinger } from '../../indicators/volatility.ts';
import type { SignalModel, SignalModelDef } from '../signal.ts';
import { BollingerReversion } from './bollinger.ts';
import { MacdStrategy } from './macd.ts';
import { RsiStrategy } from './rsi.ts';
import { SmaCross } from './sma-cross.ts';

/** The next target of a long-only rule: 1 from an entry signal until an exit signal, else 0. */
function latch(target: number, enter: boolean, exit: boolean): number {
  if (target === 0) return enter ? 1 : 0;
  return exit ? 0 : 1;
}

export class RsiModel implements SignalModel {
  readonly #rsi: RSI;
  readonly #up = new CrossOver();
  readonly #down = new CrossOver();
  #target = 0;
  constructor(readonly params: z.infer<typeof RsiStrategy.schema>) {
    this.#rsi = new RSI(params.period);
  }
  update(bar: Bar): number | null {
    const rsi = this.#rsi.update(bar.close);
    const up = this.#up.step(rsi, rsi === null ? null : this.params.lower);
    const down = this.#down.step(rsi, rsi === null ? null : this.params.upper);
    if (rsi === null) return null;
    return (this.#target = latch(this.#target, up === 1, down === -1));
  }
}

export class SmaCrossModel implements SignalModel {
  readonly #fast: SMA;
  readonly #slow: SMA;
  readonly #cross = new CrossOver();
  #target = 0;
  constructor(params: z.infer<typeof SmaCross.schema>) {
    this.#fast = new SMA(params.fast);
    this.#slow = new SMA(params.slow);
  }
  update(bar: Bar): number | null {
    const cross = this.#cross.step(this.#fast.update(bar.close), this.#slow.update(bar.close));
    if (cross === null) return null;
    return (this.#target = latch(this.#target, cross === 1, cross === -1));
  }
}

export class BollingerModel implements SignalModel {
  readonly #bands: Bollinger;
  readonly #entry = new CrossOver();
  readonly #exit = new CrossOver();
  #target = 0;
  constructor(readonly params: z.infer<typeof BollingerReversion.schema>) {
    this.#bands = new Bollinger(params.period, params.mult);
  }
  update(bar: Bar): number | null {
    const b = this.#bands.update(bar.close);
    const below = this.#entry.step(bar.close, b === null ? null : b.lower);
    const above = this.#exit.step(bar.close, b === null ? null : this.params.exit === 'middle' ? b.middle : b.upper);
    if (b === null) return null;
    return (this.#target = latch(this.#target, below === -1, above === 1));
  }
}

export class MacdModel implements SignalModel {
  readonly #macd: MACD;
  readonly #cross = new CrossOver();
  #target = 0;
  constructor(params: z.infer<typeof MacdStrategy.schema>) {
    this.#macd = new MACD(params.fast, params.slow, params.signal);
  }
  update(bar: Bar): number | null {
    const m = this.#macd.update(bar.close);
    const cross = this.#cross.step(m === null ? null : m.macd, m === null ? null : m.signal);
    if (cross === null) return null;
    return (this.#target = latch(this.#target, cross === 1, cross === -1));
  }
}

export const rsiModel: SignalModelDef<z.infer<typeof RsiStrategy.schema>> = {
  name: 'rsi', description: RsiStrategy.description, schema: RsiStrategy.schema, create: (p) => new RsiModel(p),
};
export const smaCrossModel: SignalModelDef<z.infer<typeof SmaCross.schema>> = {
  name: 'sma-cross', description: SmaCross.description, schema: SmaCross.schema, create: (p) => new SmaCrossModel(p),
};
export const bollingerModel: SignalModelDef<z.infer<typeof BollingerReversion.schema>> = {
  name: 'bollinger', description: BollingerReversion.description, schema: BollingerReversion.schema, create: (p) => new BollingerModel(p),
};
export const macdModel: SignalModelDef<z.infer<typeof MacdStrategy.schema>> = {
  name: 'macd', description: MacdStrategy.description, schema: MacdStrategy.schema, create: (p) => new MacdModel(p),
};
