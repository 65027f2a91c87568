// What the simulated venue remembers for queries and reconciliation: every order it has seen (by client
// order id, with the venue order id it gave it), every fill, and the account those fills make. Recording
// is two array pushes per order (the order cache keeps its orders anyway), and per fill seven numbers in one
// growable Float64Array: no object per fill survives (a backtest may make millions; the kernel's FillLog is columnar
// for the same reason). The index by client order id is built on first use (connect, a query) and kept
// from then on: a map entry per order cost a backtest about 1 us per order (100k-order runs), and a
// backtest never asks.
import type { Fill } from '../model/fill.ts';
import type { Order } from '../model/order.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from './reports.ts';

/** The simulated account: its currency and the cash it starts with. */
export interface SimAccount {
  readonly currency: string;
  readonly cash: number;
}

const FILL_FIELDS = 7;

/** A symbol's position as the venue's fills make it. */
export interface PositionState {
  qty: number;
  avgPrice: number;
  tsMs: number;
}

export class VenueJournal {
  readonly #orders: Order[] = [];
  /** Client order id -> position in #orders; null until first needed. */
  #index: Map<string, number> | null = null;
  /** Current venue sequence number of each order (a cancel-replace gives the order a new one). */
  readonly #venueSeq: number[] = [];
  #nextSeq = 0;
  /** Per fill, FILL_FIELDS numbers: order index, venue sequence number then, qty, price, commission, maker (1/0), time. */
  #fills = new Float64Array(FILL_FIELDS * 64);
  /** Numbers used in #fills. */
  #fillsEnd = 0;
  readonly #positions = new Map<string, PositionState>();
  #cash: number;

  constructor(
    readonly prefix: string,
    readonly account: SimAccount,
  ) {
    this.#cash = account.cash;
  }

  /** The index by client order id, built now if it was not yet. */
  index(): Map<string, number> {
    if (this.#index === null) {
      this.#index = new Map();
      for (let i = 0; i < this.#orders.length; i++) this.#index.set(this.#orders[i]!.id, i);
    }
    return this.#index;
  }

  /** Known, as far as the index knows (false while it is not built: the caller checks working orders itself). */
  hasIndexed(clientOrderId: string): boolean {
    return this.#index !== null && this.#index.has(clientOrderId);
  }

  get(clientOrderId: string): Order | undefined {
    const i = this.index().get(clientOrderId);
    return i === undefined ? undefined : this.#orders[i];
  }

  /** Remembers an order the venue has taken in; returns its position, which recordFill takes. */
  record(order: Order): number {
    const i = this.#orders.length;
    this.#orders.push(order);
    this.#venueSeq.push(++this.#nextSeq);
    if (this.#index !== null) this.#index.set(order.id, i);
    return i;
  }

  /** The node restarted and follows this order through a new object: the journal keeps that one. */
  swap(journalAt: number, order: Order): void {
    this.#orders[journalAt] = order;
  }

  /** A cancel-replace: the order gets a new venue order id. */
  replace(clientOrderId: string): void {
    const i = this.index().get(clientOrderId);
    if (i !== undefined) this.#venueSeq[i] = ++this.#nextSeq;
  }

  venueOrderId(clientOrderId: string): string | undefined {
    const i = this.index().get(clientOrderId);
    return i === undefined ? undefined : `${this.prefix}-${this.#venueSeq[i]!}`;
  }

  /** The position state of a symbol (made flat on first use); recordFill takes it, so a fill needs no lookup. */
  positionOf(symbol: string): PositionState {
    let p = this.#positions.get(symbol);
    if (p === undefined) {
      p = { qty: 0, avgPrice: 0, tsMs: 0 };
      this.#positions.set(symbol, p);
    }
    return p;
  }

  /** Books a fill of the order at position `at` (from record) into the journal, `p` (positionOf its symbol) and the cash. */
  recordFill(at: number, fill: Fill, multiplier: number, p: PositionState): void {
    let f = this.#fills;
    const k = this.#fillsEnd;
    if (k + FILL_FIELDS > f.length) {
      const grown = new Float64Array(f.length * 2);
      grown.set(f);
      this.#fills = f = grown;
    }
    f[k] = at;
    f[k + 1] = this.#venueSeq[at]!;
    f[k + 2] = fill.qty;
    f[k + 3] = fill.price;
    f[k + 4] = fill.commission;
    f[k + 5] = fill.liquidity === 'maker' ? 1 : 0;
    f[k + 6] = fill.tsEventMs;
    this.#fillsEnd = k + FILL_FIELDS;
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    this.#cash -= signed * fill.price * multiplier + fill.commission;
    const next = p.qty + signed;
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) p.avgPrice = (p.avgPrice * Math.abs(p.qty) + fill.price * fill.qty) / Math.abs(next);
    else if (Math.sign(next) === -Math.sign(p.qty)) p.avgPrice = fill.price;
    p.qty = Math.abs(next) < 1e-12 ? 0 : next;
    if (p.qty === 0) p.avgPrice = 0;
    p.tsMs = fill.tsEventMs;
  }

  positionQty(symbol: string): number {
    return this.#positions.get(symbol)?.qty ?? 0;
  }

  orderReport(o: Order): OrderStatusReport {
    const num = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x);
    return {
      clientOrderId: o.id,
      venueOrderId: this.venueOrderId(o.id) ?? `${this.prefix}-?`,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      tif: o.tif,
      status: o.status === 'initialized' || o.status === 'denied' ? 'rejected' : o.status,
      qty: o.qty,
      filledQty: o.filledQty,
      avgFillPrice: o.avgFillPrice,
      limitPrice: num(o.limitPrice),
      stopPrice: num(o.stopPrice),
      reduceOnly: o.request.reduceOnly ?? false,
      reason: o.reason,
      createdMs: o.createdMs,
      updatedMs: o.updatedMs,
    };
  }

  /** Fills at or after `sinceMs`, oldest first. */
  fillsSince(sinceMs: number): FillReport[] {
    const out: FillReport[] = [];
    const f = this.#fills;
    for (let at = 0; at < this.#fillsEnd; at += FILL_FIELDS) {
      const tsEventMs = f[at + 6]!;
      if (tsEventMs < sinceMs) continue;
      const o = this.#orders[f[at]!]!;
      out.push({
        tradeId: `${this.prefix}-T${at / FILL_FIELDS + 1}`, clientOrderId: o.id, venueOrderId: `${this.prefix}-${f[at + 1]!}`, symbol: o.symbol,
        side: o.side, qty: f[at + 2]!, price: f[at + 3]!, commission: f[at + 4]!, liquidity: f[at + 5] === 1 ? 'maker' : 'taker', tsEventMs,
      });
    }
    return out;
  }

  positions(): PositionReport[] {
    const out: PositionReport[] = [];
    for (const [symbol, p] of this.#positions) if (p.qty !== 0) out.push({ symbol, qty: p.qty, avgPrice: p.avgPrice, tsMs: p.tsMs });
    return out;
  }

  balances(tsMs: number): BalanceReport[] {
    return [{ currency: this.account.currency, total: this.#cash, free: this.#cash, locked: 0, tsMs }];
  }
}
