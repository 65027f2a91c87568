// Reconciliation of what the store believes with what the venue reports, before a restarted node trades
// (NautilusTrader's execution reconciliation is the reference). Pure: it takes the local state and the
// venue's mass status and returns what to do. The venue is the source of truth for what happened while
// the node was down; what it cannot explain is a mismatch, and a node with a mismatch does not trade
// (it fails closed, with a report that says exactly what differs).
//
// Work is per order, not per trade id: a store keeps its own fill ids, and a venue's fill list may not
// reach back far enough. An order the venue has filled further than the store knows gets the missing
// quantity booked from the venue's fills of that order (the ones past what the store holds), or, when
// those are out of reach, as one inferred fill at the price that makes the venue's average come out.
import type { OrderSide, OrderType } from '../model/order.ts';
import type { MassStatus } from './mass-status.ts';
import type { FillReport, OrderStatusReport } from './reports.ts';

/** Quantity tolerance (float64 sums of partial fills). */
const QTY_EPS = 1e-9;

/** An order the store holds as not finished. */
export interface LocalOrder {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  /** 'initialized': persisted before sending; the venue may never have seen it. */
  readonly status: string;
  readonly filledQty: number;
  readonly avgFillPrice: number;
}

export interface LocalState {
  /** Orders the store holds as not finished. */
  readonly openOrders: readonly LocalOrder[];
  /** Every client order id of the run (finished ones too): a venue order outside it is external. */
  readonly isKnownOrder: (clientOrderId: string) => boolean;
  /** Net position per symbol over all strategies, from the stored fills. */
  readonly positions: ReadonlyMap<string, number>;
}

/** One fill to book into the store and the portfolio. `inferred`: derived from the venue's order totals. */
export interface ReconciledFill {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  readonly tsMs: number;
  readonly tradeId: string | null;
  readonly inferred: boolean;
}

export type ReconcileAction =
  /** Fills the venue made while the node was down. */
  | { readonly kind: 'book-fill'; readonly fill: ReconciledFill }
  /** A local order the venue has finished (filled, canceled, expired, rejected) or never knew. */
  | { readonly kind: 'finish-order'; readonly clientOrderId: string; readonly status: 'filled' | 'canceled' | 'expired' | 'rejected'; readonly reason: string }
  /** An order persisted before sending that the venue never received: send it now. */
  | { readonly kind: 'resend'; readonly clientOrderId: string }
  /** A working order at the venue that this run did not place: tracked as the strategy 'external'. */
  | { readonly kind: 'adopt-order'; readonly report: OrderStatusReport };

export interface Mismatch {
  readonly kind: 'position' | 'order';
  readonly symbol: string;
  readonly clientOrderId?: string;
  readonly message: string;
}

export interface ReconcileResult {
  readonly actions: readonly ReconcileAction[];
  readonly mismatches: readonly Mismatch[];
  /** One line per action and per mismatch, for the log, the status and the operator. */
  readonly report: readonly string[];
  readonly ok: boolean;
}

/** The strategy id under which orders and fills this run did not make are tracked. */
export const EXTERNAL_STRATEGY = 'external';

const TERMINAL_AT_VENUE = new Set(['filled', 'canceled', 'expired', 'rejected']);

function signed(side: OrderSide, qty: number): number {
  return side === 'buy' ? qty : -qty;
}

function fmt(x: number): string {
  return String(+x.toPrecision(12));
}

/**
 * The fills of `venue` (an order's total as the venue reports it) that the store does not hold yet:
 * the venue's own fills past `localFilled`, else one inferred fill for the difference.
 */
function missingFills(local: { clientOrderId: string; strategyId: string; symbol: string; side: OrderSide; filledQty: number; avgFillPrice: number }, venue: OrderStatusReport, venueFills: readonly FillReport[], nowMs: number): ReconciledFill[] {
  const missing = venue.filledQty - local.filledQty;
  if (missing <= QTY_EPS) return [];
  const own = venueFills.filter((f) => f.clientOrderId === local.clientOrderId);
  const ownTotal = own.reduce((s, f) => s + f.qty, 0);
  // The venue's list holds this order's fills from some point on: those past what the store holds are new.
  if (ownTotal + QTY_EPS >= missing) {
    const out: ReconciledFill[] = [];
    let skip = ownTotal - missing;
    for (const f of own) {
      const take = Math.min(f.qty, f.qty - skip);
      skip = Math.max(0, skip - f.qty);
      if (take <= QTY_EPS) continue;
      out.push({ clientOrderId: local.clientOrderId, strategyId: local.strategyId, symbol: local.symbol, side: local.side, qty: take, price: f.price, commission: f.commission * (take / f.qty), tsMs: f.tsEventMs, tradeId: f.tradeId, inferred: false });
    }
    return out;
  }
  // Out of the list's reach: one fill at the price that turns the stored average into the venue's.
  const price = (venue.avgFillPrice * venue.filledQty - local.avgFillPrice * local.filledQty) / missing;
  return [{ clientOrderId: local.clientOrderId, strategyId: local.strategyId, symbol: local.symbol, side: local.side, qty: missing, price: price > 0 ? price : venue.avgFillPrice, commission: 0, tsMs: venue.updatedMs || nowMs, tradeId: null, inferred: true }];
}

/**
 * Compares the store's view (`local`) with the venue's mass status. `queried` holds the venue's answer
 * (`queryOrder`) for each local open order missing from the venue's open orders (null: the venue does not
 * know it). Returns the actions that bring the store in line with the venue, and the mismatches that
 * remain after them: any mismatch means the node must not trade.
 */
export function reconcile(local: LocalState, venue: MassStatus, queried: ReadonlyMap<string, OrderStatusReport | null>, nowMs: number): ReconcileResult {
  const actions: ReconcileAction[] = [];
  const mismatches: Mismatch[] = [];
  const report: string[] = [];
  const delta = new Map<string, number>();
  const move = (symbol: string, qty: number): void => void delta.set(symbol, (delta.get(symbol) ?? 0) + qty);
  const book = (fills: readonly ReconciledFill[], why: string): void => {
    for (const fill of fills) {
      actions.push({ kind: 'book-fill', fill });
      move(fill.symbol, signed(fill.side, fill.qty));
      report.push(`booked ${fill.inferred ? 'inferred ' : ''}fill of ${fill.clientOrderId} (${fill.strategyId}): ${fill.symbol} ${fill.side} ${fmt(fill.qty)} @ ${fmt(fill.price)}${fill.tradeId !== null ? ` (trade ${fill.tradeId})` : ''}: ${why}`);
    }
  };
  const venueOpen = new Map(venue.openOrders.map((o) => [o.clientOrderId, o]));

  for (const o of local.openOrders) {
    const open = venueOpen.get(o.clientOrderId);
    const r = open ?? queried.get(o.clientOrderId) ?? null;
    if (r === null) {
      if (!queried.has(o.clientOrderId)) {
        mismatches.push({ kind: 'order', symbol: o.symbol, clientOrderId: o.clientOrderId, message: `order ${o.clientOrderId} is open in the store but neither listed nor queried at ${venue.venue}` });
      } else if (o.status === 'initialized') {
        actions.push({ kind: 'resend', clientOrderId: o.clientOrderId });
        report.push(`order ${o.clientOrderId} (${o.symbol} ${o.side} ${fmt(o.qty)}) never reached ${venue.venue}: sent now`);
      } else if (o.filledQty > QTY_EPS) {
        mismatches.push({ kind: 'order', symbol: o.symbol, clientOrderId: o.clientOrderId, message: `order ${o.clientOrderId} has ${fmt(o.filledQty)} filled in the store but ${venue.venue} does not know it` });
      } else {
        // Sent but never taken: nothing can have executed, so it ends here (it is not sent again: a
        // strategy decides afresh, and a second send could double a position if the first shows up later).
        actions.push({ kind: 'finish-order', clientOrderId: o.clientOrderId, status: 'rejected', reason: `unknown to ${venue.venue} at reconciliation` });
        report.push(`order ${o.clientOrderId} (${o.symbol} ${o.side} ${fmt(o.qty)}) is unknown to ${venue.venue}: marked rejected (nothing executed)`);
      }
      continue;
    }
    if (r.symbol !== o.symbol || r.side !== o.side) {
      mismatches.push({ kind: 'order', symbol: o.symbol, clientOrderId: o.clientOrderId, message: `order ${o.clientOrderId} is ${o.symbol} ${o.side} in the store but ${r.symbol} ${r.side} at ${venue.venue}` });
      continue;
    }
    if (r.filledQty + QTY_EPS < o.filledQty) {
      mismatches.push({ kind: 'order', symbol: o.symbol, clientOrderId: o.clientOrderId, message: `order ${o.clientOrderId} has ${fmt(o.filledQty)} filled in the store but only ${fmt(r.filledQty)} at ${venue.venue}` });
      continue;
    }
    book(missingFills(o, r, venue.fills, nowMs), open !== undefined ? 'filled at the venue while the node was down (still working)' : `filled at the venue while the node was down (${r.status})`);
    if (open === undefined && TERMINAL_AT_VENUE.has(r.status)) {
      actions.push({ kind: 'finish-order', clientOrderId: o.clientOrderId, status: r.status as 'filled' | 'canceled' | 'expired' | 'rejected', reason: r.reason || `${r.status} at ${venue.venue} while the node was down` });
      report.push(`order ${o.clientOrderId} was ${r.status} at ${venue.venue} while the node was down${r.reason ? ` (${r.reason})` : ''}`);
    } else if (open === undefined) {
      mismatches.push({ kind: 'order', symbol: o.symbol, clientOrderId: o.clientOrderId, message: `order ${o.clientOrderId} is ${r.status} at ${venue.venue} but not among its open orders` });
    }
  }

  // Working orders at the venue that this run never placed: adopted, with what they have filled.
  const localOpen = new Set(local.openOrders.map((o) => o.clientOrderId));
  for (const r of venue.openOrders) {
    if (localOpen.has(r.clientOrderId)) continue;
    if (local.isKnownOrder(r.clientOrderId)) {
      mismatches.push({ kind: 'order', symbol: r.symbol, clientOrderId: r.clientOrderId, message: `order ${r.clientOrderId} is finished in the store but working at ${venue.venue} (${r.status})` });
      continue;
    }
    actions.push({ kind: 'adopt-order', report: r });
    report.push(`adopted external order ${r.clientOrderId} (venue ${r.venueOrderId}): ${r.symbol} ${r.side} ${fmt(r.qty)} ${r.type as OrderType}${r.limitPrice !== null ? ` @ ${fmt(r.limitPrice)}` : ''}, ${fmt(r.filledQty)} filled`);
    book(missingFills({ clientOrderId: r.clientOrderId, strategyId: EXTERNAL_STRATEGY, symbol: r.symbol, side: r.side, filledQty: 0, avgFillPrice: 0 }, r, venue.fills, nowMs), 'external order');
  }
  // Fills of orders that are neither ours nor open at the venue: external trades, booked as such.
  const external = venue.fills.filter((f) => !local.isKnownOrder(f.clientOrderId) && !venueOpen.has(f.clientOrderId));
  book(external.map((f) => ({ clientOrderId: f.clientOrderId, strategyId: EXTERNAL_STRATEGY, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, commission: f.commission, tsMs: f.tsEventMs, tradeId: f.tradeId, inferred: false })), 'external trade');

  // Positions: after what was booked, the store's net per symbol must be the venue's.
  const venuePos = new Map(venue.positions.map((p) => [p.symbol, p.qty]));
  const symbols = new Set([...local.positions.keys(), ...venuePos.keys(), ...delta.keys()]);
  for (const symbol of [...symbols].sort()) {
    const mine = (local.positions.get(symbol) ?? 0) + (delta.get(symbol) ?? 0);
    const theirs = venuePos.get(symbol) ?? 0;
    if (Math.abs(mine - theirs) > QTY_EPS * Math.max(1, Math.abs(theirs))) {
      const booked = delta.get(symbol) ?? 0;
      mismatches.push({ kind: 'position', symbol, message: `position ${symbol}: store ${fmt(local.positions.get(symbol) ?? 0)}${booked !== 0 ? ` + ${fmt(booked)} booked now = ${fmt(mine)}` : ''}, ${venue.venue} ${fmt(theirs)} (no order or fill explains the difference of ${fmt(theirs - mine)})` });
    }
  }
  for (const m of mismatches) report.push(`MISMATCH ${m.message}`);
  return { actions, mismatches, report, ok: mismatches.length === 0 };
}
