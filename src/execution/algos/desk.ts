// AlgoDesk: runs algorithms over any order path that takes OrderRequests (a StrategyContext fits
// structurally), translating between child client ids and the order path's order ids.
import { ConfigError, InvariantError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { OrderEvent } from '../../model/events.ts';
import type { OrderBookSnapshot, TradeTick } from '../../model/market.ts';
import type { OrderStatus } from '../../model/order-status.ts';
import type { OrderRequest } from '../../model/order.ts';
import type { ChildOrder, ExecAlgo, ExecReport, OrderSink } from './types.ts';

/** Whatever places orders: `StrategyContext` (ctx.submit / ctx.cancel) satisfies it as it is. */
export interface OrderSubmitter {
  submit(request: OrderRequest): { readonly id: string; readonly status: OrderStatus } | null;
  cancel(orderId: string): void;
}

interface Route {
  readonly algo: ExecAlgo;
  readonly clientId: string;
}

/** A child being submitted right now, and the order id its first synchronous event revealed. */
interface InFlight {
  readonly route: Route;
  orderId: string | undefined;
}

/**
 * Use from a strategy:
 *   onStart(ctx)        { this.desk = new AlgoDesk(ctx); }
 *   onBar(bar)          { this.desk.onBar(bar); }       // after adding algos: desk.add(new ScheduleAlgo(plan, desk))
 *   onOrderEvent(event) { this.desk.onOrderEvent(event); }
 * Children go out as OrderRequests tagged with their client id; events that come back synchronously
 * while a child is being submitted (fills at the close, venue rejections) are routed to that child.
 */
export class AlgoDesk implements OrderSink {
  readonly #algos = new Map<string, ExecAlgo>();
  readonly #routes = new Map<string, Route>();
  readonly #orderIdOf = new Map<string, string>();
  readonly #inFlight: InFlight[] = [];

  constructor(private readonly submitter: OrderSubmitter) {}

  /** Registers an algorithm built with this desk as its sink. */
  add<A extends ExecAlgo>(algo: A): A {
    if (this.#algos.has(algo.parent.id)) throw new ConfigError(`an algorithm for parent order ${algo.parent.id} is already running`, { field: 'id' });
    this.#algos.set(algo.parent.id, algo);
    return algo;
  }

  get(parentId: string): ExecAlgo | undefined {
    return this.#algos.get(parentId);
  }

  algos(): readonly ExecAlgo[] {
    return [...this.#algos.values()];
  }

  /** Forgets finished algorithms (their reports are returned). */
  prune(): ExecReport[] {
    const out: ExecReport[] = [];
    for (const [id, a] of this.#algos) {
      if (!a.isFinished) continue;
      out.push(a.report());
      this.#algos.delete(id);
    }
    return out;
  }

  // ---- market data, fanned out to the algorithms ----

  onBar(bar: Bar): void {
    for (const a of this.#algos.values()) if (a.parent.symbol === bar.symbol) a.onBar(bar);
  }
  onBook(book: OrderBookSnapshot): void {
    for (const a of this.#algos.values()) if (a.parent.symbol === book.symbol) a.onBook(book);
  }
  onTrade(trade: TradeTick): void {
    for (const a of this.#algos.values()) if (a.parent.symbol === trade.symbol) a.onTrade(trade);
  }

  // ---- OrderSink ----

  submit(child: ChildOrder): boolean {
    const algo = this.#algos.get(child.parentId);
    if (algo === undefined) throw new InvariantError(`child ${child.clientId} of unknown parent order ${child.parentId}`);
    const route: Route = { algo, clientId: child.clientId };
    const request: OrderRequest = {
      symbol: child.symbol, side: child.side, type: child.type, qty: child.qty, tif: child.tif, tag: child.clientId,
      ...(child.limitPrice === undefined ? {} : { limitPrice: child.limitPrice }),
    };
    const flight: InFlight = { route, orderId: undefined };
    this.#inFlight.push(flight);
    let order: { readonly id: string; readonly status: OrderStatus } | null;
    try {
      order = this.submitter.submit(request);
    } finally {
      this.#inFlight.pop();
    }
    if (order === null || order.status === 'denied') {
      if (order !== null) this.#forget(order.id);
      return false;
    }
    if (flight.orderId === undefined && !isClosed(order.status)) this.#bind(order.id, route);
    return true;
  }

  cancel(clientId: string): void {
    const orderId = this.#orderIdOf.get(clientId);
    if (orderId !== undefined) this.submitter.cancel(orderId);
  }

  /** Feed every order event here; returns true when it concerned an algorithm's child. */
  onOrderEvent(event: OrderEvent): boolean {
    let route = this.#routes.get(event.orderId);
    if (route === undefined) {
      const top = this.#inFlight[this.#inFlight.length - 1];
      if (top === undefined || top.route.algo.parent.symbol !== event.symbol) return false;
      if (top.orderId === undefined) {
        top.orderId = event.orderId;
        this.#bind(event.orderId, top.route);
      } else {
        // Another order, or a late event of the in-flight child after it closed.
        return top.orderId === event.orderId;
      }
      route = top.route;
    }
    switch (event.type) {
      case 'OrderFilled':
        if (isClosed(event.status)) this.#forget(event.orderId);
        route.algo.onFill(event.fill.qty, event.fill.price, route.clientId, event.fill.tsEventMs);
        break;
      case 'OrderCanceled':
      case 'OrderExpired':
      case 'OrderRejected':
        this.#forget(event.orderId);
        route.algo.onChildClosed(route.clientId);
        break;
      case 'OrderDenied':
        // Only seen while submitting: submit() returns false and the algorithm forgets the child.
        this.#forget(event.orderId);
        break;
      case 'OrderSubmitted':
      case 'OrderAccepted':
      case 'OrderTriggered':
      case 'OrderUpdated':
        break;
    }
    return true;
  }

  #bind(orderId: string, route: Route): void {
    this.#routes.set(orderId, route);
    this.#orderIdOf.set(route.clientId, orderId);
  }

  #forget(orderId: string): void {
    const r = this.#routes.get(orderId);
    if (r === undefined) return;
    this.#routes.delete(orderId);
    this.#orderIdOf.delete(r.clientId);
  }
}

function isClosed(s: OrderStatus): boolean {
  return s === 'filled' || s === 'canceled' || s === 'expired' || s === 'rejected' || s === 'denied';
}
