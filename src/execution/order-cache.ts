// The order cache: every order the engine knows, by client order id and by venue order id, with the
// working ones (sent and not yet finished) listed per strategy and per symbol. The ExecutionEngine is
// its only writer; the kernel, risk checks and strategies read it.
//
// Hot-path shape (an order round trip costs ~3 µs, and big Map operations are memory-bound):
// - a working order's entry hangs on the order itself (`Order.cacheSlot`), so a report about an order
//   object needs no lookup; a finished order's slot is one shared marker, its entry is garbage;
// - the working lists are intrusive doubly linked lists through the entries (insertion order, O(1) add
//   and remove, no Set or Map entry made and deleted per order);
// - the index by client order id is filled on first use (amortized O(1) per lookup): a backtest that
//   never looks an order up by id never pays for a Map entry per order.
import { InvariantError } from '../core/errors.ts';
import { isTerminal, type OrderStatus } from '../model/order-status.ts';
import type { Order } from '../model/order.ts';

/** The list of every working order, or of one strategy's, or of one symbol's. */
class Chain {
  head: CachedOrder | null = null;
  tail: CachedOrder | null = null;
  count = 0;
}

/** One working order in the cache: the order, what the engine has booked of it, and its links in the working lists. */
export class CachedOrder {
  /** The status the engine last applied (a client that shares the order object moves it first). */
  status: OrderStatus;
  /** Quantity of the fills the engine has booked. */
  filledQty = 0;
  /** Ids of the fills booked from reports that carry one (null until the first). */
  fillIds: Set<string> | null = null;
  /**
   * Buying power the sender reserved for the order before it went out (the kernel's pre-trade
   * exposure), per unit and in total; the sender shrinks it as the order fills. 0 when none.
   */
  reservedPerUnit = 0;
  reserved = 0;
  /** Links in the list of all working orders (a), of its strategy (s) and of its symbol (y). */
  prevA: CachedOrder | null = null;
  nextA: CachedOrder | null = null;
  prevS: CachedOrder | null = null;
  nextS: CachedOrder | null = null;
  prevY: CachedOrder | null = null;
  nextY: CachedOrder | null = null;

  constructor(
    readonly order: Order,
    status: OrderStatus,
    /** The lists of its strategy and symbol (looked up once, when it is added). */
    readonly byStrategy: Chain,
    readonly bySymbol: Chain,
  ) {
    this.status = status;
  }
}

/** The slot of an order the cache holds as finished (its entry dropped). */
const FINISHED: object = Object.freeze({ finished: true });

export interface OrderFilter {
  readonly strategyId?: string;
  readonly symbol?: string;
}

export class OrderCache {
  /** Every order in the order it became known (submitted, denied or adopted). */
  readonly all: Order[] = [];
  /** Client order id -> order, for `all[0 .. #indexed)`. */
  readonly #byId = new Map<string, Order>();
  #indexed = 0;
  readonly #byVenueId = new Map<string, Order>();
  readonly #venueIdOf = new Map<Order, string>();
  readonly #working = new Chain();
  readonly #byStrategy = new Map<string, Chain>();
  readonly #bySymbol = new Map<string, Chain>();
  /** Working orders still 'initialized': sent to a client that has not acknowledged them (in flight). */
  #inflight = 0;

  /**
   * Adds a working order booked at `status` (default: the order's own, which must not be terminal)
   * and returns its entry. An order object belongs to one cache, once; a client order id used twice
   * is an InvariantError as soon as the index sees it.
   */
  add(order: Order, status: OrderStatus = order.status): CachedOrder {
    if (order.cacheSlot !== null) throw new InvariantError(`order cache: order ${order.id} is already in a cache`);
    this.all.push(order);
    const e = new CachedOrder(order, status, this.#strategyChain(order.strategyId), this.#symbolChain(order.symbol));
    order.cacheSlot = e;
    this.#link(e);
    return e;
  }

  /** Adds an order that is already finished (a denied one): held, never working. */
  addFinished(order: Order): void {
    if (order.cacheSlot !== null) throw new InvariantError(`order cache: order ${order.id} is already in a cache`);
    if (!isTerminal(order.status)) throw new InvariantError(`order cache: order ${order.id} is ${order.status}, not finished`);
    this.all.push(order);
    order.cacheSlot = FINISHED;
  }

  /** Whether the order is in the cache (working or finished). An order object belongs to one cache. */
  holds(order: Order): boolean {
    return order.cacheSlot !== null;
  }

  /** The working entry of an order in the cache; null when it is finished or not in the cache. */
  entryOf(order: Order): CachedOrder | null {
    const slot = order.cacheSlot;
    return slot === null || slot === FINISHED ? null : (slot as CachedOrder);
  }

  /** The working entry of the order with this client order id (undefined when unknown, null when finished). */
  entry(clientOrderId: string): CachedOrder | null | undefined {
    const o = this.get(clientOrderId);
    return o === undefined ? undefined : this.entryOf(o);
  }

  get(clientOrderId: string): Order | undefined {
    const o = this.#byId.get(clientOrderId);
    if (o !== undefined || this.#indexed === this.all.length) return o;
    this.#index();
    return this.#byId.get(clientOrderId);
  }

  getByVenueId(venueOrderId: string): Order | undefined {
    return this.#byVenueId.get(venueOrderId);
  }

  venueOrderId(order: Order): string | undefined {
    return this.#venueIdOf.get(order);
  }

  /** Records the venue's id for an order; a venue id already given to another order is an InvariantError. */
  setVenueId(order: Order, venueOrderId: string): void {
    const had = this.#venueIdOf.get(order);
    if (had === venueOrderId) return;
    const other = this.#byVenueId.get(venueOrderId);
    if (other !== undefined && other !== order) throw new InvariantError(`order cache: venue order id ${venueOrderId} belongs to ${other.id}, not ${order.id}`);
    // A cancel-replace gives the order a new venue id: the old one no longer finds it.
    if (had !== undefined) this.#byVenueId.delete(had);
    this.#venueIdOf.set(order, venueOrderId);
    this.#byVenueId.set(venueOrderId, order);
  }

  /** Moves an entry to `status` (already checked by the engine): a terminal status drops it from the working lists. */
  setStatus(e: CachedOrder, status: OrderStatus): void {
    const was = e.status;
    if (was === status) return;
    e.status = status;
    if (was === 'initialized') this.#inflight--;
    if (isTerminal(status)) this.#unlink(e);
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
      const y = this.#bySymbol.get(symbol);
      if (y === undefined) return out;
      const s = strategyId === undefined ? undefined : this.#byStrategy.get(strategyId);
      if (strategyId !== undefined && s === undefined) return out;
      // Walk the shorter of the two lists that apply.
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

  // Orders come in runs of one strategy and one symbol: the last list found is asked first.
  #lastStrategy = '';
  #lastStrategyChain: Chain | null = null;
  #lastSymbol = '';
  #lastSymbolChain: Chain | null = null;

  #strategyChain(id: string): Chain {
    if (id === this.#lastStrategy && this.#lastStrategyChain !== null) return this.#lastStrategyChain;
    this.#lastStrategy = id;
    return (this.#lastStrategyChain = chainOf(this.#byStrategy, id));
  }

  #symbolChain(symbol: string): Chain {
    if (symbol === this.#lastSymbol && this.#lastSymbolChain !== null) return this.#lastSymbolChain;
    this.#lastSymbol = symbol;
    return (this.#lastSymbolChain = chainOf(this.#bySymbol, symbol));
  }

  #index(): void {
    const all = this.all;
    for (let i = this.#indexed; i < all.length; i++) {
      const o = all[i]!;
      const other = this.#byId.get(o.id);
      if (other !== undefined) throw new InvariantError(`order cache: client order id ${o.id} is used by two orders`);
      this.#byId.set(o.id, o);
    }
    this.#indexed = all.length;
  }

  #link(e: CachedOrder): void {
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
    e.order.cacheSlot = FINISHED;
  }
}

function chainOf(map: Map<string, Chain>, key: string): Chain {
  let c = map.get(key);
  if (c === undefined) map.set(key, (c = new Chain()));
  return c;
}
