// Alpaca's order classes (docs/venues/alpaca.md, "Brackets and OTO"): an entry whose exits are one
// stop-loss and/or one take-profit at a price goes to Alpaca as one request, `order_class` 'bracket'
// (both exits) or 'oto' (one), and Alpaca holds the exits as legs ('held') until the entry fills, then
// works them as an OCO pair. Everything else an entry's exits can say (a percent of the fill price, a
// trailing stop, a time exit, a break-even move), crypto, and other entry shapes stay with the
// OrderEmulator: `nativeExitsProblem` says why, naming the field.
//
// Ids: Alpaca gives legs ids and client order ids of its own (a request cannot name them). Sextant names
// them as the emulator and the simulated venue name an entry's exits, `<entry>-sl` and `<entry>-tp` in the
// OCO group `<entry>-exits`, so a restarted node finds them from the entry's client order id alone: the
// entry is looked up by its id, its legs told apart by their type (limit: take-profit; stop: stop-loss).
import { Order, oppositeSide, type OrderRequest } from '../../model/order.ts';
import type { AlpacaOrder } from './parse.ts';
import type { NewOrderBody } from './rest.ts';
import { isCrypto } from './symbols.ts';

export type LegRole = 'sl' | 'tp';

/** Order classes whose orders may be legs (Alpaca spells a leg's class as its parent's). */
export const ADVANCED_CLASSES: ReadonlySet<string> = new Set(['bracket', 'oto', 'oco']);

/** Why Alpaca cannot take this entry's exits in one request (the field named first), or null when it can. */
export function nativeExitsProblem(order: Order): string | null {
  const r = order.request;
  const x = r.exits;
  if (x === undefined) return 'exits: the order has none';
  if (isCrypto(r.symbol)) return `exits: alpaca has no bracket or OTO orders for crypto (${r.symbol})`;
  if (x.trailing !== undefined) return 'exits.trailing: alpaca bracket legs are a limit take-profit and a stop-loss; a trailing exit is emulated';
  if (x.timeExitBars !== undefined) return 'exits.timeExitBars: alpaca has no time exit; it is emulated';
  if (x.breakEven !== undefined) return 'exits.breakEven: alpaca legs do not move by themselves; a break-even stop is emulated';
  if (x.stopLoss === undefined && x.takeProfit === undefined) return 'exits: neither a stop-loss nor a take-profit';
  if (x.stopLoss !== undefined && x.stopLoss.price === undefined) return 'exits.stopLoss.pct: alpaca needs the stop price when the entry is sent; a percent of the fill price is emulated';
  if (x.takeProfit !== undefined && x.takeProfit.price === undefined) return 'exits.takeProfit.pct: alpaca needs the limit price when the entry is sent; a percent of the fill price is emulated';
  if (r.type !== 'market' && r.type !== 'limit') return `type: alpaca bracket and OTO entries are sent as market or limit orders here, got ${r.type}`;
  if (order.tif !== 'DAY' && order.tif !== 'GTC') return `tif: alpaca bracket and OTO orders are DAY or GTC, got ${order.tif}`;
  if (!Number.isInteger(r.qty)) return `qty: alpaca bracket and OTO orders are for whole shares, got ${r.qty}`;
  if (r.reduceOnly === true) return 'reduceOnly: an entry with exits opens a position';
  if (order.links.parentId !== undefined) return 'parentId: a bracket leg cannot itself be an entry with exits';
  if (order.links.ocoGroup !== undefined) return 'ocoGroup: an entry with exits cannot be in an OCO group';
  return null;
}

/** Whether Alpaca takes this order as one bracket or OTO request. */
export const takesExitsNatively = (order: Order): boolean => order.request.exits !== undefined && nativeExitsProblem(order) === null;

export const legId = (entryId: string, role: LegRole): string => `${entryId}-${role}`;
export const exitGroupOf = (entryId: string): string => `${entryId}-exits`;

/** `<entry>-sl` / `<entry>-tp`: the entry and the role, or null for any other id. */
export function parseLegId(id: string): { readonly entryId: string; readonly role: LegRole } | null {
  const m = /^(.+)-(sl|tp)$/.exec(id);
  return m === null ? null : { entryId: m[1]!, role: m[2] as LegRole };
}

/** A leg's role from its type: Alpaca's take-profit is a limit, its stop-loss a stop or stop-limit. */
export const roleOf = (leg: Pick<AlpacaOrder, 'type'>): LegRole => (leg.type === 'limit' ? 'tp' : 'sl');

/** The Sextant orders for an entry's native legs (stop-loss first, as the emulator places them). */
export function legOrders(entry: Order, nowMs: number): Order[] {
  const x = entry.request.exits!;
  const base = { symbol: entry.symbol, side: oppositeSide(entry.side), qty: entry.qty, tif: entry.tif, reduceOnly: true } as const;
  const links = { parentId: entry.id, ocoGroup: exitGroupOf(entry.id) };
  const out: Order[] = [];
  const make = (role: LegRole, req: OrderRequest): void => void out.push(new Order(legId(entry.id, role), entry.strategyId, req, nowMs, links));
  if (x.stopLoss?.price !== undefined) make('sl', { ...base, type: 'stop', stopPrice: x.stopLoss.price, tag: 'stop-loss' });
  if (x.takeProfit?.price !== undefined) make('tp', { ...base, type: 'limit', limitPrice: x.takeProfit.price, tag: 'take-profit' });
  return out;
}

/** The order class and legs of a native entry's request. */
export function classFields(entry: Order, decimal: (x: number) => string): Pick<NewOrderBody, 'orderClass' | 'takeProfit' | 'stopLoss'> {
  const x = entry.request.exits!;
  const sl = x.stopLoss?.price;
  const tp = x.takeProfit?.price;
  return {
    orderClass: sl !== undefined && tp !== undefined ? 'bracket' : 'oto',
    ...(tp !== undefined && { takeProfit: { limitPrice: decimal(tp) } }),
    ...(sl !== undefined && { stopLoss: { stopPrice: decimal(sl) } }),
  };
}
