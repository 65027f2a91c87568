// Persist-then-send: every order intent is written to the store and committed before the venue sees
// it. Intents queue in arrival order; one flush commits everything appended before it (including
// the fills and events that led to the order), then the queued orders go out in order. The flush starts
// at the end of the turn that queued the first intent (a microtask): the orders one burst of market data
// causes (the bars of a round read from one socket) commit in one transaction instead of one and then the
// rest, which on PGlite is a commit less to wait for (docs/live.md, Performance).
// With a journal (durability `process` or `fsync`, store/intent-journal.ts) the queued intents are written to
// it with one synchronous write at the end of the turn and sent at once; the store commit follows a few ms
// later (COMMIT_DELAY_MS), off the order's path, and deletes the journal segments it covered. A restart first
// stores what the journal holds (recoverJournal, before reconciliation).
import type { Order } from '../model/order.ts';
import type { ExecutionClient, OrderModification } from '../execution/execution-client.ts';
import { ForwardingExecutionClient } from '../execution/forwarding-client.ts';
import type { IntentJournal } from '../store/intent-journal.ts';
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

/**
 * Journal mode: how long after sending the store commit of the intents starts. Measured with the order-path bench
 * (docs/venues/live-testing.md): started on the next turn (setImmediate, or a 0 ms timer) the commit ran before
 * most requests were written (adapter to venue p50 8.6-12.9 ms, 3.1-7.4 ms); 3 ms later mostly not (1.7-2.0 ms).
 */
export const COMMIT_DELAY_MS = 3;

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
  /** Resolves when every queued intent has been sent (and, with a journal, committed to the store). */
  #idle: Promise<void> = Promise.resolve();
  /** Journal mode: the rows of the queued submits, written to the journal before they are sent. */
  #rows: OrderInput[] = [];
  /** Journal mode: the store commit running, and whether intents were sent after it started. */
  #committing: Promise<void> | null = null;
  #commitAgain = false;
  /** Journal mode: a store commit is scheduled (COMMIT_DELAY_MS from the send). */
  #commitDue = false;
  #journaled = 0;

  constructor(
    inner: ExecutionClient,
    private readonly store: Store,
    private readonly runId: string,
    private readonly nowMs: () => number,
    private readonly onError: (e: unknown) => void,
    /** With a journal, an intent is durable once journaled (durability process/fsync); without, once committed to the store. */
    private readonly journal: IntentJournal | null = null,
    /** Fault hook (tests): called with the count of intents journaled so far, after they were sent and before their store commit. */
    private readonly afterJournal: ((journaled: number) => void) | null = null,
  ) {
    super(inner);
  }

  override submit(order: Order, _nowMs: number): void {
    const row = orderInput(order, this.runId);
    this.store.appendOrders([row]);
    if (this.journal !== null) this.#rows.push(row);
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

  /** Journal mode: write the queued intents, send everything queued in order, then commit to the store. */
  #sendJournaled(journal: IntentJournal): void {
    const rows = this.#rows;
    this.#rows = [];
    const batch = this.#pending.splice(0);
    try {
      journal.append(rows);
    } catch (e) {
      // Not durable, so not sent: their store rows stay unsent intents, which the next start reconciles.
      for (const p of batch) if (p.kind === 'submit') this.#queued.delete(p.order.id);
      this.onError(e);
      return;
    }
    this.#journaled += rows.length;
    try {
      this.#sendAll(batch);
      this.afterJournal?.(this.#journaled);
    } catch (e) {
      this.onError(e);
    }
    this.#commit(journal);
  }

  /**
   * The store commit of what was journaled starts COMMIT_DELAY_MS later, not at once: PGlite's commit runs on this
   * thread (about 2 ms of CPU), and started at once or on the next turn it ran before the adapter had written the
   * request to its socket (ccxt takes a few turns of the event loop), which put it back on the order's path.
   */
  #commit(journal: IntentJournal): void {
    if (this.#commitDue) return;
    if (this.#committing !== null) {
      this.#commitAgain = true;
      return;
    }
    this.#commitDue = true;
    this.#idle = new Promise<void>((resolve) =>
      setTimeout(() => {
        this.#commitDue = false;
        resolve(this.#startCommit(journal));
      }, COMMIT_DELAY_MS),
    );
  }

  #startCommit(journal: IntentJournal): Promise<void> {
    // Everything journaled so far was appended to the store before this flush starts: its segments go once it committed.
    const mark = journal.seal();
    const committing = this.store
      .flush()
      .then(() => journal.release(mark))
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.#committing = null;
        if (this.#commitAgain) {
          this.#commitAgain = false;
          this.#commit(journal);
        }
      });
    this.#committing = committing;
    return committing;
  }

  #sendAll(batch: readonly Pending[]): void {
    for (const p of batch) {
      if (p.kind === 'submit') {
        this.#queued.delete(p.order.id);
        this.inner.submit(p.order, this.nowMs());
      } else if (p.kind === 'modify') this.inner.modify(p.id, p.changes, this.nowMs());
      else this.inner.cancel(p.id, this.nowMs(), p.reason);
    }
  }

  #schedule(): void {
    if (this.journal !== null) {
      this.#sendJournaled(this.journal);
      return;
    }
    if (this.#flushing !== null) return;
    const upTo = this.#pending.length;
    this.#flushing = this.store
      .flush()
      .then(() => this.#sendAll(this.#pending.splice(0, upTo)))
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.#flushing = null;
        if (this.#pending.length > 0) this.#schedule();
      });
    this.#idle = this.#flushing;
  }
}
