// A SimulatedVenue driven by quotes, with an ExecutionEngine and the OrderEmulator in front of it, the venue
// either as it is (its own order types native; brackets, OCO and exits held by the emulator, as in every
// node) or narrowed to market + limit orders (a live venue such as Binance spot). Events are what the engine applied (its anomaly counts must stay zero); a restart gives a new
// engine and emulator over the same venue.
import type { OrderEvent } from '../../src/model/events.ts';
import { makeInstrument, roundPrice } from '../../src/model/instrument.ts';
import { Order, type OrderLinks, type OrderRequest } from '../../src/model/order.ts';
import type { CommandRejectedEvent, ExecutionCapabilities, ExecutionClient, ExecutionSink } from '../../src/execution/execution-client.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../../src/execution/simulated-venue.ts';
import type { QuoteTick } from '../../src/model/market.ts';

export const SYMBOL = 'X';
export const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** A venue with market and limit orders only: no stops, trailing stops, brackets, OCO, exits or reduce-only. */
export const MARKET_LIMIT_ONLY: Partial<ExecutionCapabilities> = {
  orderTypes: ['market', 'limit'], nativeBrackets: false, nativeOco: false, exitAttachments: false, reduceOnly: false,
};

/** One node's view: its engine, its emulator (null when native), what it heard. */
export class Node {
  readonly events: OrderEvent[] = [];
  readonly rejected: CommandRejectedEvent[] = [];
  readonly engine: ExecutionEngine;
  constructor(readonly emulator: OrderEmulator | null) {
    this.engine = new ExecutionEngine({ onOrderEvent: (e) => void this.events.push(e) });
  }
  get sink(): ExecutionSink {
    return { onOrderEvent: (e, o) => this.engine.onOrderEvent(e, o), onCommandRejected: (e) => void this.rejected.push(e) };
  }
  /** Events of one order as strings: `OrderFilled 10@97.5`, `OrderCanceled: why`. */
  eventsOf(id: string): string[] {
    return this.events.filter((e) => e.orderId === id).map((e) => (e.type === 'OrderFilled' ? `OrderFilled ${e.fill.qty}@${e.fill.price}` : 'reason' in e ? `${e.type}: ${e.reason}` : e.type));
  }
  /** Fills as [order id, side, qty, price, time]. */
  fills(): [string, string, number, number, number][] {
    return this.events.flatMap((e) => (e.type === 'OrderFilled' ? [[e.orderId, e.fill.side, e.fill.qty, e.fill.price, e.tsEventMs] as [string, string, number, number, number]] : []));
  }
}

export class Harness {
  #now = T0;
  position = 0;
  readonly venue: SimulatedVenue;
  readonly #slot: number;
  readonly #inst = makeInstrument(SYMBOL, { tickSize: 0.01, lotSize: 1e-8, minQty: 1e-8 });
  node: Node;
  /** Where the venue's reports go (switched by a restart). */
  #target: ExecutionSink;

  constructor(
    readonly mode: 'native' | 'emulated',
    capabilities: Partial<ExecutionCapabilities> = MARKET_LIMIT_ONLY,
    /** Puts something between the emulator and the venue (a client whose commands arrive late). */
    private readonly wrap: (venue: SimulatedVenue) => ExecutionClient = (v) => v,
  ) {
    const relay: ExecutionSink = {
      onOrderEvent: (e, o) => {
        if (e.type === 'OrderFilled') this.position += e.fill.side === 'buy' ? e.fill.qty : -e.fill.qty;
        this.#target.onOrderEvent(e, o);
      },
      onCommandRejected: (e) => this.#target.onCommandRejected?.(e),
    };
    this.venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, relay, { rejectReason: () => null, positionQty: () => this.position }, {
      journal: true, capabilities: mode === 'native' ? {} : capabilities, clock: () => this.#now,
    });
    this.#slot = this.venue.addInstrument(this.#inst);
    this.node = this.#makeNode();
    this.#target = this.node.emulator ?? this.node.sink;
  }

  #makeNode(): Node {
    const node = new Node(null);
    const inst = this.#inst;
    const venue = this.venue;
    const emu = new OrderEmulator(node.sink, {
      roundPrice: (_s, p) => roundPrice(inst, p), positionQty: () => this.position, insideBar: (s) => venue.insideBar(s),
    }).attach(this.wrap(venue));
    (node as { emulator: OrderEmulator | null }).emulator = emu;
    node.engine.addClient(emu);
    return node;
  }

  get emulator(): OrderEmulator {
    return this.node.emulator!;
  }

  now(): number {
    return this.#now;
  }

  /** A quote one second after the last: the emulator sees it first, then the venue matches. */
  quote(bid: number, ask: number, size = 1e9): void {
    this.#now += 1000;
    const q: QuoteTick = { symbol: SYMBOL, tsEventMs: this.#now, bid, ask, bidSize: size, askSize: size };
    this.node.emulator?.onQuote(q);
    this.venue.onQuote(this.#slot, q);
    this.node.emulator?.afterQuote(q);
  }

  /** A bar one second after the last (one per step): the emulator sees it first, then the venue matches, then the emulator's exits see it. */
  bar(open: number, high: number, low: number, close: number): void {
    this.#now += 1000;
    const b = { symbol: SYMBOL, tsEventMs: this.#now, open, high, low, close, volume: 1e9 };
    this.node.emulator?.onBar(b);
    this.venue.onBar(this.#slot, b);
    this.node.emulator?.afterBar(b);
  }

  /** A quote path given as bids with a fixed spread. */
  bids(bids: readonly number[], spread = 0.1): void {
    for (const b of bids) this.quote(b, Math.round((b + spread) * 1e8) / 1e8);
  }

  submit(id: string, request: Omit<OrderRequest, 'symbol'>, links?: OrderLinks): Order {
    const o = new Order(id, 'S', { symbol: SYMBOL, ...request }, this.#now, links);
    this.node.engine.submit(o, this.#now);
    return o;
  }

  cancel(id: string): void {
    this.node.engine.cancel(id, this.#now);
  }

  /** The node is gone: the venue goes on matching and nobody hears it (until `restart`). */
  down(): void {
    this.#target = { onOrderEvent: () => undefined };
  }

  /** A new node (engine and emulator) over the same venue: the old one hears nothing more. */
  restart(): Node {
    this.node = this.#makeNode();
    this.#target = this.node.emulator ?? this.node.sink;
    return this.node;
  }

  /** Client order ids the venue was asked to trade. */
  venueOrderIds(): string[] {
    return this.venue.workingOrders().map((o) => o.id);
  }
}
