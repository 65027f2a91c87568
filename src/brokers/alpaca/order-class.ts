// Alpaca's order classes (docs/venues/alpaca.md, "Brackets, OTO and OCO"): an entry whose exits are one
// stop-loss and/or one take-profit at a price goes to Alpaca as one request, `order_class` 'bracket'
// (both exits) or 'oto' (one), and Alpaca holds the exits as legs ('held') until the entry fills, then
// works them as an OCO pair. Everything else an entry's exits can say (a percent of the fill price, a
// trailing stop, a time exit, a break-even move), crypto, and other entry shapes stay with the
// OrderEmulator: `nativeExitsProblem` says why, naming the field.
//
// A strategy's ctx.bracket (an entry, then a limit take-profit and a stop-loss child in one OCO group) goes
// the same way when Alpaca can take it: its children are named like exits (below) and reach the client in
// the same turn as their entry, before the entry is sent; `bracketLegProblem` says whether a child can ride
// in its entry's request, and why not (the OrderEmulator then holds it).
//
// A strategy's ctx.oco (a reduce-only limit take-profit and a stop-loss `<take-profit>-sl` in one OCO group,
// closing a position held) is Alpaca's 'oco' class: the take-profit is the order sent, the stop its one leg,
// both working at once (`ocoParentProblem`, `ocoLegProblem`).
//
// Ids: Alpaca gives legs ids and client order ids of its own (a request cannot name them). Sextant names
// them as the emulator and the simulated venue name an entry's exits, `<entry>-sl` and `<entry>-tp` in the
// OCO group `<entry>-exits` (src/model/exit-ids.ts), so a restarted node finds them from the entry's client
// order id alone: the entry is looked up by its id, its legs told apart by their type (limit: take-profit;
// stop: stop-loss).
import { exitGroupOf, legId, parseLegId, type LegRole } from '../../model/exit-ids.ts';
import { Order, oppositeSide, type OrderRequest } from '../../model/order.ts';
import type { AlpacaOrder } from './parse.ts';
import type { NewOrderBody } from './rest.ts';
import { isCrypto } from './symbols.ts';

export { exitGroupOf, legId, parseLegId, type LegRole };

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

/**
 * Why an order in an OCO group without a parent cannot be the take-profit of an alpaca 'oco' request (it is
 * then held by the OrderEmulator), or null when it can: a reduce-only limit on a stock, whole shares, DAY or GTC.
 */
export function ocoParentProblem(tp: Order): string | null {
  const r = tp.request;
  if (tp.links.ocoGroup === undefined || tp.links.parentId !== undefined) return 'links: an alpaca oco order is a pair in one OCO group without a parent';
  if (isCrypto(r.symbol)) return `symbol: alpaca has no oco orders for crypto (${r.symbol})`;
  if (r.type !== 'limit') return `type: an alpaca oco order is sent as its take-profit, a limit order, got ${r.type}`;
  if (r.reduceOnly !== true) return 'reduceOnly: an alpaca oco order closes a position (a reduce-only take-profit)';
  if (tp.tif !== 'DAY' && tp.tif !== 'GTC') return `tif: alpaca oco orders are DAY or GTC, got ${tp.tif}`;
  if (!Number.isInteger(r.qty)) return `qty: alpaca oco orders are for whole shares, got ${r.qty}`;
  if (r.expireTimeMs !== undefined || r.exits !== undefined) return 'an alpaca oco order has no expiry time or exits';
  return null;
}

/**
 * Why an order cannot be the stop leg of its take-profit's 'oco' request, or null when it can: named
 * `<take-profit>-sl`, in the take-profit's group, a reduce-only stop or stop-limit on the same side for the same
 * quantity and time in force. `legs` are the orders already riding with the take-profit.
 */
export function ocoLegProblem(leg: Order, tp: Order, legs: readonly Order[]): string | null {
  const r = leg.request;
  const named = parseLegId(leg.id);
  if (named === null || named.entryId !== tp.id || named.role !== 'sl') return `id: the stop of an alpaca oco order is named ${legId(tp.id, 'sl')}, got ${leg.id}`;
  if (leg.links.parentId !== undefined || leg.links.ocoGroup !== tp.links.ocoGroup) return `ocoGroup: the stop of an alpaca oco order is in its take-profit's group ${tp.links.ocoGroup ?? 'none'}`;
  const tpProblem = ocoParentProblem(tp);
  if (tpProblem !== null) return `take-profit ${tp.id}: ${tpProblem}`;
  if (r.type !== 'stop' && r.type !== 'stop-limit') return `type: the leg of an alpaca oco order is a stop or stop-limit order, got ${r.type}`;
  if (legs.length > 0) return 'id: the take-profit already has its stop leg';
  if (r.symbol !== tp.symbol || r.side !== tp.side) return 'symbol/side: both orders of an alpaca oco close the same position (same symbol and side)';
  if (Math.abs(r.qty - tp.qty) > 1e-9) return `qty: alpaca's oco leg is for its take-profit's quantity ${tp.qty}, got ${r.qty}`;
  if (leg.tif !== tp.tif) return `tif: alpaca's oco leg takes its take-profit's time in force ${tp.tif}, got ${leg.tif}`;
  if (r.reduceOnly !== true) return 'reduceOnly: the stop of an alpaca oco order closes the position (reduce-only)';
  if (r.trailing !== undefined || r.exits !== undefined || r.expireTimeMs !== undefined) return 'the stop of an alpaca oco order has no trailing offset, exits or expiry time';
  return null;
}

/** Whether Alpaca takes this order as one bracket or OTO request. */
export const takesExitsNatively = (order: Order): boolean => order.request.exits !== undefined && nativeExitsProblem(order) === null;

/**
 * Why an order sent without exits or links cannot be the entry of a bracket or OTO request (its children,
 * if any follow, are then emulated), or null when it can.
 */
export function bracketEntryProblem(entry: Order): string | null {
  const r = entry.request;
  if (isCrypto(r.symbol)) return `symbol: alpaca has no bracket or OTO orders for crypto (${r.symbol})`;
  if (r.type !== 'market' && r.type !== 'limit') return `type: alpaca bracket and OTO entries are sent as market or limit orders here, got ${r.type}`;
  if (entry.tif !== 'DAY' && entry.tif !== 'GTC') return `tif: alpaca bracket and OTO orders are DAY or GTC, got ${entry.tif}`;
  if (!Number.isInteger(r.qty)) return `qty: alpaca bracket and OTO orders are for whole shares, got ${r.qty}`;
  if (r.expireTimeMs !== undefined) return 'expireTimeMs: alpaca bracket and OTO orders have no expiry time';
  if (r.exits !== undefined || entry.links.parentId !== undefined || entry.links.ocoGroup !== undefined) return 'the entry has exits or links of its own';
  return null;
}

/**
 * Why a bracket child (an order with a parent) cannot be sent as a leg of its entry's request, or null when
 * it can: a limit take-profit `<entry>-tp` or a stop / stop-limit stop-loss `<entry>-sl` in the group
 * `<entry>-exits`, closing all of the entry (same symbol and time in force, the other side), at most one of
 * each. `legs` are the children already riding with the entry.
 */
export function bracketLegProblem(leg: Order, entry: Order, legs: readonly Order[]): string | null {
  const r = leg.request;
  const named = parseLegId(leg.id);
  if (named === null || named.entryId !== entry.id) return `id: a leg of alpaca's bracket is named ${legId(entry.id, 'tp')} or ${legId(entry.id, 'sl')}, got ${leg.id}`;
  if (leg.links.ocoGroup !== exitGroupOf(entry.id)) return `ocoGroup: a leg of alpaca's bracket is in the group ${exitGroupOf(entry.id)}, got ${leg.links.ocoGroup ?? 'none'}`;
  const entryProblem = bracketEntryProblem(entry);
  if (entryProblem !== null) return `entry ${entry.id}: ${entryProblem}`;
  if (named.role === 'tp' && r.type !== 'limit') return `type: alpaca's take-profit leg is a limit order, got ${r.type}`;
  if (named.role === 'sl' && r.type !== 'stop' && r.type !== 'stop-limit') return `type: alpaca's stop-loss leg is a stop or stop-limit order, got ${r.type}`;
  if (legs.some((l) => parseLegId(l.id)?.role === named.role)) return `id: the entry already has a ${named.role} leg`;
  if (r.symbol !== entry.symbol || r.side !== oppositeSide(entry.side)) return 'symbol/side: a leg closes its entry (same symbol, the other side)';
  if (Math.abs(r.qty - entry.qty) > 1e-9) return `qty: alpaca's legs are for the entry's quantity ${entry.qty}, got ${r.qty}`;
  if (leg.tif !== entry.tif) return `tif: alpaca's legs take their entry's time in force ${entry.tif}, got ${leg.tif}`;
  if (r.trailing !== undefined || r.exits !== undefined || r.expireTimeMs !== undefined) return 'a leg of alpaca\'s bracket has no trailing offset, exits or expiry time';
  return null;
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

/** The 'oco' fields of a take-profit's request with its stop leg. */
export function ocoFields(tp: Order, stop: Order, decimal: (x: number) => string): Pick<NewOrderBody, 'orderClass' | 'takeProfit' | 'stopLoss'> {
  return {
    orderClass: 'oco',
    takeProfit: { limitPrice: decimal(tp.limitPrice!) },
    stopLoss: { stopPrice: decimal(stop.stopPrice!), ...(stop.type === 'stop-limit' && { limitPrice: decimal(stop.limitPrice!) }) },
  };
}

/** The order class and legs of a native entry's request, from its legs' Sextant orders (`<entry>-sl`/`-tp`). */
export function classFields(legs: readonly Order[], decimal: (x: number) => string): Pick<NewOrderBody, 'orderClass' | 'takeProfit' | 'stopLoss'> {
  const sl = legs.find((l) => parseLegId(l.id)?.role === 'sl');
  const tp = legs.find((l) => parseLegId(l.id)?.role === 'tp');
  return {
    orderClass: sl !== undefined && tp !== undefined ? 'bracket' : 'oto',
    ...(tp !== undefined && { takeProfit: { limitPrice: decimal(tp.limitPrice!) } }),
    ...(sl !== undefined && { stopLoss: { stopPrice: decimal(sl.stopPrice!), ...(sl.type === 'stop-limit' && { limitPrice: decimal(sl.limitPrice!) }) } }),
  };
}
