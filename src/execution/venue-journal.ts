// What the simulated venue remembers for queries and reconciliation: every order it has seen (by client
// order id, with the venue order id it gave it), every fill, and the account those fills make. Recording
// is an array push and one map entry per order, an array push and a few additions per fill.
import type { Fill } from '../model/fill.ts';
import type { Order } from '../model/order.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from './reports.ts';

/** The simulated account: its currency and the cash it starts with. */
export interface SimAccount {
  readonly currency: string;
  readonly cash: number;
}

interface PositionState {
  qty: number;
  avgPrice: number;
  tsMs: number;
}

export class VenueJournal {
  readonly #orders: Order[] = [];
  readonly #index = new Map<string, number>();
  /** Current venue sequence number of each order (a cancel-replace gives the order a new one). */
  readonly #venueSeq: number[] = [];
  #nextSeq = 0;
  readonly #fills: Fill[] = [];
  /** Venue sequence number of the order at the time of each fill. */
  readonly #fillSeq: number[] = [];
  readonly #positions = new Map<string, PositionState>();
  #cash: number;

  constructor(
    readonly prefix: string,
    readonly account: SimAccount,
  ) {
    this.#cash = account.cash;
  }

  has(clientOrderId: string): boolean {
    return this.#index.has(clientOrderId);
  }

  get(clientOrderId: string): Order | undefined {
    const i = this.#index.get(clientOrderId);
    return i === undefined ? undefined : this.#orders[i];
  }

  /** Remembers an order the venue has taken in (accepted or rejected). */
  record(order: Order): void {
    this.#index.set(order.id, this.#orders.length);
    this.#orders.push(order);
    this.#venueSeq.push(++this.#nextSeq);
  }

  /** A cancel-replace: the order gets a new venue order id. */
  replace(clientOrderId: string): void {
    const i = this.#index.get(clientOrderId);
    if (i !== undefined) this.#venueSeq[i] = ++this.#nextSeq;
  }

  venueOrderId(clientOrderId: string): string | undefined {
    const i = this.#index.get(clientOrderId);
    return i === undefined ? undefined : `${this.prefix}-${this.#venueSeq[i]!}`;
  }

  /** Books a fill into the journal, the position and the cash. */
  recordFill(fill: Fill, multiplier: number): void {
    const i = this.#index.get(fill.orderId);
    this.#fills.push(fill);
    this.#fillSeq.push(i === undefined ? 0 : this.#venueSeq[i]!);
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    this.#cash -= signed * fill.price * multiplier + fill.commission;
    let p = this.#positions.get(fill.symbol);
    if (p === undefined) {
      p = { qty: 0, avgPrice: 0, tsMs: fill.tsEventMs };
      this.#positions.set(fill.symbol, p);
    }
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
    for (let k = 0; k < this.#fills.length; k++) {
      const f = this.#fills[k]!;
      if (f.tsEventMs < sinceMs) continue;
      out.push({
        tradeId: `${this.prefix}-T${k + 1}`, clientOrderId: f.orderId, venueOrderId: `${this.prefix}-${this.#fillSeq[k]!}`, symbol: f.symbol,
        side: f.side, qty: f.qty, price: f.price, commission: f.commission, liquidity: f.liquidity, tsEventMs: f.tsEventMs,
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
