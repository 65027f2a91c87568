// Persist-then-send: every order intent is written to the store and committed before the venue sees
// it. Intents queue in arrival order; one flush commits everything appended before it (including
// the fills and events that led to the order), then the queued orders go out in order.
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
  };
}

/** Submits are persisted before they go out; the other commands and every query go straight to `inner`. */
export class DurableExecutionClient extends ForwardingExecutionClient {
  readonly #queue: Order[] = [];
  #flushing: Promise<void> | null = null;
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
    this.#queue.push(order);
    this.#schedule();
  }

  override cancel(orderId: string, nowMs: number, reason?: string): void {
    // Not sent yet: it simply never goes out (its intent stays, and the cancel is recorded when it is sent and canceled).
    const queued = this.#queue.findIndex((o) => o.id === orderId);
    if (queued >= 0) {
      const [o] = this.#queue.splice(queued, 1);
      this.#cancelLater.push({ order: o!, reason: reason ?? 'canceled by request' });
      this.#schedule();
      return;
    }
    this.inner.cancel(orderId, nowMs, reason);
  }

  readonly #cancelLater: { order: Order; reason: string }[] = [];
  readonly #modifyLater: { id: string; changes: OrderModification }[] = [];

  /** A modification of an order still waiting to go out is sent right after it. */
  override modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    if (this.#queue.some((o) => o.id === clientOrderId)) {
      this.#modifyLater.push({ id: clientOrderId, changes });
      return;
    }
    this.inner.modify(clientOrderId, changes, nowMs);
  }

  override cancelAll(nowMs: number, symbol?: string): void {
    for (const o of this.#queue.filter((q) => symbol === undefined || q.symbol === symbol)) this.cancel(o.id, nowMs, 'cancel all');
    this.inner.cancelAll(nowMs, symbol);
  }

  /** Resolves once nothing is waiting to be persisted and sent. */
  drained(): Promise<void> {
    return this.#idle;
  }

  get pending(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#flushing !== null) return;
    this.#flushing = this.store
      .flush()
      .then(() => {
        const batch = this.#queue.splice(0);
        const cancels = this.#cancelLater.splice(0);
        const modifies = this.#modifyLater.splice(0);
        for (const o of batch) this.inner.submit(o, this.nowMs());
        for (const m of modifies) this.inner.modify(m.id, m.changes, this.nowMs());
        // An intent canceled before it went out is sent and canceled at once, so its record ends terminal.
        for (const c of cancels) {
          this.inner.submit(c.order, this.nowMs());
          this.inner.cancel(c.order.id, this.nowMs(), c.reason);
        }
      })
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.#flushing = null;
        if (this.#queue.length > 0 || this.#cancelLater.length > 0) this.#schedule();
      });
    this.#idle = this.#flushing;
  }
}
