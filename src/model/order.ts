// Orders: what a strategy asks for (OrderRequest) and the order the system tracks (Order).
import { InvariantError } from '../core/errors.ts';
import { assertTransition, isOpen, isTerminal, type OrderStatus } from './order-status.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing-stop';
export type TimeInForce = 'DAY' | 'GTC' | 'IOC' | 'FOK' | 'GTD';

/** A trailing stop follows the best price by a fixed amount or a percent of it. */
export type TrailingOffset = { readonly kind: 'amount'; readonly value: number } | { readonly kind: 'percent'; readonly value: number };

/** How an order relates to others: bracket children wait for their parent; OCO siblings cancel each other. */
export interface OrderLinks {
  /** The entry order a take-profit or stop-loss child waits for. */
  readonly parentId?: string;
  /** Orders in one OCO group: a fill on one cancels the others. */
  readonly ocoGroup?: string;
}

/** The links of an order that has none: one shared frozen object, not one per order. */
export const NO_LINKS: OrderLinks = Object.freeze({});

/** An exit level: an absolute price, or a percent (5 = 5%) of the entry's average fill price. */
export interface ExitLevel {
  readonly price?: number;
  readonly pct?: number;
}

/**
 * Exits attached to an entry order (docs/fill-assumptions.md, "Exit attachments"). When the entry
 * has filled, the venue places them as reduce-only orders in one OCO group. Percentages are in
 * percent of the entry's average fill price, measured in the position's favour or against it.
 */
export interface ExitAttachments {
  /** A stop below a long's entry (above a short's). */
  readonly stopLoss?: ExitLevel;
  /** A limit above a long's entry (below a short's). */
  readonly takeProfit?: ExitLevel;
  /** A trailing stop that starts from the entry price, by an amount or a percent. */
  readonly trailing?: { readonly amount?: number; readonly pct?: number };
  /** Close with a market order after the position has lived this many of the symbol's bars. */
  readonly timeExitBars?: number;
  /**
   * Once the price has moved `triggerPct` in the position's favour, the stop moves to the entry
   * price plus `offsetPct` in the position's favour (default 0). It never loosens.
   */
  readonly breakEven?: { readonly triggerPct: number; readonly offsetPct?: number };
}

export interface OrderRequest {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly qty: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailing?: TrailingOffset;
  readonly tif?: TimeInForce;
  /** For GTD: epoch ms after which the order expires. */
  readonly expireTimeMs?: number;
  /** May only reduce an existing position, never open or flip one. */
  readonly reduceOnly?: boolean;
  /** Fill at the signal bar's close instead of the next bar's open (market orders in backtests). */
  readonly fillAtClose?: boolean;
  readonly tag?: string;
  /** Protective exits the venue places when this (entry) order has filled. */
  readonly exits?: ExitAttachments;
}

export class Order {
  status: OrderStatus = 'initialized';
  filledQty = 0;
  avgFillPrice = 0;
  commission = 0;
  /** Current trigger level of a stop or trailing stop (moves for trailing stops). */
  stopPrice: number | undefined;
  limitPrice: number | undefined;
  /** Set when the venue accepted a stop-limit's trigger. */
  triggered = false;
  updatedMs: number;
  reason = '';
  /** The read-only view strategies are handed (strategies/order-view.ts), made on first use and kept here. */
  view: object | null = null;
  /** The order cache's record of this order (execution/order-cache.ts), kept here so a report needs no lookup. */
  cacheSlot: object | null = null;
  readonly tif: TimeInForce;
  readonly links: OrderLinks;

  constructor(
    readonly id: string,
    readonly strategyId: string,
    readonly request: OrderRequest,
    readonly createdMs: number,
    links: OrderLinks = NO_LINKS,
  ) {
    if (!(request.qty > 0)) throw new InvariantError(`order ${id}: quantity must be positive, got ${request.qty}`);
    this.stopPrice = request.stopPrice;
    this.limitPrice = request.limitPrice;
    this.tif = request.tif ?? 'GTC';
    this.links = links;
    this.updatedMs = createdMs;
  }

  get symbol(): string {
    return this.request.symbol;
  }
  get side(): OrderSide {
    return this.request.side;
  }
  get type(): OrderType {
    return this.request.type;
  }
  get qty(): number {
    return this.request.qty;
  }
  get leavesQty(): number {
    return this.request.qty - this.filledQty;
  }
  get isOpen(): boolean {
    return isOpen(this.status);
  }
  get isClosed(): boolean {
    return isTerminal(this.status);
  }
  /** +1 for buys, -1 for sells. */
  get sign(): 1 | -1 {
    return this.request.side === 'buy' ? 1 : -1;
  }

  transition(to: OrderStatus, tsMs: number, reason = ''): void {
    assertTransition(this.id, this.status, to);
    this.status = to;
    this.updatedMs = tsMs;
    if (reason) this.reason = reason;
  }

  /**
   * A venue accepted a modification: the new total quantity (above what has filled) and prices. The
   * request is replaced by one carrying the new values, so everything that reads it sees them.
   */
  amend(m: { readonly qty?: number; readonly limitPrice?: number; readonly stopPrice?: number }, tsMs: number): void {
    if (m.qty !== undefined && !(m.qty > this.filledQty)) throw new InvariantError(`order ${this.id}: new quantity ${m.qty} is not above the ${this.filledQty} filled`);
    const request: OrderRequest = { ...this.request, ...(m.qty !== undefined && { qty: m.qty }), ...(m.limitPrice !== undefined && { limitPrice: m.limitPrice }), ...(m.stopPrice !== undefined && { stopPrice: m.stopPrice }) };
    // `request` is read-only to everyone else; only an accepted amendment replaces it.
    (this as { request: OrderRequest }).request = request;
    if (m.limitPrice !== undefined) this.limitPrice = m.limitPrice;
    if (m.stopPrice !== undefined) this.stopPrice = m.stopPrice;
    this.updatedMs = tsMs;
  }

  /** Books a (partial) fill and moves to partially-filled or filled. */
  applyFill(qty: number, price: number, commission: number, tsMs: number): void {
    if (qty <= 0 || qty > this.leavesQty + 1e-9) {
      throw new InvariantError(`order ${this.id}: fill of ${qty} exceeds leaves ${this.leavesQty}`);
    }
    const total = this.filledQty + qty;
    this.avgFillPrice = (this.avgFillPrice * this.filledQty + price * qty) / total;
    this.filledQty = total;
    this.commission += commission;
    this.transition(this.leavesQty <= 1e-9 ? 'filled' : 'partially-filled', tsMs);
  }
}

export function oppositeSide(side: OrderSide): OrderSide {
  return side === 'buy' ? 'sell' : 'buy';
}
