// Sextant symbols are ccxt's unified ones ('BTC/USDT'); the venue's own ids ('BTCUSDT') stay inside ccxt.
// What a market allows (lot step, price tick, minimum quantity and notional: Binance's LOT_SIZE,
// PRICE_FILTER and NOTIONAL filters as ccxt reads them) is applied here before an order is sent, so a
// venue filter failure (-1013) becomes a clear local rejection and no request is spent on it.
import type { Order } from '../../model/order.ts';

/** The part of a ccxt market this adapter reads. */
export interface MarketLike {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly spot?: boolean;
  readonly active?: boolean | undefined;
  readonly precision: { readonly amount?: number | undefined; readonly price?: number | undefined };
  readonly limits: {
    readonly amount?: { readonly min?: number | undefined; readonly max?: number | undefined };
    readonly price?: { readonly min?: number | undefined; readonly max?: number | undefined };
    readonly cost?: { readonly min?: number | undefined };
  };
}

/** What is sent: quantity and prices as the venue's precision writes them. */
export interface PreparedOrder {
  readonly amount: number;
  readonly price?: number;
  readonly triggerPrice?: number;
}

const REL = 1e-9;

/** Rounds `x` to a multiple of `step` (ccxt's TICK_SIZE precision mode), to the nearest step. */
export function toStep(x: number, step: number | undefined): number {
  if (step === undefined || !(step > 0)) return x;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 2);
  return Number((Math.round(x / step) * step).toFixed(decimals));
}

function offGrid(x: number, step: number | undefined): boolean {
  if (step === undefined || !(step > 0)) return false;
  return Math.abs(toStep(x, step) - x) > REL * Math.max(1, Math.abs(x));
}

/**
 * Checks an order against the market's rules. Values off the step or tick (beyond float noise) are
 * refused, not silently changed: the engine tracks the quantity and prices it asked for.
 */
export function prepareOrder(market: MarketLike, order: Order, refPrice?: number): { ok: true; value: PreparedOrder } | { ok: false; reason: string } {
  const { amount: step, price: tick } = market.precision;
  const s = market.symbol;
  if (market.active === false) return { ok: false, reason: `${s} is not trading at the venue` };
  if (offGrid(order.qty, step)) return { ok: false, reason: `quantity ${order.qty} is not a multiple of ${s}'s lot step ${step}` };
  const amount = toStep(order.qty, step);
  const min = market.limits.amount?.min;
  if (min !== undefined && amount < min - REL) return { ok: false, reason: `quantity ${amount} is below ${s}'s minimum ${min}` };
  const max = market.limits.amount?.max;
  if (max !== undefined && max > 0 && amount > max + REL) return { ok: false, reason: `quantity ${amount} is above ${s}'s maximum ${max}` };
  const out: { amount: number; price?: number; triggerPrice?: number } = { amount };
  for (const [key, value] of [['price', order.limitPrice], ['triggerPrice', order.stopPrice]] as const) {
    if (value === undefined) continue;
    if (offGrid(value, tick)) return { ok: false, reason: `${key === 'price' ? 'limit' : 'stop'} price ${value} is not a multiple of ${s}'s tick ${tick}` };
    const p = toStep(value, tick);
    const pmin = market.limits.price?.min;
    if (pmin !== undefined && pmin > 0 && p < pmin - REL) return { ok: false, reason: `price ${p} is below ${s}'s minimum price ${pmin}` };
    out[key] = p;
  }
  const notionalPrice = out.price ?? out.triggerPrice ?? refPrice;
  const minCost = market.limits.cost?.min;
  if (minCost !== undefined && notionalPrice !== undefined && amount * notionalPrice < minCost - REL) {
    return { ok: false, reason: `notional ${amount * notionalPrice} is below ${s}'s minimum ${minCost} ${market.quote}` };
  }
  return { ok: true, value: out };
}
