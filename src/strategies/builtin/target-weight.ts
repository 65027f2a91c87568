// The RL order rule, one definition for the training env (src/engine/gym), the rl-agent strategy and meta's
// RL agent, so a policy trades in a backtest exactly as it did in training: move the position to `weight` x
// equity, unless that moves the weight by no more than the rebalance band.
import type { StrategyContext } from '../context.ts';

/** Units to trade to reach `weight` x `equity` from `have` at `unit` value per unit (price x multiplier); 0 within the band. */
export function rebalanceQty(weight: number, equity: number, unit: number, have: number, band: number): number {
  const delta = (weight * equity) / unit - have;
  return Math.abs(delta * unit) <= band * equity || delta === 0 ? 0 : delta;
}

/** Cancels the symbol's working orders, then orders the rebalance (nothing when within the band or without equity or price). */
export function orderToWeight(ctx: StrategyContext, symbol: string, weight: number, price: number, equity: number, multiplier: number, band: number): void {
  if (ctx.openOrders(symbol).length > 0) ctx.cancelAll(symbol);
  if (!(equity > 0) || !(price > 0)) return;
  const delta = rebalanceQty(weight, equity, price * multiplier, ctx.position(symbol).qty, band);
  if (delta > 0) ctx.buy(symbol, delta);
  else if (delta < 0) ctx.sell(symbol, -delta);
}
