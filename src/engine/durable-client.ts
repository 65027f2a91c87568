// Persist-then-send: every order intent is written to the store and committed before the venue sees
// it. Intents queue in arrival order; one flush commits everything appended before it (including
// the fills and events that led to the order), then the queued orders go out in order. The flush starts
// at the end of the turn that queued the first intent (a microtask): the orders one burst of market data
// causes (the bars of a round read from one socket) commit in one transaction instead of one and then the
// rest, which on PGlite is a commit less to wait for (docs/live.md, Performance).
import type { Order } from '../model/order.ts';
import type { ExecutionClient, OrderModification } from '../execution/execution-client.ts';
import { ForwardingExecutionClient } from '../execution/forwarding-client.ts';
import type { OrderInput, Store } from '../store/store.ts';

export function orderInput(order: Order, runId: string): OrderInput {
  const r = order.request;
  return {
    clientOrderId: order.id, runId, strategyId: order.strategyId, symbol: r.symbol, side: r.side, type: r.type, qty: r.qty,
    limitPrice: r.limitPrice ?? null, stopPrice: r.stopPrice ?? null, tif: order.tif, expireTimeMs: r.expireTimeMs ?? null,
    parentId: order.links.parentId ?? null, ocoGroup: order.links.ocoGroup ?? null, tag: r.tag ?? null, reduceOnly: r.reduceOnly ?? false,
    createdMs: order.createdMs,
    ...(r.trailing !== undefined && { trailKind: r.trailing.kind, trailValue: r.trailing.value, trailStop: order.stopPrice !== undefined && Number.isFinite(order.stopPrice) ? order.stopPrice : null }),
  };
}

/** A command waiting for the flush that commits the intents before it. */
type Pending =
  | { readonly kind: 'submit'; readonly order: Order }
  | { readonly kind: 'modify'; readonly id: string; readonly changes: OrderModification }
  | { readonly kind: 'cancel'; readonly id: string; readonly reason: string | undefined };

/**
 * Submits are persisted before they go out; a modify or cancel of an order still waiting follows it in
 * order; every other command and every query goes straight to `inner`.
 */
export class DurableExecutionClient extends ForwardingExecutionClient {
  /** Commands in arrival order. A flush sends only those queued before it started (the store flushes what was appended by then). */
  readonly #pending: Pending[] = [];
  /** Client order ids of the submits in #pending. */
  readonly #queued = new Set<string>();
  #flushing: Promise<void> | null = null;
  /** A flush is due at the end of this turn. */
  #deferred = false;
  /** Resolves when every queued intent has been sent. */
  #idle: Promise<void> = Promise.resolve();

  constructor(
    inner: ExecutionClient,
    private readonly store: Store,
    private readonly runId: string,
    private readonly nowMs: () => number,
    private readonly onError: (e: unknown) => void,
  ) {
    super(inner);
  }

  override submit(order: Order, _nowMs: number): void {
    this.store.appendOrders([orderInput(order, this.runId)]);
    this.#pending.push({ kind: 'submit', order });
    this.#queued.add(order.id);
    if (this.#deferred) return;
    this.#deferred = true;
    queueMicrotask(() => {
      this.#deferred = false;
      this.#schedule();
    });
  }

  /** Not sent yet: it goes out and is canceled at once after its flush, so its record ends terminal. */
  override cancel(orderId: string, nowMs: number, reason?: string): void {
    if (this.#queued.has(orderId)) this.#pending.push({ kind: 'cancel', id: orderId, reason: reason ?? 'canceled by request' });
    else this.inner.cancel(orderId, nowMs, reason);
  }

  override modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    if (this.#queued.has(clientOrderId)) this.#pending.push({ kind: 'modify', id: clientOrderId, changes });
    else this.inner.modify(clientOrderId, changes, nowMs);
  }

  override cancelAll(nowMs: number, symbol?: string): void {
    for (const p of this.#pending.slice()) if (p.kind === 'submit' && (symbol === undefined || p.order.symbol === symbol)) this.cancel(p.order.id, nowMs, 'cancel all');
    this.inner.cancelAll(nowMs, symbol);
  }

  /** Resolves once nothing is waiting to be persisted and sent. */
  drained(): Promise<void> {
    // A flush due at the end of this turn has not started yet: wait for it (its microtask runs first).
    return this.#deferred ? Promise.resolve().then(() => this.#idle) : this.#idle;
  }

  /** Submits waiting for their flush. */
  get pending(): number {
    return this.#queued.size;
  }

  #schedule(): void {
    if (this.#flushing !== null) return;
    const upTo = this.#pending.length;
    this.#flushing = this.store
      .flush()
      .then(() => {
        for (const p of this.#pending.splice(0, upTo)) {
          if (p.kind === 'submit') {
            this.#queued.delete(p.order.id);
            this.inner.submit(p.order, this.nowMs());
          } else if (p.kind === 'modify') this.inner.modify(p.id, p.changes, this.nowMs());
          else this.inner.cancel(p.id, this.nowMs(), p.reason);
        }
      })
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.#flushing = null;
        if (this.#pending.length > 0) this.#schedule();
      });
    this.#idle = this.#flushing;
  }
}
