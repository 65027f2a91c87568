// The order cache: every order the engine knows, by client order id and by venue order id, with the
// working ones (sent and not yet finished) listed per strategy and per symbol. The ExecutionEngine is
// its only writer; the kernel, risk checks and strategies read it. Lookups are one Map read; the
// working lists are intrusive doubly linked lists through the entries (insertion order, O(1) add and
// remove, no Set or Map entry made and deleted per order).
import { InvariantError } from '../core/errors.ts';
import { isTerminal, type OrderStatus } from '../model/order-status.ts';
import type { Order } from '../model/order.ts';

/** One order in the cache: the order, what the engine has booked of it, and its links in the working lists. */
export class CachedOrder {
  /** The status the engine last applied (a client that shares the order object moves it first). */
  status: OrderStatus;
  /** Quantity of the fills the engine has booked. */
  filledQty = 0;
  venueOrderId: string | undefined = undefined;
  /** Ids of the fills booked from reports that carry one (null until the first). */
  fillIds: Set<string> | null = null;
  working = false;
  /** Links in the list of all working orders (a), of its strategy (s) and of its symbol (y). */
  prevA: CachedOrder | null = null;
  nextA: CachedOrder | null = null;
  prevS: CachedOrder | null = null;
  nextS: CachedOrder | null = null;
  prevY: CachedOrder | null = null;
  nextY: CachedOrder | null = null;
  /** The lists of its strategy and symbol (looked up once, when it is added). */
  readonly byStrategy: Chain;
  readonly bySymbol: Chain;

  constructor(readonly order: Order, status: OrderStatus, byStrategy: Chain, bySymbol: Chain) {
    this.status = status;
    this.byStrategy = byStrategy;
    this.bySymbol = bySymbol;
  }
}

/** The head, tail and length of one working list. */
class Chain {
  head: CachedOrder | null = null;
  tail: CachedOrder | null = null;
  count = 0;
}

export interface OrderFilter {
  readonly strategyId?: string;
  readonly symbol?: string;
}

export class OrderCache {
  /** Every order in the order it became known (submitted, denied or adopted). */
  readonly all: Order[] = [];
  readonly #byId = new Map<string, CachedOrder>();
  readonly #byVenueId = new Map<string, CachedOrder>();
  readonly #working = new Chain();
  readonly #byStrategy = new Map<string, Chain>();
  readonly #bySymbol = new Map<string, Chain>();
  /** Working orders still 'initialized': sent to a client that has not acknowledged them (in flight). */
  #inflight = 0;

  /**
   * Adds an order booked at `status` (default: the order's own). Working unless terminal; an
   * InvariantError when its client order id is taken.
   */
  add(order: Order, status: OrderStatus = order.status): CachedOrder {
    if (this.#byId.has(order.id)) throw new InvariantError(`order cache: client order id ${order.id} is already taken`);
    const e = new CachedOrder(order, status, chainOf(this.#byStrategy, order.strategyId), chainOf(this.#bySymbol, order.symbol));
    this.#byId.set(order.id, e);
    this.all.push(order);
    if (!isTerminal(e.status)) this.#link(e);
    return e;
  }

  entry(clientOrderId: string): CachedOrder | undefined {
    return this.#byId.get(clientOrderId);
  }

  get(clientOrderId: string): Order | undefined {
    return this.#byId.get(clientOrderId)?.order;
  }

  entryByVenueId(venueOrderId: string): CachedOrder | undefined {
    return this.#byVenueId.get(venueOrderId);
  }

  getByVenueId(venueOrderId: string): Order | undefined {
    return this.#byVenueId.get(venueOrderId)?.order;
  }

  /** Records the venue's id for an order; a venue id already given to another order is an InvariantError. */
  setVenueId(e: CachedOrder, venueOrderId: string): void {
    if (e.venueOrderId === venueOrderId) return;
    const other = this.#byVenueId.get(venueOrderId);
    if (other !== undefined && other !== e) throw new InvariantError(`order cache: venue order id ${venueOrderId} belongs to ${other.order.id}, not ${e.order.id}`);
    if (e.venueOrderId !== undefined) this.#byVenueId.delete(e.venueOrderId);
    e.venueOrderId = venueOrderId;
    this.#byVenueId.set(venueOrderId, e);
  }

  /** Moves an entry to `status` (already checked by the engine): a terminal status takes it off the working lists. */
  setStatus(e: CachedOrder, status: OrderStatus): void {
    const was = e.status;
    if (was === status) return;
    e.status = status;
    if (e.working) {
      if (was === 'initialized') this.#inflight--;
      if (isTerminal(status)) this.#unlink(e);
    }
  }

  /** Orders sent and not finished (in flight, at the venue, partly filled). */
  get workingCount(): number {
    return this.#working.count;
  }

  /** Working orders a client has not acknowledged yet. */
  get inflightCount(): number {
    return this.#inflight;
  }

  workingCountOf(filter: OrderFilter): number {
    if (filter.strategyId !== undefined && filter.symbol !== undefined) return this.working(filter).length;
    if (filter.strategyId !== undefined) return this.#byStrategy.get(filter.strategyId)?.count ?? 0;
    if (filter.symbol !== undefined) return this.#bySymbol.get(filter.symbol)?.count ?? 0;
    return this.#working.count;
  }

  /** The working orders (a copy, oldest first), optionally of one strategy and/or symbol. */
  working(filter: OrderFilter = {}): Order[] {
    const out: Order[] = [];
    const { strategyId, symbol } = filter;
    if (symbol !== undefined) {
      // Walk the shorter list of the two that apply.
      const y = this.#bySymbol.get(symbol);
      if (y === undefined) return out;
      const s = strategyId === undefined ? undefined : this.#byStrategy.get(strategyId);
      if (strategyId !== undefined && s === undefined) return out;
      if (s !== undefined && s.count < y.count) {
        for (let e = s.head; e !== null; e = e.nextS) if (e.order.symbol === symbol) out.push(e.order);
      } else {
        for (let e = y.head; e !== null; e = e.nextY) if (strategyId === undefined || e.order.strategyId === strategyId) out.push(e.order);
      }
      return out;
    }
    if (strategyId !== undefined) {
      const s = this.#byStrategy.get(strategyId);
      for (let e = s?.head ?? null; e !== null; e = e.nextS) out.push(e.order);
      return out;
    }
    for (let e = this.#working.head; e !== null; e = e.nextA) out.push(e.order);
    return out;
  }

  /** Number of orders the cache holds (finished ones included). */
  get size(): number {
    return this.all.length;
  }

  #link(e: CachedOrder): void {
    e.working = true;
    if (e.status === 'initialized') this.#inflight++;
    const a = this.#working;
    e.prevA = a.tail;
    if (a.tail === null) a.head = e;
    else a.tail.nextA = e;
    a.tail = e;
    a.count++;
    const s = e.byStrategy;
    e.prevS = s.tail;
    if (s.tail === null) s.head = e;
    else s.tail.nextS = e;
    s.tail = e;
    s.count++;
    const y = e.bySymbol;
    e.prevY = y.tail;
    if (y.tail === null) y.head = e;
    else y.tail.nextY = e;
    y.tail = e;
    y.count++;
  }

  #unlink(e: CachedOrder): void {
    e.working = false;
    const a = this.#working;
    if (e.prevA === null) a.head = e.nextA;
    else e.prevA.nextA = e.nextA;
    if (e.nextA === null) a.tail = e.prevA;
    else e.nextA.prevA = e.prevA;
    a.count--;
    const s = e.byStrategy;
    if (e.prevS === null) s.head = e.nextS;
    else e.prevS.nextS = e.nextS;
    if (e.nextS === null) s.tail = e.prevS;
    else e.nextS.prevS = e.prevS;
    s.count--;
    const y = e.bySymbol;
    if (e.prevY === null) y.head = e.nextY;
    else e.prevY.nextY = e.nextY;
    if (e.nextY === null) y.tail = e.prevY;
    else e.nextY.prevY = e.prevY;
    y.count--;
    e.prevA = e.nextA = e.prevS = e.nextS = e.prevY = e.nextY = null;
  }
}

function chainOf(map: Map<string, Chain>, key: string): Chain {
  let c = map.get(key);
  if (c === undefined) map.set(key, (c = new Chain()));
  return c;
}
