// Where an order would fill on one bar, as pure functions (docs/fill-assumptions.md). NaN = no fill.
// Prices never leave [low, high]: a gap fills at the open, an intrabar touch at the order's own price.
import type { OrderSide } from '../model/order.ts';

export interface BarPrices {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** 'through': the bar must trade beyond the limit (conservative default); 'touch': reaching it is enough. */
export type LimitFillMode = 'through' | 'touch';

export function limitFillPrice(side: OrderSide, limit: number, bar: BarPrices, mode: LimitFillMode): number {
  if (side === 'buy') {
    const reached = mode === 'through' ? bar.low < limit : bar.low <= limit;
    return reached ? Math.min(bar.open, limit) : NaN;
  }
  const reached = mode === 'through' ? bar.high > limit : bar.high >= limit;
  return reached ? Math.max(bar.open, limit) : NaN;
}

/** A stop becomes a market order when touched; gapped through, it fills at the open, not the stop. */
export function stopTriggerPrice(side: OrderSide, stop: number, bar: BarPrices): number {
  if (side === 'buy') {
    if (bar.open >= stop) return bar.open;
    return bar.high >= stop ? stop : NaN;
  }
  if (bar.open <= stop) return bar.open;
  return bar.low <= stop ? stop : NaN;
}

/** True when the stop triggers at the open (a gap), i.e. before anything else in the bar. */
export function triggersAtOpen(side: OrderSide, stop: number, bar: BarPrices): boolean {
  return side === 'buy' ? bar.open >= stop : bar.open <= stop;
}

/**
 * Stop-limit on one bar: triggers like a stop; the limit then fills at the trigger price when that is
 * within the limit, or later in the bar only if the bar trades through the limit after a gap trigger.
 * Returns the fill price, or NaN (check `stopTriggerPrice` to know whether it triggered).
 */
export function stopLimitFillPrice(side: OrderSide, stop: number, limit: number, bar: BarPrices, mode: LimitFillMode): number {
  const trigger = stopTriggerPrice(side, stop, bar);
  if (Number.isNaN(trigger)) return NaN;
  const withinLimit = side === 'buy' ? trigger <= limit : trigger >= limit;
  if (withinLimit) return trigger;
  // Triggered at the open beyond the limit: the price may come back through the limit later in the bar.
  return trigger === bar.open ? limitFillPrice(side, limit, bar, mode) : NaN;
}

/** Moves a trailing stop with the best price seen; it only ever tightens. */
export function trailStop(side: OrderSide, current: number, bestPrice: number, offset: { kind: 'amount' | 'percent'; value: number }): number {
  const dist = offset.kind === 'amount' ? offset.value : (bestPrice * offset.value) / 100;
  if (side === 'sell') {
    const level = bestPrice - dist;
    return Number.isNaN(current) || level > current ? level : current;
  }
  const level = bestPrice + dist;
  return Number.isNaN(current) || level < current ? level : current;
}

export function clampToBar(price: number, bar: BarPrices): number {
  return price < bar.low ? bar.low : price > bar.high ? bar.high : price;
}
