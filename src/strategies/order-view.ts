// What a strategy gets back from ctx.buy / sell / close / submit / bracket and ctx.openOrders: a
// read-only window onto the engine's order. Its getters read the live order, so the view stays
// current as the order is accepted, filled or canceled; it has no setters and is frozen, so a
// strategy cannot change the engine's state through it.
import type { OrderStatus } from '../model/order-status.ts';
import type { Order, OrderSide, OrderType, TimeInForce } from '../model/order.ts';

export interface OrderView {
  /** Client order id (what ctx.cancel takes). */
  readonly id: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Ordered quantity. */
  readonly qty: number;
  readonly status: OrderStatus;
  readonly filledQty: number;
  /** Quantity still to fill (qty − filledQty). */
  readonly leavesQty: number;
  /** Volume-weighted fill price; 0 before the first fill. */
  readonly avgFillPrice: number;
  readonly commission: number;
  readonly limitPrice: number | undefined;
  /** Current trigger level (moves for trailing stops). */
  readonly stopPrice: number | undefined;
  readonly tif: TimeInForce;
  readonly reduceOnly: boolean;
  readonly tag: string | undefined;
  /** The entry a bracket exit waits for. */
  readonly parentId: string | undefined;
  readonly ocoGroup: string | undefined;
  /** Why it was denied, rejected or canceled ('' otherwise). */
  readonly reason: string;
  readonly createdMs: number;
  readonly updatedMs: number;
  /** Working at the venue (accepted, triggered or partially filled, or on its way). */
  readonly isOpen: boolean;
  /** Filled, canceled, expired, rejected or denied. */
  readonly isClosed: boolean;
}

/** Getter-backed and frozen: each read sees the order as it is now; the order it reads stays private. */
class ReadOnlyOrder implements OrderView {
  readonly #o: Order;
  constructor(order: Order) {
    this.#o = order;
    Object.freeze(this);
  }
  get id(): string { return this.#o.id; }
  get strategyId(): string { return this.#o.strategyId; }
  get symbol(): string { return this.#o.symbol; }
  get side(): OrderSide { return this.#o.side; }
  get type(): OrderType { return this.#o.type; }
  get qty(): number { return this.#o.qty; }
  get status(): OrderStatus { return this.#o.status; }
  get filledQty(): number { return this.#o.filledQty; }
  get leavesQty(): number { return this.#o.leavesQty; }
  get avgFillPrice(): number { return this.#o.avgFillPrice; }
  get commission(): number { return this.#o.commission; }
  get limitPrice(): number | undefined { return this.#o.limitPrice; }
  get stopPrice(): number | undefined { return this.#o.stopPrice; }
  get tif(): TimeInForce { return this.#o.tif; }
  get reduceOnly(): boolean { return this.#o.request.reduceOnly ?? false; }
  get tag(): string | undefined { return this.#o.request.tag; }
  get parentId(): string | undefined { return this.#o.links.parentId; }
  get ocoGroup(): string | undefined { return this.#o.links.ocoGroup; }
  get reason(): string { return this.#o.reason; }
  get createdMs(): number { return this.#o.createdMs; }
  get updatedMs(): number { return this.#o.updatedMs; }
  get isOpen(): boolean { return this.#o.isOpen; }
  get isClosed(): boolean { return this.#o.isClosed; }
  toJSON(): Record<string, unknown> {
    const { id, strategyId, symbol, side, type, qty, status, filledQty, leavesQty, avgFillPrice, commission, limitPrice, stopPrice, tif, reduceOnly, tag, parentId, ocoGroup, reason, createdMs, updatedMs } = this;
    return { id, strategyId, symbol, side, type, qty, status, filledQty, leavesQty, avgFillPrice, commission, limitPrice, stopPrice, tif, reduceOnly, tag, parentId, ocoGroup, reason, createdMs, updatedMs };
  }
}

/** The order's one view, made on first use and kept on the order (the same object every time it is handed out). */
export function viewOf(order: Order): OrderView;
export function viewOf(order: Order | null): OrderView | null;
export function viewOf(order: Order | null): OrderView | null {
  if (order === null) return null;
  return (order.view ??= new ReadOnlyOrder(order)) as OrderView;
}
