// The ExecutionEngine: the one owner of order state. Commands (submit, cancel) go through it to the
// ExecutionClient that trades the order's instrument; what clients report comes back through it, is
// checked against the order state machine (model/order-status.ts) and booked in the OrderCache before
// anyone else hears of it. A duplicate or out-of-order report (a second copy of a fill, 'accepted' after
// 'filled', a fill for a canceled order) is counted and dropped, never applied.
//
// Two ways in for reports:
// - `onOrderEvent(event, order)`: a client that shares the engine's Order object and moves it itself
//   (the simulated venue today). The engine checks the move against what it has booked of the order.
// - `onReport(report)`: a client that only reports, by client or venue order id (broker adapters). The
//   engine moves the order itself, and books each fill id once.
import { InvariantError } from '../core/errors.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';
import { canTransition, type OrderStatus } from '../model/order-status.ts';
import type { Order } from '../model/order.ts';
import type { ExecutionClient, ExecutionSink, OrderModification } from './execution-client.ts';
import { OrderCache, type CachedOrder } from './order-cache.ts';

/** What a report-only client says about one order. */
export interface OrderReport {
  readonly kind: 'submitted' | 'accepted' | 'rejected' | 'triggered' | 'updated' | 'canceled' | 'expired' | 'fill';
  /** The order's client order id; may be left out when the venue order id is known to the engine. */
  readonly clientOrderId?: string;
  readonly venueOrderId?: string;
  readonly tsEventMs: number;
  readonly reason?: string;
  /** Fills only. */
  readonly fill?: { readonly fillId: string; readonly qty: number; readonly price: number; readonly commission: number; readonly liquidity: 'maker' | 'taker' };
  /** Updates only: the order's new total quantity and levels. */
  readonly qty?: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
}

/** Reports the engine dropped, by why. */
export interface ReportAnomalies {
  /** A copy of something already booked: the same status again, a fill id seen before, a fill beyond what was ordered. */
  duplicates: number;
  /** A move the state machine does not allow from where the order is (e.g. 'accepted' after 'filled'). */
  outOfOrder: number;
  /** A report for an order the engine does not know. */
  unknown: number;
}

const FILL_EPS = 1e-9;

/** Hears every report the engine applied, with the order's cache entry (null for a denied order). */
export interface EngineSink {
  onOrderEvent(event: OrderEvent, order: Order, entry: CachedOrder | null): void;
}

/** What the engine needs of an ExecutionClient to route commands (kept small: the port grows around it). */
export type OrderRoute = Pick<ExecutionClient, 'submit' | 'cancel'> & Partial<Pick<ExecutionClient, 'modify' | 'adopt'>>;

export class ExecutionEngine implements ExecutionSink {
  readonly cache: OrderCache;
  readonly anomalies: ReportAnomalies = { duplicates: 0, outOfOrder: 0, unknown: 0 };
  #default: OrderRoute | null = null;
  /** Whether a strategy id is one this engine's owner runs (orders of others are never adopted). */
  owns: ((strategyId: string) => boolean) | null = null;
  /** Clients by symbol, for symbols not traded through the default client. */
  readonly #routes = new Map<string, OrderRoute>();

  /** `sink` hears every report the engine applied (the kernel: portfolio, strategies, store). */
  constructor(
    private readonly sink: EngineSink,
    cache: OrderCache = new OrderCache(),
  ) {
    this.cache = cache;
  }

  /** Registers a client: for the listed symbols, or as the default for every other symbol. */
  addClient(client: OrderRoute, symbols?: readonly string[]): void {
    if (symbols === undefined) this.#default = client;
    else for (const s of symbols) this.#routes.set(s, client);
  }

  /** The client that trades `symbol`. */
  clientFor(symbol: string): OrderRoute {
    const c = this.#routes.size === 0 ? this.#default : (this.#routes.get(symbol) ?? this.#default);
    if (c === null) throw new InvariantError(`execution engine: no client trades ${symbol}`);
    return c;
  }

  // ---- commands ----

  /**
   * Books a new order (already risk-checked) in the cache and sends it to its client; `reserved`
   * (per unit and in total) is what the sender reserved for it, kept on its entry.
   */
  submit(order: Order, nowMs: number, reservedPerUnit = 0, reserved = 0): void {
    const client = this.clientFor(order.symbol);
    const e = this.cache.add(order);
    // An order sent again after a restart (same id) with part of it filled before: that part is booked
    // already, as for an adopted order. From zero, the fill of its rest would leave the entry working.
    e.filledQty = order.filledQty;
    if (reserved > 0) {
      e.reservedPerUnit = reservedPerUnit;
      e.reserved = reserved;
    }
    client.submit(order, nowMs);
  }

  /**
   * Books an order the venue is already working (restored after a restart and reconciled) and tells its
   * client to follow it; nothing is sent. A client that cannot follow orders across restarts is an error.
   */
  adopt(order: Order): void {
    const client = this.clientFor(order.symbol);
    if (client.adopt === undefined) throw new InvariantError(`execution engine: the client trading ${order.symbol} cannot adopt working order ${order.id}`);
    // What filled before the restart is the entry's own already: later fills count from there.
    this.cache.add(order).filledQty = order.filledQty;
    client.adopt(order);
  }

  /** Books an order that pre-trade risk denied (never sent) and tells the sink. */
  deny(order: Order, nowMs: number, reason: string): void {
    order.transition('denied', nowMs, reason);
    this.cache.addFinished(order);
    this.sink.onOrderEvent({ type: 'OrderDenied', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs, reason }, order, null);
  }

  /** Asks the order's client to cancel it; an unknown or finished order is left alone (false). */
  cancel(orderId: string, nowMs: number, reason?: string): boolean {
    const e = this.cache.entry(orderId);
    if (e === undefined || e === null) return false;
    this.clientFor(e.order.symbol).cancel(orderId, nowMs, reason);
    return true;
  }

  /**
   * Asks the order's client to change a working order (quantity, limit, trigger); the client answers with
   * `OrderUpdated` (or refuses). False when the order is unknown or finished, or its client cannot modify.
   */
  modify(orderId: string, changes: OrderModification, nowMs: number): boolean {
    const e = this.cache.entry(orderId);
    if (e === undefined || e === null) return false;
    const client = this.clientFor(e.order.symbol);
    if (client.modify === undefined) return false;
    client.modify(orderId, changes, nowMs);
    return true;
  }

  // ---- reports from a client that shares the Order object ----

  onOrderEvent(event: OrderEvent, order: Order): void {
    let e = this.cache.entryOf(order);
    if (e === null) {
      if (this.cache.holds(order)) {
        this.#late(order, event.type === 'OrderFilled' ? 'fill' : event.type === 'OrderUpdated' ? 'update' : statusOf(event.type));
        return;
      }
      // Orders a client makes itself (the simulated venue's exit attachments) are adopted when they first show
      // up; an order of no strategy here (placed at the venue by someone else) is not.
      if (event.type !== 'OrderSubmitted' || (this.owns !== null && !this.owns(order.strategyId))) {
        this.anomalies.unknown++;
        return;
      }
      e = this.cache.add(order, 'initialized');
    }
    let to: OrderStatus;
    if (event.type === 'OrderFilled') {
      // The client has booked this fill into the order already: anything beyond the order's own
      // filled quantity is a copy of a fill booked before.
      const qty = event.fill.qty;
      const booked = e.filledQty + qty;
      if (!(qty > 0) || booked > order.filledQty + FILL_EPS) {
        this.anomalies.duplicates++;
        return;
      }
      to = order.qty - booked <= FILL_EPS ? 'filled' : 'partially-filled';
      if (!canTransition(e.status, to)) {
        this.anomalies.outOfOrder++;
        return;
      }
      e.filledQty = booked;
    } else if (event.type === 'OrderUpdated') {
      this.sink.onOrderEvent(event, order, e);
      return;
    } else {
      to = statusOf(event.type);
      if (!this.#legal(e, to)) return;
    }
    this.cache.setStatus(e, to);
    this.sink.onOrderEvent(event, order, e);
  }

  // ---- reports from a client that only reports ----

  onReport(r: OrderReport): void {
    const o = (r.clientOrderId === undefined ? undefined : this.cache.get(r.clientOrderId)) ?? (r.venueOrderId === undefined ? undefined : this.cache.getByVenueId(r.venueOrderId));
    if (o === undefined) {
      this.anomalies.unknown++;
      return;
    }
    const e = this.cache.entryOf(o);
    if (e === null) {
      this.#late(o, r.kind === 'fill' ? 'fill' : r.kind === 'updated' ? 'update' : statusOf(EVENT_OF[r.kind]));
      return;
    }
    const base = { orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: r.tsEventMs };
    if (r.kind === 'updated') {
      this.#noteVenueId(e, r);
      // A new quantity must stay above what has filled: anything else is a report the engine cannot apply.
      if (r.qty !== undefined && !(r.qty > o.filledQty + FILL_EPS)) {
        this.anomalies.outOfOrder++;
        return;
      }
      o.amend({ qty: r.qty, limitPrice: r.limitPrice, stopPrice: r.stopPrice }, r.tsEventMs);
      this.sink.onOrderEvent({ ...base, type: 'OrderUpdated' }, o, e);
      return;
    }
    if (r.kind === 'fill') {
      const f = r.fill;
      if (f === undefined) throw new InvariantError(`fill report for ${o.id} without a fill`);
      if (e.fillIds?.has(f.fillId) === true || !(f.qty > 0) || f.qty > o.leavesQty + FILL_EPS) {
        this.anomalies.duplicates++;
        return;
      }
      const to: OrderStatus = o.leavesQty - f.qty <= FILL_EPS ? 'filled' : 'partially-filled';
      this.#implySubmitted(e, to, r.tsEventMs);
      if (!this.#legal(e, to)) return;
      this.#noteVenueId(e, r);
      (e.fillIds ??= new Set()).add(f.fillId);
      o.applyFill(f.qty, f.price, f.commission, r.tsEventMs);
      e.filledQty = o.filledQty;
      this.cache.setStatus(e, o.status);
      const fill: Fill = { orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, side: o.side, qty: f.qty, price: f.price, commission: f.commission, liquidity: f.liquidity, tsEventMs: r.tsEventMs };
      this.sink.onOrderEvent({ ...base, type: 'OrderFilled', fill, status: o.status }, o, e);
      return;
    }
    let event: OrderEvent;
    switch (r.kind) {
      case 'submitted':
        event = { ...base, type: 'OrderSubmitted' };
        break;
      case 'accepted':
        event = { ...base, type: 'OrderAccepted' };
        break;
      case 'triggered':
        event = { ...base, type: 'OrderTriggered' };
        break;
      case 'expired':
        event = { ...base, type: 'OrderExpired' };
        break;
      case 'rejected':
        event = { ...base, type: 'OrderRejected', reason: r.reason || 'rejected by the venue' };
        break;
      case 'canceled':
        event = { ...base, type: 'OrderCanceled', reason: r.reason || 'canceled by the venue' };
        break;
    }
    const to = statusOf(event.type);
    this.#implySubmitted(e, to, r.tsEventMs);
    if (!this.#legal(e, to)) return;
    this.#noteVenueId(e, r);
    if (to === 'triggered') o.triggered = true;
    o.transition(to, r.tsEventMs, r.reason);
    this.cache.setStatus(e, to);
    this.sink.onOrderEvent(event, o, e);
  }

  /**
   * Any answer from the venue means it has the order: a venue that acknowledges with 'accepted' (or
   * fills, rejects, cancels) without saying 'submitted' first has submitted it all the same.
   */
  #implySubmitted(e: CachedOrder, to: OrderStatus, tsMs: number): void {
    if (e.status !== 'initialized' || to === 'submitted' || !canTransition('submitted', to)) return;
    const o = e.order;
    o.transition('submitted', tsMs);
    this.cache.setStatus(e, 'submitted');
    this.sink.onOrderEvent({ type: 'OrderSubmitted', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: tsMs }, o, e);
  }

  /**
   * Counts a report about a finished order: a copy of its last status, or a fill beyond what it
   * filled, is a duplicate; anything else (a fill or an update after a cancel, 'accepted' after
   * 'filled') is out of order.
   */
  #late(o: Order, what: OrderStatus | 'fill' | 'update'): void {
    if (what === o.status || (what === 'fill' && !(o.leavesQty > FILL_EPS))) this.anomalies.duplicates++;
    else this.anomalies.outOfOrder++;
  }

  /** Whether the order may move to `to`; counts the report when not. */
  #legal(e: CachedOrder, to: OrderStatus): boolean {
    if (canTransition(e.status, to)) return true;
    if (e.status === to) this.anomalies.duplicates++;
    else this.anomalies.outOfOrder++;
    return false;
  }

  #noteVenueId(e: CachedOrder, r: OrderReport): void {
    if (r.venueOrderId !== undefined) this.cache.setVenueId(e.order, r.venueOrderId);
  }
}

const EVENT_OF = {
  submitted: 'OrderSubmitted', accepted: 'OrderAccepted', rejected: 'OrderRejected', triggered: 'OrderTriggered', canceled: 'OrderCanceled', expired: 'OrderExpired',
} as const;

/** The status an order event moves its order to (fills and updates are handled apart). */
function statusOf(type: Exclude<OrderEvent['type'], 'OrderFilled' | 'OrderUpdated'>): OrderStatus {
  switch (type) {
    case 'OrderSubmitted':
      return 'submitted';
    case 'OrderAccepted':
      return 'accepted';
    case 'OrderRejected':
      return 'rejected';
    case 'OrderTriggered':
      return 'triggered';
    case 'OrderCanceled':
      return 'canceled';
    case 'OrderExpired':
      return 'expired';
    case 'OrderDenied':
      return 'denied';
  }
}
