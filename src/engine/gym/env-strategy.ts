// The strategy a TradingEnv drives: it does nothing on its own; between two node steps the env asks it to
// move the position to a target weight, which it does with one market order through its context (so the
// order goes through risk checks and the simulated venue like any strategy's). It tallies its fills.
import type { Bar } from '../../model/bar.ts';
import type { OrderEvent } from '../../model/events.ts';
import type { StrategyContext } from '../../strategies/context.ts';
import { Strategy } from '../../strategies/strategy.ts';
import { orderToWeight } from '../../strategies/builtin/target-weight.ts';

export class EnvStrategy extends Strategy<{ readonly symbol: string; readonly multiplier: number }> {
  #ctx: StrategyContext | null = null;
  /** Since the last `takeStep`: value traded (|qty × price × multiplier|), commission, fills; refused orders. */
  traded = 0;
  commission = 0;
  fills = 0;
  refused = 0;

  override onStart(ctx: StrategyContext): void {
    this.#ctx = ctx;
  }

  override onBar(_bar: Bar, _ctx: StrategyContext): void {}

  override onOrderEvent(e: OrderEvent): void {
    if (e.type === 'OrderFilled') {
      this.traded += e.fill.qty * e.fill.price * this.config.multiplier;
      this.commission += e.fill.commission;
      this.fills++;
    } else if (e.type === 'OrderDenied' || e.type === 'OrderRejected') this.refused++;
  }

  get ctx(): StrategyContext {
    if (this.#ctx === null) throw new Error('EnvStrategy used before the node started it');
    return this.#ctx;
  }

  /**
   * Orders the difference between the position and `weight` × equity at `price` (the last close), unless
   * it moves the weight by less than `band`. Working orders left from before are canceled first.
   */
  target(weight: number, price: number, band: number): void {
    const ctx = this.ctx;
    const symbol = this.config.symbol;
    orderToWeight(ctx, symbol, weight, price, ctx.equity(), this.config.multiplier, band);
  }

  /** Resets the step tallies. */
  clearStep(): void {
    this.traded = 0;
    this.commission = 0;
    this.fills = 0;
    this.refused = 0;
  }
}
