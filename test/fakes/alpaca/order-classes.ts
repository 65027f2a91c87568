// Alpaca's order classes for the fake server (Trading API v2, POST /v2/orders `order_class`, after the
// OpenAPI spec in alpacahq/alpaca-trade-api-js tooling/specs/trading-api.json and docs.alpaca.markets
// "Orders at Alpaca": Bracket, OCO and OTO orders):
// - 'bracket': the entry plus `take_profit` {limit_price} and `stop_loss` {stop_price, limit_price?};
//   'oto': the entry plus one of them; both legs wait 'held' until the entry fills, then work as an OCO pair.
// - 'oco': a limit order (the take-profit, the parent) plus `stop_loss`, both working at once (an exit for a
//   position already held).
// - legs get ids and client order ids Alpaca makes; a leg's `order_class` is its parent's; a fill of one leg
//   cancels the other; time in force day or gtc; no crypto, no fractional quantities, no extended hours.
import type { FakeOrder } from '../fake-exchange.ts';
import { dec, time, uuidOf } from './payloads.ts';

export type AlpacaClass = 'bracket' | 'oto' | 'oco';

/** A leg the fake keeps beside the matcher: held until its parent fills, then a matcher order. */
export interface FakeLeg {
  readonly id: string;
  readonly clientOrderId: string;
  readonly parentClientId: string;
  readonly orderClass: AlpacaClass;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: FakeOrder['type'];
  readonly tif: string;
  qty: number;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly createdMs: number;
  updatedMs: number;
  /** The matcher's order once the leg works (its replacement after a PATCH). */
  matcherId: string | null;
  /** While not in the matcher: held, or canceled before it ever worked. */
  heldStatus: 'held' | 'canceled';
}

export interface ClassRequest {
  readonly orderClass: AlpacaClass;
  readonly takeProfit: { readonly limitPrice: number } | null;
  readonly stopLoss: { readonly stopPrice: number; readonly limitPrice: number | null } | null;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The order class fields of a new order request, or Alpaca's refusal (a 422 message naming the field). */
export function parseClassRequest(
  b: Record<string, unknown>,
  entry: { readonly symbol: string; readonly side: string; readonly type: string; readonly tif: string; readonly qty: string; readonly limit: number | undefined; readonly crypto: boolean },
): ClassRequest | { readonly error: string } | null {
  const cls = b.order_class;
  if (cls === undefined || cls === null || cls === '' || cls === 'simple') return null;
  if (cls !== 'bracket' && cls !== 'oto' && cls !== 'oco') return { error: `invalid order_class: ${String(cls)}` };
  if (entry.crypto) return { error: `order_class ${cls} is not supported for crypto orders` };
  if (entry.tif !== 'day' && entry.tif !== 'gtc') return { error: `time_in_force must be day or gtc for ${cls} orders` };
  if (b.extended_hours === true) return { error: `extended_hours is not supported for ${cls} orders` };
  if (!Number.isInteger(Number(entry.qty))) return { error: `qty must be a whole number for ${cls} orders` };
  if (entry.type === 'trailing_stop') return { error: `type trailing_stop is not supported for ${cls} orders` };
  const price = (o: unknown, k: string): number | null | undefined => {
    if (typeof o !== 'object' || o === null) return undefined;
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || v === null) return undefined;
    const s = typeof v === 'number' ? String(v) : v;
    return typeof s === 'string' && DECIMAL.test(s) && Number(s) > 0 ? Number(s) : null;
  };
  const tpLimit = price(b.take_profit, 'limit_price');
  const slStop = price(b.stop_loss, 'stop_price');
  const slLimit = price(b.stop_loss, 'limit_price');
  if (tpLimit === null) return { error: 'take_profit.limit_price must be a positive decimal' };
  if (slStop === null || slLimit === null) return { error: 'stop_loss prices must be positive decimals' };
  if (b.take_profit !== undefined && tpLimit === undefined) return { error: 'take_profit.limit_price is required' };
  if (b.stop_loss !== undefined && slStop === undefined) return { error: 'stop_loss.stop_price is required' };
  const both = tpLimit !== undefined && slStop !== undefined;
  if ((cls === 'bracket' || cls === 'oco') && !both) return { error: `${cls} orders need both take_profit and stop_loss` };
  if (cls === 'oto' && (both || (tpLimit === undefined && slStop === undefined))) return { error: 'oto orders need exactly one of take_profit and stop_loss' };
  if (cls === 'oco' && entry.type !== 'limit') return { error: 'oco orders must be limit orders (the take-profit)' };
  if (cls === 'oco' && entry.limit !== undefined && entry.limit !== tpLimit) return { error: 'limit_price of an oco order is its take_profit.limit_price' };
  // A buy's take-profit sells above the base price and its stop below (a sell's the other way round).
  const buy = entry.side === 'buy';
  const exitBuy = cls === 'oco' ? buy : !buy;
  const base = cls === 'oco' ? undefined : entry.limit;
  if (base !== undefined) {
    if (tpLimit !== undefined && (buy ? tpLimit < base + 0.01 : tpLimit > base - 0.01)) return { error: `take_profit.limit_price must be ${buy ? '>=' : '<='} base_price ${buy ? '+' : '-'} 0.01` };
    if (slStop !== undefined && (buy ? slStop > base - 0.01 : slStop < base + 0.01)) return { error: `stop_loss.stop_price must be ${buy ? '<=' : '>='} base_price ${buy ? '-' : '+'} 0.01` };
  }
  if (both && (exitBuy ? tpLimit >= slStop : tpLimit <= slStop)) return { error: 'take_profit.limit_price and stop_loss.stop_price are on the wrong sides of each other' };
  return {
    orderClass: cls,
    takeProfit: tpLimit === undefined ? null : { limitPrice: tpLimit },
    stopLoss: slStop === undefined ? null : { stopPrice: slStop, limitPrice: slLimit ?? null },
  };
}

/** The legs of an accepted request (an OCO's one leg is its stop; its take-profit is the parent itself). */
export function makeLegs(parentClientId: string, req: ClassRequest, entry: { readonly symbol: string; readonly side: 'buy' | 'sell'; readonly qty: number; readonly tif: string }, nowMs: number): FakeLeg[] {
  const side = req.orderClass === 'oco' ? entry.side : entry.side === 'buy' ? 'sell' : 'buy';
  const leg = (role: string, type: FakeOrder['type'], limitPrice: number | null, stopPrice: number | null): FakeLeg => ({
    id: uuidOf(`leg:${parentClientId}:${role}`), clientOrderId: uuidOf(`leg-client:${parentClientId}:${role}`), parentClientId, orderClass: req.orderClass,
    symbol: entry.symbol, side, type, tif: entry.tif, qty: entry.qty, limitPrice, stopPrice, createdMs: nowMs, updatedMs: nowMs, matcherId: null, heldStatus: 'held',
  });
  const out: FakeLeg[] = [];
  if (req.takeProfit !== null && req.orderClass !== 'oco') out.push(leg('tp', 'limit', req.takeProfit.limitPrice, null));
  if (req.stopLoss !== null) out.push(leg('sl', req.stopLoss.limitPrice === null ? 'stop' : 'stop-limit', req.stopLoss.limitPrice, req.stopLoss.stopPrice));
  return out;
}

const TYPES: Record<FakeOrder['type'], string> = { market: 'market', limit: 'limit', stop: 'stop', 'stop-limit': 'stop_limit', 'trailing-stop': 'trailing_stop' };

/** A leg not (yet) in the matcher, as Alpaca shows it: status 'held' (or 'canceled'), nothing filled. */
export function heldLegJson(leg: FakeLeg): Record<string, unknown> {
  return {
    id: leg.id, client_order_id: leg.clientOrderId,
    created_at: time(leg.createdMs), updated_at: time(leg.updatedMs), submitted_at: time(leg.createdMs),
    filled_at: null, expired_at: null, canceled_at: leg.heldStatus === 'canceled' ? time(leg.updatedMs) : null, failed_at: null,
    replaced_at: null, replaced_by: null, replaces: null,
    asset_id: uuidOf(leg.symbol), symbol: leg.symbol, asset_class: 'us_equity', notional: null,
    qty: dec(leg.qty), filled_qty: '0', filled_avg_price: null,
    order_class: leg.orderClass, order_type: TYPES[leg.type], type: TYPES[leg.type], side: leg.side, time_in_force: leg.tif,
    limit_price: leg.limitPrice === null ? null : dec(leg.limitPrice), stop_price: leg.stopPrice === null ? null : dec(leg.stopPrice),
    status: leg.heldStatus, extended_hours: false, legs: null, trail_percent: null, trail_price: null, hwm: null, subtag: null, source: null,
  };
}
