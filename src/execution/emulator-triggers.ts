// When a held stop, stop-limit or trailing stop triggers, from the market data the kernel feeds the
// OrderEmulator (./order-emulator.ts), as pure functions. One market event is reduced to the two prices
// an order can see: the price it triggers against (a sell stop is hit by the bid, a trade or a bar's low;
// a buy stop by the ask, a trade or a bar's high) and the price its trail follows (the most favourable one
// of the event). The trigger is checked against the level the order had before the event, then the trail
// moves: the simulated venue's order for a quote-driven trailing stop (./simulated-venue.ts, onQuote).
import type { OrderSide, TrailingOffset } from '../model/order.ts';
import { trailStop } from './fill-rules.ts';

/** One market event as the prices a held order reacts to, per side of the order. */
export interface TriggerPrices {
  /** What a sell stop is hit by (bid, trade, bar low); its trail follows `sellBest`. */
  readonly sellHit: number;
  readonly sellBest: number;
  /** What a buy stop is hit by (ask, trade, bar high); its trail follows `buyBest`. */
  readonly buyHit: number;
  readonly buyBest: number;
}

export const quotePrices = (bid: number, ask: number): TriggerPrices => ({ sellHit: bid, sellBest: bid, buyHit: ask, buyBest: ask });
export const tradePrices = (price: number): TriggerPrices => ({ sellHit: price, sellBest: price, buyHit: price, buyBest: price });
export const barPrices = (high: number, low: number): TriggerPrices => ({ sellHit: low, sellBest: high, buyHit: high, buyBest: low });

/** Whether a stop on `side` at `stop` is reached by the event (NaN stop: not yet known, never). */
export function stopReached(side: OrderSide, stop: number, p: TriggerPrices): boolean {
  return side === 'sell' ? p.sellHit <= stop : p.buyHit >= stop;
}

/** The best price of a trail after the event (sell stops trail the highs, buy stops the lows); NaN best starts here. */
export function nextBest(side: OrderSide, best: number, p: TriggerPrices): number {
  const seen = side === 'sell' ? p.sellBest : p.buyBest;
  if (Number.isNaN(best)) return seen;
  return side === 'sell' ? Math.max(best, seen) : Math.min(best, seen);
}

/** The trailing stop's level after its best price moved (it only tightens). */
export function trailLevel(side: OrderSide, current: number | undefined, best: number, offset: TrailingOffset): number {
  return trailStop(side, current ?? NaN, best, offset);
}

/** Whether a position's best price (long: highs, short: lows) has reached a break-even trigger. */
export function breakEvenReached(dir: 1 | -1, best: number, trigger: number): boolean {
  return dir > 0 ? best >= trigger : best <= trigger;
}
