// Signal models: a strategy's rule as a per-symbol function of the bars, returning a target position
// in [-1, 1] (1 = fully long, -1 = fully short, 0 = flat). `SignalStrategy` trades one model; the
// ensemble strategy combines several by weighted vote.
import type { z } from 'zod';
import type { Bar } from '../model/bar.ts';
import type { StrategyContext } from './context.ts';
import { PerSymbol, Strategy } from './strategy.ts';

export interface SignalModel {
  /**
   * Feeds the next bar of the model's symbol and returns the target position in [-1, 1], or null
   * while warming up (no opinion yet). Uses only this bar and earlier ones.
   */
  update(bar: Bar): number | null;
}

/** A named signal model with its params schema: what the ensemble's members are made from. */
export interface SignalModelDef<P extends object = object> {
  readonly name: string;
  /** The rule in one or two sentences. */
  readonly description: string;
  readonly schema: z.ZodType<P>;
  /** A new model for one symbol (params already parsed by `schema`). */
  create(params: P): SignalModel;
}

/**
 * Moves the position of `symbol` towards `target` (-1, 0 or 1) and returns the target it acted on.
 * Entries use the run's default sizing. A reversal closes first; the opposite side is entered on a
 * later bar (the returned 0 makes the caller try again), once the close has filled.
 */
export function followTarget(ctx: StrategyContext, symbol: string, target: -1 | 0 | 1): -1 | 0 | 1 {
  const pos = ctx.position(symbol);
  if (target === 0) {
    if (!pos.isFlat) ctx.close(symbol);
    return 0;
  }
  if (target === 1 ? pos.isShort : pos.isLong) {
    ctx.close(symbol);
    return 0;
  }
  if (pos.isFlat) {
    if (target === 1) ctx.buy(symbol);
    else ctx.sell(symbol);
  }
  return target;
}

/** The sign of a model's output: -1, 0 or 1. */
export function targetOf(signal: number): -1 | 0 | 1 {
  return signal > 0 ? 1 : signal < 0 ? -1 : 0;
}

/**
 * A strategy that trades a signal model on every symbol it sees: it acts when the model's target
 * changes (once per change: an entry that is denied or rejected is not retried until the target
 * changes again), never while the model warms up.
 */
export abstract class SignalStrategy<C extends object> extends Strategy<C> {
  readonly #state = new PerSymbol((symbol) => ({ model: this.createModel(symbol), acted: 0 as -1 | 0 | 1 }));

  /** A new model for one symbol, built from `this.config`. */
  protected abstract createModel(symbol: string): SignalModel;

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const s = this.#state.get(bar.symbol);
    const v = s.model.update(bar);
    if (v === null) return;
    const target = targetOf(v);
    if (target !== s.acted) s.acted = followTarget(ctx, bar.symbol, target);
  }
}
