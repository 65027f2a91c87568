// The orders a broker adapter was handed, and the one place where what the venue says about them turns
// into order events. Venues repeat themselves and change the order of their messages (a stream replayed
// after a reconnect, a REST gap fill overlapping the stream, a cancel confirmation overtaking the fill it
// raced with), so every update is applied at most once and never backwards:
// - a fill is applied once per venue trade id; a repeat is ignored;
// - a status that the order has already passed (an 'accepted' after a fill) is ignored as stale;
// - a terminal status that says more has filled than the fills heard so far (cumFilledQty) waits for
//   those fills and is applied after them, so no fill is lost to a cancel that overtook it.
// Anything that cannot be applied (a fill beyond the order's quantity, a fill of an order this process
// does not know) goes to the anomaly hook for reconciliation to explain; it never throws at the caller.
import type { CommandRejectedEvent, ExecutionSink } from '../../execution/execution-client.ts';
import type { FillReport } from '../../execution/reports.ts';
import type { OrderEvent } from '../../model/events.ts';
import type { Fill } from '../../model/fill.ts';
import type { Order } from '../../model/order.ts';
import { canTransition } from '../../model/order-status.ts';

const EPS = 1e-9;

/** A venue's report of one execution. */
export interface VenueFill {
  /** The venue's id of this execution: a repeated id is the same fill reported again. */
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly qty: number;
  readonly price: number;
  /** In the account currency. */
  readonly commission: number;
  /** The fee as charged, when not in the account currency (model/fill.ts). */
  readonly commissionAsset?: string;
  readonly commissionQty?: number;
  readonly liquidity: 'maker' | 'taker';
  readonly tsEventMs: number;
}

/** Statuses a venue reports that change an order without a fill. */
export type VenueStatus = 'accepted' | 'triggered' | 'canceled' | 'expired' | 'rejected';

export interface StatusDetail {
  readonly reason?: string;
  /** What the venue says has filled in all, when it says it (lets a terminal status wait for late fills). */
  readonly cumFilledQty?: number;
}

/** Something the venue said that could not be applied to the orders as they stand. */
export interface TrackerAnomaly {
  readonly kind: 'unknown-order' | 'overfill' | 'fill-after-close' | 'illegal-status';
  readonly clientOrderId: string;
  readonly detail: string;
  readonly fill?: VenueFill;
}

export interface TrackerHooks {
  onAnomaly?(a: TrackerAnomaly): void;
}

interface PendingTerminal {
  readonly status: 'canceled' | 'expired' | 'rejected';
  readonly tsEventMs: number;
  readonly reason: string;
  readonly cumFilledQty: number;
}

export class VenueOrderTracker {
  readonly #orders = new Map<string, Order>();
  readonly #venueIds = new Map<string, string>();
  readonly #byVenueId = new Map<string, string>();
  readonly #tradeIds = new Set<string>();
  readonly #fills: FillReport[] = [];
  readonly #pendingTerminal = new Map<string, PendingTerminal>();
  /** Fills heard for an id before its order was added (the stream can beat the submit's answer). */
  readonly #early = new Map<string, VenueFill[]>();

  constructor(
    readonly venue: string,
    private readonly sink: ExecutionSink,
    private readonly hooks: TrackerHooks = {},
  ) {}

  /** Starts tracking an order (done by `submitted`; call it directly for orders adopted at a restart). */
  add(order: Order): void {
    this.#orders.set(order.id, order);
    const early = this.#early.get(order.id);
    if (early !== undefined) {
      this.#early.delete(order.id);
      for (const f of early) this.#applyFill(order, f);
    }
  }

  get(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId);
  }

  has(clientOrderId: string): boolean {
    return this.#orders.has(clientOrderId);
  }

  /** Orders still working (not terminal), oldest first. */
  open(): Order[] {
    const out: Order[] = [];
    for (const o of this.#orders.values()) if (!o.isClosed) out.push(o);
    return out;
  }

  linkVenueId(clientOrderId: string, venueOrderId: string): void {
    const previous = this.#venueIds.get(clientOrderId);
    if (previous === venueOrderId) return;
    if (previous !== undefined) this.#byVenueId.delete(previous);
    this.#venueIds.set(clientOrderId, venueOrderId);
    this.#byVenueId.set(venueOrderId, clientOrderId);
  }

  venueIdOf(clientOrderId: string): string | undefined {
    return this.#venueIds.get(clientOrderId);
  }

  byVenueId(venueOrderId: string): Order | undefined {
    const id = this.#byVenueId.get(venueOrderId);
    return id === undefined ? undefined : this.#orders.get(id);
  }

  /** The order left for the venue: initialized -> submitted, OrderSubmitted, and tracked from now on. */
  submitted(order: Order, tsEventMs: number): void {
    if (order.status === 'initialized') {
      order.transition('submitted', tsEventMs);
      this.#emit({ type: 'OrderSubmitted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs }, order);
    }
    this.add(order);
  }

  /** The client or the venue refused the order outright (submitted first if it never was). */
  rejected(order: Order, reason: string, tsEventMs: number): void {
    if (order.status === 'initialized') this.submitted(order, tsEventMs);
    this.status(order.id, 'rejected', tsEventMs, { reason });
  }

  /** Applies a status the venue reports; returns whether it changed the order. */
  status(clientOrderId: string, to: VenueStatus, tsEventMs: number, detail: StatusDetail = {}): boolean {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined) {
      this.hooks.onAnomaly?.({ kind: 'unknown-order', clientOrderId, detail: `status ${to} for an order this client does not know` });
      return false;
    }
    if (order.isClosed) return false;
    const reason = detail.reason ?? '';
    switch (to) {
      case 'accepted':
        if (order.status !== 'submitted' && order.status !== 'pending-update' && order.status !== 'pending-cancel') return false;
        // Back from a pending cancel or update: working again, with what has filled kept.
        order.transition(order.filledQty > EPS && order.status !== 'submitted' ? 'partially-filled' : 'accepted', tsEventMs);
        this.#emit({ type: 'OrderAccepted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs }, order);
        return true;
      case 'triggered':
        if (order.triggered || order.status === 'partially-filled') return false;
        if (order.status === 'submitted') this.status(clientOrderId, 'accepted', tsEventMs);
        if (!canTransition(order.status, 'triggered')) return false;
        order.triggered = true;
        order.transition('triggered', tsEventMs);
        this.#emit({ type: 'OrderTriggered', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs }, order);
        return true;
      case 'canceled':
      case 'expired':
      case 'rejected': {
        const cum = detail.cumFilledQty;
        if (cum !== undefined && cum > order.filledQty + EPS) {
          // The venue has filled more than this process has heard: apply the terminal status after those fills.
          this.#pendingTerminal.set(clientOrderId, { status: to, tsEventMs, reason, cumFilledQty: cum });
          return false;
        }
        return this.#terminal(order, to, tsEventMs, reason);
      }
    }
  }

  /** Applies a fill once per trade id; false when it was heard before. */
  fill(f: VenueFill): boolean {
    if (this.#tradeIds.has(f.tradeId)) return false;
    const order = this.#orders.get(f.clientOrderId);
    if (order === undefined) {
      this.#tradeIds.add(f.tradeId);
      const list = this.#early.get(f.clientOrderId);
      if (list === undefined) this.#early.set(f.clientOrderId, [f]);
      else list.push(f);
      return true;
    }
    this.#tradeIds.add(f.tradeId);
    this.#applyFill(order, f);
    return true;
  }

  /** The venue accepted a modification: OrderUpdated (a pending update goes back to working). */
  amended(clientOrderId: string, m: { readonly qty?: number; readonly limitPrice?: number; readonly stopPrice?: number }, tsEventMs: number): boolean {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined || order.isClosed) return false;
    if (m.qty !== undefined && !(m.qty > order.filledQty + EPS)) {
      this.hooks.onAnomaly?.({ kind: 'illegal-status', clientOrderId, detail: `amended quantity ${m.qty} is not above the ${order.filledQty} filled` });
      return false;
    }
    order.amend(m, tsEventMs);
    if (order.status === 'pending-update') order.transition(order.filledQty > 0 ? 'partially-filled' : order.triggered ? 'triggered' : 'accepted', tsEventMs);
    this.#emit({ type: 'OrderUpdated', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs }, order);
    return true;
  }

  /** A command refused without touching the order. */
  commandRejected(command: CommandRejectedEvent['command'], clientOrderId: string, reason: string, tsEventMs: number): void {
    this.sink.onCommandRejected?.({ type: 'CommandRejected', command, clientOrderId, reason, tsEventMs });
  }

  /** Every fill applied, in the order heard, at or after `sinceMs`. */
  fillReports(sinceMs = 0): FillReport[] {
    return this.#fills.filter((f) => f.tsEventMs >= sinceMs);
  }

  /** Trade ids heard (applied, early or anomalous): a gap fill skips these. */
  hasTrade(tradeId: string): boolean {
    return this.#tradeIds.has(tradeId);
  }

  #applyFill(order: Order, f: VenueFill): void {
    if (order.isClosed) {
      this.hooks.onAnomaly?.({ kind: 'fill-after-close', clientOrderId: order.id, detail: `fill ${f.tradeId} of ${f.qty} after the order was ${order.status}`, fill: f });
      return;
    }
    if (!(f.qty > 0) || f.qty > order.leavesQty + EPS) {
      this.hooks.onAnomaly?.({ kind: 'overfill', clientOrderId: order.id, detail: `fill ${f.tradeId} of ${f.qty} exceeds the ${order.leavesQty} left`, fill: f });
      return;
    }
    const qty = Math.min(f.qty, order.leavesQty);
    order.applyFill(qty, f.price, f.commission, f.tsEventMs);
    const charged = f.commissionAsset === undefined || f.commissionQty === undefined ? null : { commissionAsset: f.commissionAsset, commissionQty: f.commissionQty };
    const fill: Fill = { orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, side: order.side, qty, price: f.price, commission: f.commission, ...charged, liquidity: f.liquidity, tsEventMs: f.tsEventMs };
    this.#fills.push({ tradeId: f.tradeId, clientOrderId: order.id, venueOrderId: this.#venueIds.get(order.id) ?? order.id, symbol: order.symbol, side: order.side, qty, price: f.price, commission: f.commission, ...charged, liquidity: f.liquidity, tsEventMs: f.tsEventMs });
    this.#emit({ type: 'OrderFilled', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: f.tsEventMs, fill, status: order.status }, order);
    const pending = this.#pendingTerminal.get(order.id);
    if (pending !== undefined && !order.isClosed && order.filledQty + EPS >= pending.cumFilledQty) {
      this.#pendingTerminal.delete(order.id);
      this.#terminal(order, pending.status, Math.max(pending.tsEventMs, f.tsEventMs), pending.reason);
    }
    if (order.isClosed) this.#pendingTerminal.delete(order.id);
  }

  #terminal(order: Order, to: 'canceled' | 'expired' | 'rejected', tsEventMs: number, reason: string): boolean {
    // Venues report some endings straight from 'new' (an IOC expiring unfilled); pass through accepted first.
    if (!canTransition(order.status, to) && order.status === 'submitted') this.status(order.id, 'accepted', tsEventMs);
    if (!canTransition(order.status, to)) {
      // A rejection of a partly filled order ends it like a cancel: what filled stays filled.
      if (to === 'rejected' && canTransition(order.status, 'canceled')) return this.#terminal(order, 'canceled', tsEventMs, reason);
      this.hooks.onAnomaly?.({ kind: 'illegal-status', clientOrderId: order.id, detail: `${to} while ${order.status}` });
      return false;
    }
    order.transition(to, tsEventMs, reason);
    const base = { orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs };
    if (to === 'canceled') this.#emit({ ...base, type: 'OrderCanceled', reason }, order);
    else if (to === 'expired') this.#emit({ ...base, type: 'OrderExpired' }, order);
    else this.#emit({ ...base, type: 'OrderRejected', reason }, order);
    return true;
  }

  #emit(event: OrderEvent, order: Order): void {
    this.sink.onOrderEvent(event, order);
  }
}
