// The simulated venue: matches working orders against bars under the rules of docs/fill-assumptions.md.
// Orders live per symbol slot so a bar with nothing working costs one length check.
// It is a full ExecutionClient (docs/architecture.md, "The execution port"): connection states, modify,
// cancelAll, order queries and mass status from its journal (./venue-journal.ts). None of that changes
// how orders match or fill.
import { utcDay } from '../core/time.ts';
import { InvariantError, RetryableVenueError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { Fill } from '../model/fill.ts';
import type { Instrument } from '../model/instrument.ts';
import type { QuoteTick } from '../model/market.ts';
import { roundPrice, roundQty } from '../model/instrument.ts';
import { Order, oppositeSide, type OrderRequest, type OrderSide } from '../model/order.ts';
import { exitLevels, exitsProblem, tighterStop, type ExitLevels } from '../risk/exits/levels.ts';
import type { CommissionModel } from './commission.ts';
import { fillCommission, NO_COMMISSION } from './commission.ts';
import type { OrderEvent } from '../model/events.ts';
import { ConnectionTracker } from './connection.ts';
import type { CommandRejectedEvent, ConnectionState, ExecutionCapabilities, ExecutionClient, ExecutionSink, OrderModification } from './execution-client.ts';
import { modifyProblem, submitProblem } from './order-checks.ts';
import { ALL_ORDER_TYPES, ALL_TIME_IN_FORCE, type BalanceReport, type FillReport, type OrderStatusReport, type PositionReport } from './reports.ts';
import { VenueJournal, type PositionState, type SimAccount } from './venue-journal.ts';
import { clampToBar, limitFillPrice, stopLimitFillPrice, stopTriggerPrice, trailStop, triggersAtOpen, type LimitFillMode } from './fill-rules.ts';
import { NoSlippage, type SlippageModel } from './slippage.ts';

export interface VenueConfig {
  /** Market orders fill at the next bar's open (default) or at the signal bar's close. */
  readonly marketFill: 'next-open' | 'close';
  readonly limitFill: LimitFillMode;
  /** Max fraction of a bar's volume one symbol's fills may take; null = no cap. */
  readonly volumeCap: number | null;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  /** Bars of one day or longer: DAY orders expire after the first bar they meet. */
  readonly dailyBars: boolean;
}

export const DEFAULT_VENUE_CONFIG: VenueConfig = {
  marketFill: 'next-open',
  limitFill: 'through',
  volumeCap: null,
  commission: NO_COMMISSION,
  slippage: new NoSlippage(),
  dailyBars: true,
};

/** What the simulated venue supports: everything (a narrower set plays a venue that lacks something). Fractional quantities are accepted; each instrument's lot size still rounds fills. */
export const SIMULATED_CAPABILITIES: ExecutionCapabilities = Object.freeze({
  orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, fractionalQty: true, shorting: true, reduceOnly: true,
  nativeModify: true, nativeBrackets: true, nativeOco: true, exitAttachments: true,
});

/** The ExecutionClient side of the simulated venue; none of it changes matching. */
export interface SimVenueOptions {
  /** Name on reports and their errors (default 'simulated'). */
  readonly name?: string;
  /** Narrows what the venue accepts (default: SIMULATED_CAPABILITIES). */
  readonly capabilities?: Partial<ExecutionCapabilities>;
  /**
   * Keep a journal (every order, fill, position and the cash) to answer queryOrder and mass status
   * (default false: a backtest never asks, and recording cost its order round trip a few percent).
   * Queries of a venue without one are an InvariantError.
   */
  readonly journal?: boolean;
  /** The account its balance report starts from (default USD 0: the report is then the cash flow of the fills). */
  readonly account?: SimAccount;
  /** Starts connected (default: true; backtests never call connect). */
  readonly connected?: boolean;
  /** Time of connection events and reports (default: the latest market data time the venue has seen). */
  readonly clock?: () => number;
}

/** Account-side checks the venue asks at fill time. */
export interface FillGuard {
  /** Why a fill of `qty` at `price` cannot be booked (insufficient cash or margin), or null. */
  rejectReason(order: Order, qty: number, price: number, commission: number): string | null;
  /** Current signed position, for reduce-only orders. */
  positionQty(symbol: string): number;
}

interface Slot {
  readonly symbol: string;
  readonly instrument: Instrument;
  working: Order[];
  /** The latest bar seen (for fills at the close of the signal bar). */
  lastBar: Bar | null;
  /** The latest quote seen (paper trading). */
  lastQuote: QuoteTick | null;
  /** EWMA variance of log returns, for volatility-aware slippage. */
  ewVar: number;
  lastClose: number;
  /** Exit attachments of filled entries in this symbol that are still managed. */
  exits: ExitGroup[];
  /** The journal's position in this symbol (held here so a fill needs no lookup). */
  readonly position: PositionState;
}

/** The exits of one filled entry (docs/fill-assumptions.md, "Exit attachments"): one OCO group. */
interface ExitGroup {
  /** The OCO group of its orders. */
  readonly id: string;
  readonly entry: Order;
  /** Direction of the position it protects: +1 long, -1 short. */
  readonly dir: 1 | -1;
  readonly exitSide: OrderSide;
  readonly qty: number;
  readonly levels: ExitLevels;
  /** Orders placed so far (stop-loss, take-profit, trailing, time exit, break-even stop). */
  readonly members: Order[];
  /** The stop that break-even moves (the stop-loss, or the one break-even placed). */
  stop: Order | null;
  /** Bars of the symbol matched since the entry filled, the bar of the fill included. */
  barsHeld: number;
  /** Most favourable price since the fill (break-even). */
  best: number;
  breakEvenDone: boolean;
  timeExitPlaced: boolean;
  /** The entry filled inside the current bar: its path before the fill does not count for break-even. */
  skipBar: boolean;
}

/** An order on the book with its matching state (one map entry per working order, not two). */
interface Extra {
  order: Order;
  /** Trading day the order first met (DAY orders). */
  day: number;
  /** Best price since submission (trailing stops). */
  best: number;
  /** Children wait for their parent's fill. */
  active: boolean;
  /** Bars this order has met. */
  barsSeen: number;
  /** Its position in the venue's journal. */
  readonly journalAt: number;
  /** Armed or triggered inside the current bar: the rest of this bar's path is unknown to it. */
  waitNextBar: boolean;
}

export class SimulatedVenue implements ExecutionClient {
  readonly #slots: Slot[] = [];
  readonly #slotOf = new Map<string, number>();
  /** Working orders by id, each with its matching state. */
  readonly #orders = new Map<string, Extra>();
  readonly #children = new Map<string, Order[]>();
  /** Managed exit attachments by OCO group. */
  readonly #exitGroups = new Map<string, ExitGroup>();
  readonly #trackVol: boolean;
  #fillSeq = 0;
  #workingCount = 0;
  /** Matching pass in progress: 0 at the open, 1 stops, 2 limits; -1 outside matching. */
  #pass = -1;
  /** The symbol whose market data is being matched (null outside matching). */
  #matching: string | null = null;
  readonly venue: string;
  readonly capabilities: ExecutionCapabilities;
  readonly #journal: VenueJournal | null;
  readonly #conn: ConnectionTracker;
  /** Connected: events reach the sink. While not, the venue goes on matching and only its journal knows. */
  #live: boolean;
  /** The venue side of the link is up (dropConnection takes it down until restoreConnection). */
  #venueUp = true;
  readonly #clock: (() => number) | undefined;

  constructor(
    readonly config: VenueConfig,
    private readonly sink: ExecutionSink,
    private readonly guard: FillGuard,
    options: SimVenueOptions = {},
  ) {
    this.#trackVol = config.slippage.name === 'sqrt-impact';
    this.venue = options.name ?? 'simulated';
    this.capabilities = Object.freeze({ ...SIMULATED_CAPABILITIES, ...options.capabilities });
    this.#journal = options.journal === true ? new VenueJournal('SIM', options.account ?? { currency: 'USD', cash: 0 }) : null;
    this.#live = options.connected ?? true;
    this.#conn = new ConnectionTracker(this.#live ? 'connected' : 'disconnected', (e) => this.sink.onConnectionState?.(e));
    this.#clock = options.clock;
  }

  // ---- ExecutionClient: connection ----

  get connectionState(): ConnectionState {
    return this.#conn.state;
  }

  async connect(): Promise<void> {
    const state = this.#conn.state;
    // From here on duplicates are caught among finished orders too (see VenueJournal).
    this.#journal?.index();
    if (state === 'connected') return;
    if (!this.#venueUp) throw new RetryableVenueError(`${this.venue}: the venue is unreachable`);
    if (state !== 'reconnecting') this.#conn.set('connecting', this.#nowMs());
    this.#setLive('connected');
  }

  async disconnect(): Promise<void> {
    this.#setLive('disconnected');
  }

  /** Simulates a lost link: the client goes 'reconnecting' and hears nothing until restoreConnection. */
  dropConnection(reason = 'connection lost'): void {
    this.#venueUp = false;
    if (this.#conn.state === 'connected') this.#setLive('reconnecting', reason);
  }

  /** The venue is reachable again: a client that was reconnecting is connected. */
  restoreConnection(): void {
    this.#venueUp = true;
    if (this.#conn.state === 'reconnecting') this.#setLive('connected');
  }

  #setLive(state: ConnectionState, reason = ''): void {
    this.#live = state === 'connected';
    this.#conn.set(state, this.#nowMs(), reason);
  }

  /** The clock if one was given, else the latest market data time seen (0 before any). */
  #nowMs(): number {
    if (this.#clock !== undefined) return this.#clock();
    let t = 0;
    for (const s of this.#slots) t = Math.max(t, s.lastBar?.tsEventMs ?? 0, s.lastQuote?.tsEventMs ?? 0);
    return t;
  }

  /** Delivers an order event while connected (the journal has it either way). */
  #emit(event: OrderEvent, order: Order): void {
    if (this.#live) this.sink.onOrderEvent(event, order);
  }

  #refuse(command: CommandRejectedEvent['command'], clientOrderId: string, reason: string, nowMs: number): void {
    this.sink.onCommandRejected?.({ type: 'CommandRejected', command, clientOrderId, reason, tsEventMs: nowMs });
  }

  // ---- ExecutionClient: queries (mass status) ----

  async queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    this.#mustBeConnected();
    const j = this.#journalFor('queryOrder');
    const o = j.get(clientOrderId);
    return o === undefined ? null : j.orderReport(o);
  }

  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    this.#mustBeConnected();
    const j = this.#journalFor('openOrders');
    return this.workingOrders(symbol).map((o) => j.orderReport(o));
  }

  async fillsSince(sinceMs: number): Promise<FillReport[]> {
    this.#mustBeConnected();
    return this.#journalFor('fillsSince').fillsSince(sinceMs);
  }

  async positions(): Promise<PositionReport[]> {
    this.#mustBeConnected();
    return this.#journalFor('positions').positions();
  }

  async balances(): Promise<BalanceReport[]> {
    this.#mustBeConnected();
    return this.#journalFor('balances').balances(this.#nowMs());
  }

  /** The venue order id it gave an order (a cancel-replace gives a new one), or undefined. */
  venueOrderId(clientOrderId: string): string | undefined {
    return this.#journal?.venueOrderId(clientOrderId);
  }

  #journalFor(query: string): VenueJournal {
    if (this.#journal === null) throw new InvariantError(`${this.venue}: ${query} needs the venue's journal (construct SimulatedVenue with options { journal: true })`);
    return this.#journal;
  }

  #mustBeConnected(): void {
    if (!this.#live) throw new RetryableVenueError(`${this.venue}: not connected (${this.#conn.state})`);
  }

  /** Registers a tradable instrument and returns its slot. */
  addInstrument(inst: Instrument): number {
    const known = this.#slotOf.get(inst.symbol);
    if (known !== undefined) return known;
    const slot = this.#slots.length;
    this.#slots.push({ symbol: inst.symbol, instrument: inst, working: [], lastBar: null, lastQuote: null, ewVar: NaN, lastClose: NaN, exits: [], position: this.#journal?.positionOf(inst.symbol) ?? { qty: 0, avgPrice: 0, tsMs: 0 } });
    this.#slotOf.set(inst.symbol, slot);
    return slot;
  }

  slotOf(symbol: string): number | undefined {
    return this.#slotOf.get(symbol);
  }

  /** Orders working at the venue now (kept as a count, so risk checks ask without allocating). */
  get workingCount(): number {
    return this.#workingCount;
  }

  workingOrders(symbol?: string): Order[] {
    if (symbol === undefined) return this.#slots.flatMap((s) => s.working);
    const slot = this.#slotOf.get(symbol);
    return slot === undefined ? [] : [...this.#slots[slot]!.working];
  }

  /**
   * A restarted node follows a working order through a new Order object (restored from its store): the
   * venue's state of the order is copied onto it and it takes the old object's place, so what happens to
   * the order from now on reaches the new node. An order the venue is not working is refused.
   */
  adopt(order: Order): void {
    const x = this.#orders.get(order.id);
    if (x === undefined || !x.order.isOpen) {
      this.#refuse('submit', order.id, `adopt: ${order.id} is not working at this venue`, this.#nowMs());
      return;
    }
    const old = x.order;
    order.status = old.status;
    order.filledQty = old.filledQty;
    order.avgFillPrice = old.avgFillPrice;
    order.commission = old.commission;
    order.triggered = old.triggered;
    order.stopPrice = old.stopPrice;
    order.limitPrice = old.limitPrice;
    order.updatedMs = old.updatedMs;
    x.order = order;
    const working = this.#slots[this.#slotOf.get(order.symbol)!]!.working;
    working[working.indexOf(old)] = order;
    this.#journal?.swap(x.journalAt, order);
  }

  submit(order: Order, nowMs: number): void {
    if (!this.#live) {
      // Never reached the venue: refused here, and reported even though the link is down.
      order.transition('submitted', nowMs);
      this.sink.onOrderEvent({ type: 'OrderSubmitted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
      order.transition('rejected', nowMs, `not connected (${this.#conn.state})`);
      this.sink.onOrderEvent({ type: 'OrderRejected', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs, reason: order.reason }, order);
      return;
    }
    // Idempotent by client order id: the same order sent twice (an ambiguous send retried) or another with
    // its id, working or (once the journal's index exists: connect or a query) finished.
    if (order.status !== 'initialized' || this.#orders.has(order.id) || (this.#journal?.hasIndexed(order.id) ?? false)) {
      this.#refuse('submit', order.id, `duplicate client order id ${order.id}: the venue already has this order`, nowMs);
      return;
    }
    const problem = submitProblem(order, this.capabilities, this.capabilities.shorting ? 0 : (this.#journal?.positionQty(order.symbol) ?? this.guard.positionQty(order.symbol)));
    if (problem !== null && this.#slotOf.has(order.symbol)) {
      // Refused at the door, as a broker's API refuses a malformed request: no venue order exists (queryOrder: null).
      order.transition('submitted', nowMs);
      this.#emit({ type: 'OrderSubmitted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
      this.#reject(order, nowMs, problem);
      return;
    }
    this.#place(order, nowMs);
  }

  /** Changes a working order in place (nativeModify) or by cancel-replace: a new venue order id, the back of the queue. */
  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    if (!this.#live) return this.#refuse('modify', clientOrderId, `not connected (${this.#conn.state})`, nowMs);
    const order = this.#orders.get(clientOrderId)?.order;
    if (order === undefined || !order.isOpen) return this.#refuse('modify', clientOrderId, this.#notWorking(clientOrderId), nowMs);
    const problem = modifyProblem(order, changes, this.capabilities);
    if (problem !== null) return this.#refuse('modify', clientOrderId, problem, nowMs);
    order.amend(changes, nowMs);
    if (!this.capabilities.nativeModify) {
      this.#journal?.replace(order.id);
      const working = this.#slots[this.#slotOf.get(order.symbol)!]!.working;
      working.splice(working.indexOf(order), 1);
      working.push(order);
    }
    this.#emit({ type: 'OrderUpdated', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
  }

  /** Cancels every working order (of one symbol); children go with their parents. */
  cancelAll(nowMs: number, symbol?: string): void {
    const orders = this.workingOrders(symbol);
    for (let k = 0; k < orders.length; k++) if (orders[k]!.isOpen) this.cancel(orders[k]!.id, nowMs, 'cancel all');
  }

  #notWorking(clientOrderId: string): string {
    const known = this.#journal?.get(clientOrderId);
    return known === undefined ? `unknown order ${clientOrderId}` : `order ${clientOrderId} is ${known.status}, not working`;
  }

  /** Accepts an order onto the book; a trailing stop starts from `trailRef` when given (else the last price). */
  #place(order: Order, nowMs: number, trailRef?: number): void {
    const slotIdx = this.#slotOf.get(order.symbol);
    order.transition('submitted', nowMs);
    const journalAt = this.#journal === null ? -1 : this.#journal.record(order);
    this.#emit({ type: 'OrderSubmitted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
    if (slotIdx === undefined) {
      this.#reject(order, nowMs, `no market data for ${order.symbol} at this venue`);
      return;
    }
    const exits = order.request.exits;
    const problem = exits === undefined ? null : exitsProblem(exits, order.side, order.request.reduceOnly ?? false);
    if (problem !== null) {
      this.#reject(order, nowMs, `${problem.field}: ${problem.message}`);
      return;
    }
    const slot = this.#slots[slotIdx]!;
    const parentId = order.links.parentId;
    const parent = parentId === undefined ? undefined : this.#orders.get(parentId)?.order;
    const active = parent === undefined || parent.status === 'filled';
    // Placed while this symbol's bar is matched (from a fill's callback: an exit, a bracket child): placed at
    // the open it meets the rest of the bar from the stops pass on; placed inside the bar it works from the
    // next bar, since the rest of this bar's path is unknown to it.
    const inside = this.#matching === order.symbol && this.#pass > 0;
    this.#orders.set(order.id, { order, day: -1, best: slot.lastBar?.close ?? NaN, active, barsSeen: 0, waitNextBar: inside, journalAt });
    if (parentId !== undefined) {
      const list = this.#children.get(parentId) ?? [];
      list.push(order);
      this.#children.set(parentId, list);
    }
    order.transition('accepted', nowMs);
    this.#emit({ type: 'OrderAccepted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
    if (order.type === 'trailing-stop') this.#initTrailing(order, slot, trailRef);
    slot.working.push(order);
    this.#workingCount++;
    const atClose = order.type === 'market' && (order.request.fillAtClose ?? this.config.marketFill === 'close');
    if (atClose && active && slot.lastBar !== null) this.#fillAtClose(order, slot, slot.lastBar, nowMs);
  }

  cancel(orderId: string, nowMs: number, reason = 'canceled by request'): void {
    if (!this.#live) return this.#refuse('cancel', orderId, `not connected (${this.#conn.state})`, nowMs);
    const order = this.#orders.get(orderId)?.order;
    if (order === undefined || !order.isOpen) return this.#refuse('cancel', orderId, this.#notWorking(orderId), nowMs);
    this.#finish(order, 'canceled', nowMs, reason);
    // Exits are one attachment: canceling one of them removes the entry's other exits too.
    const group = order.links.ocoGroup === undefined ? undefined : this.#exitGroups.get(order.links.ocoGroup);
    if (group !== undefined) this.#endGroup(group, nowMs, `exit ${order.id} canceled`);
  }

  /**
   * Matches this symbol's working orders against a new bar. Call before strategies see the bar.
   */
  onBar(slotIdx: number, bar: Bar): void {
    const slot = this.#slots[slotIdx]!;
    if (this.#trackVol) this.#updateVol(slot, bar.close);
    if (slot.exits.length !== 0) this.#orderStops(slot);
    if (slot.working.length !== 0) this.#match(slot, bar);
    slot.lastBar = bar;
    // After matching: groups of entries that filled in this bar count it too.
    if (slot.exits.length !== 0) this.#manageExits(slot, bar);
  }

  /**
   * Matches working orders against a quote (paper trading on live data): buys see the ask, sells the
   * bid, each as a one-price bar whose volume is the quoted size, so a fill never exceeds what is shown.
   * Limits fill on touch here: a quote at the limit is an executable price, not a traded-through bar.
   */
  onQuote(slotIdx: number, q: QuoteTick): void {
    const slot = this.#slots[slotIdx]!;
    slot.lastQuote = q;
    if (slot.exits.length !== 0) this.#orderStops(slot);
    if (slot.working.length !== 0) {
      const side = (price: number, size: number): Bar => ({ symbol: q.symbol, tsEventMs: q.tsEventMs, open: price, high: price, low: price, close: price, volume: size });
      this.#match(slot, side(q.ask, q.askSize), 'buy', 'touch', q.askSize);
      if (slot.working.length !== 0) this.#match(slot, side(q.bid, q.bidSize), 'sell', 'touch', q.bidSize);
    }
    // Quotes move break-even stops (a long exits at the bid, a short at the ask); only bars count for time exits.
    for (const g of [...slot.exits]) {
      if (!this.#exitGroups.has(g.id) || this.#positionGone(g, slot, q.tsEventMs)) continue;
      g.skipBar = false;
      if (g.breakEvenDone) continue;
      g.best = g.dir > 0 ? Math.max(g.best, q.bid) : Math.min(g.best, q.ask);
      this.#checkBreakEven(g, slot, q.tsEventMs);
    }
  }

  #match(slot: Slot, bar: Bar, onlySide?: 'buy' | 'sell', limitMode: LimitFillMode = this.config.limitFill, shownSize = Infinity): void {
    const nowMs = bar.tsEventMs;
    const day = utcDay(nowMs);
    let capacity = this.config.volumeCap === null || !(bar.volume > 0) ? Infinity : Math.floor(this.config.volumeCap * bar.volume);
    capacity = Math.min(capacity, shownSize);
    // Each loop walks a copy of the book as it is when the loop starts (orders end and exits are placed
    // while it runs); indexed loops over `slice()` copies, not iterators, which cost much more before
    // V8 has optimized this code (cold runs).
    // Expiry first: GTD past its time, DAY orders from an earlier trading day.
    let book = slot.working.slice();
    for (let k = 0; k < book.length; k++) {
      const o = book[k]!;
      // Ending a parent ends its children too: skip what an earlier iteration already took off the book.
      if (!o.isOpen) continue;
      const x = this.#orders.get(o.id)!;
      if (!x.active) continue;
      if (o.tif === 'GTD' && o.request.expireTimeMs !== undefined && nowMs >= o.request.expireTimeMs) this.#finish(o, 'expired', nowMs, 'good-till-date passed');
      else if (o.tif === 'DAY' && x.day !== -1 && day > x.day) this.#finish(o, 'expired', nowMs, 'day order not filled');
    }
    // Two passes: what happens at the open (market orders, gaps) before what happens inside the bar;
    // inside the bar, stops before limits (the conservative order when both could have hit).
    this.#matching = slot.symbol;
    for (let pass = 0; pass < 3; pass++) {
      this.#pass = pass;
      book = slot.working.slice();
      if (pass < 2 && book.length > 1) stopsByPath(book);
      for (let k = 0; k < book.length; k++) {
        const o = book[k]!;
        if (!o.isOpen || capacity <= 0 || (onlySide !== undefined && o.side !== onlySide)) continue;
        const x = this.#orders.get(o.id)!;
        if (!x.active || x.waitNextBar) continue;
        const price = this.#priceFor(o, bar, x, pass, limitMode);
        if (Number.isNaN(price)) continue;
        capacity -= this.#fill(o, x, slot, bar, price, capacity, nowMs, pass === 2 && o.type === 'limit' ? 'maker' : 'taker');
      }
    }
    this.#pass = -1;
    this.#matching = null;
    // Bookkeeping after the bar: trailing stops move, IOC/FOK/DAY end, children arm.
    book = slot.working.slice();
    for (let k = 0; k < book.length; k++) {
      const o = book[k]!;
      if (!o.isOpen || (onlySide !== undefined && o.side !== onlySide)) continue;
      const x = this.#orders.get(o.id)!;
      if (!x.active) continue;
      if (x.waitNextBar) {
        x.waitNextBar = false;
        continue;
      }
      x.barsSeen++;
      if (x.day === -1) x.day = day;
      if (o.type === 'trailing-stop' && o.isOpen) {
        x.best = o.side === 'sell' ? Math.max(x.best, bar.high) : Math.min(x.best, bar.low);
        o.stopPrice = trailStop(o.side, o.stopPrice ?? NaN, x.best, o.request.trailing!);
      }
      if (!o.isOpen) continue;
      if (o.tif === 'IOC' || o.tif === 'FOK') this.#finish(o, 'canceled', nowMs, `${o.tif} not filled on arrival`);
      else if (o.tif === 'DAY' && this.config.dailyBars) this.#finish(o, 'expired', nowMs, 'day order not filled');
    }
  }

  /** Fill price of `o` in pass 0 (open), 1 (stops inside the bar) or 2 (limits inside the bar). */
  #priceFor(o: Order, bar: Bar, x: Extra, pass: number, limitMode: LimitFillMode): number {
    switch (o.type) {
      case 'market':
        return pass === 0 ? bar.open : NaN;
      case 'limit': {
        const p = limitFillPrice(o.side, o.limitPrice!, bar, limitMode);
        const atOpen = p === bar.open && (o.side === 'buy' ? bar.open <= o.limitPrice! : bar.open >= o.limitPrice!);
        return (pass === 0) === atOpen && pass !== 1 ? p : NaN;
      }
      case 'stop':
      case 'trailing-stop': {
        if (Number.isNaN(o.stopPrice ?? NaN)) return NaN;
        const gap = triggersAtOpen(o.side, o.stopPrice!, bar);
        return (pass === 0 && gap) || (pass === 1 && !gap) ? stopTriggerPrice(o.side, o.stopPrice!, bar) : NaN;
      }
      case 'stop-limit': {
        if (o.triggered) {
          const p = limitFillPrice(o.side, o.limitPrice!, bar, limitMode);
          return pass === 2 || (pass === 0 && p === bar.open) ? p : NaN;
        }
        if (pass !== 1 && !(pass === 0 && triggersAtOpen(o.side, o.stopPrice!, bar))) return NaN;
        const trig = stopTriggerPrice(o.side, o.stopPrice!, bar);
        if (Number.isNaN(trig)) return NaN;
        o.triggered = true;
        x.waitNextBar = true;
        o.transition('triggered', bar.tsEventMs);
        this.#emit({ type: 'OrderTriggered', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: bar.tsEventMs }, o);
        return stopLimitFillPrice(o.side, o.stopPrice!, o.limitPrice!, bar, limitMode);
      }
      default: {
        const never: never = o.type;
        throw new InvariantError(`unknown order type ${String(never)}`);
      }
    }
  }

  #fillAtClose(order: Order, slot: Slot, bar: Bar, nowMs: number): void {
    const cap = this.config.volumeCap === null || !(bar.volume > 0) ? Infinity : Math.floor(this.config.volumeCap * bar.volume);
    this.#fill(order, this.#orders.get(order.id)!, slot, bar, bar.close, cap, nowMs, 'taker');
    if (order.isOpen && (order.tif === 'IOC' || order.tif === 'FOK')) this.#finish(order, 'canceled', nowMs, `${order.tif} not filled on arrival`);
  }

  /** Fills as much of `o` as capacity allows at `rawPrice` (+ slippage for takers). Returns qty filled. */
  #fill(o: Order, x: Extra, slot: Slot, bar: Bar, rawPrice: number, capacity: number, nowMs: number, liquidity: 'maker' | 'taker'): number {
    const inst = slot.instrument;
    let qty = Math.min(o.leavesQty, capacity);
    if (o.request.reduceOnly) {
      const pos = this.guard.positionQty(o.symbol);
      const reducible = o.side === 'sell' ? Math.max(0, pos) : Math.max(0, -pos);
      qty = Math.min(qty, reducible);
      if (qty <= 0) {
        this.#finish(o, 'canceled', nowMs, 'reduce-only order would not reduce the position');
        return 0;
      }
    }
    qty = roundQty(inst, qty);
    if (qty <= 0) return 0;
    if (o.tif === 'FOK' && qty < o.leavesQty) return 0;
    let price = rawPrice;
    if (liquidity === 'taker') {
      const slip = this.config.slippage.slip({ price: rawPrice, qty, barVolume: bar.volume, volatility: Math.sqrt(slot.ewVar) });
      if (slip !== 0) {
        price = clampToBar(rawPrice + (o.side === 'buy' ? slip : -slip), bar);
        if (o.limitPrice !== undefined && (o.type === 'limit' || o.type === 'stop-limit')) {
          price = o.side === 'buy' ? Math.min(price, o.limitPrice) : Math.max(price, o.limitPrice);
        }
      }
    }
    const commission = fillCommission(this.config.commission, qty, price, liquidity, inst);
    const reason = this.guard.rejectReason(o, qty, price, commission);
    if (reason !== null) {
      if (o.filledQty > 0) this.#finish(o, 'canceled', nowMs, reason);
      else this.#reject(o, nowMs, reason);
      return 0;
    }
    o.applyFill(qty, price, commission, nowMs);
    const fill: Fill = {
      orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, side: o.side, qty, price, commission, liquidity, tsEventMs: nowMs,
    };
    this.#fillSeq++;
    if (this.#journal !== null) this.#journal.recordFill(x.journalAt, fill, inst.multiplier, slot.position);
    if (!o.isOpen) this.#remove(o);
    this.#emit({ type: 'OrderFilled', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: nowMs, fill, status: o.status }, o);
    this.#afterFill(o, nowMs);
    return qty;
  }

  /** Arms bracket children and places exit attachments when their parent is done; cancels OCO siblings. */
  #afterFill(o: Order, nowMs: number): void {
    if (o.status === 'filled') {
      this.#armChildren(o);
      this.#attachExits(o, nowMs);
    }
    const group = o.links.ocoGroup;
    if (group === undefined) return;
    const exitGroup = this.#exitGroups.get(group);
    if (exitGroup !== undefined) this.#forgetGroup(exitGroup);
    for (const { order: other } of this.#orders.values()) {
      if (other !== o && other.isOpen && other.links.ocoGroup === group) this.#finish(other, 'canceled', nowMs, `OCO sibling ${o.id} filled`);
    }
  }

  // ---- exit attachments (docs/fill-assumptions.md, "Exit attachments") ----

  /** Places the exits of an entry that is done with its fills: reduce-only orders in one OCO group. */
  #attachExits(entry: Order, nowMs: number): void {
    const exits = entry.request.exits;
    if (exits === undefined || !(entry.filledQty > 0)) return;
    const slot = this.#slots[this.#slotOf.get(entry.symbol)!]!;
    const inst = slot.instrument;
    const levels = exitLevels(exits, entry.side, entry.avgFillPrice, (p) => roundPrice(inst, p));
    const g: ExitGroup = {
      id: `${entry.id}-exits`, entry, dir: entry.sign, exitSide: oppositeSide(entry.side), qty: entry.filledQty, levels, members: [], stop: null,
      barsHeld: 0, best: entry.avgFillPrice, breakEvenDone: levels.breakEven === undefined, timeExitPlaced: levels.timeExitBars === undefined,
      skipBar: this.#pass > 0,
    };
    this.#exitGroups.set(g.id, g);
    slot.exits.push(g);
    if (levels.stopLoss !== undefined) g.stop = this.#placeExit(g, 'sl', { type: 'stop', stopPrice: levels.stopLoss, tag: 'stop-loss' }, nowMs);
    if (levels.takeProfit !== undefined) this.#placeExit(g, 'tp', { type: 'limit', limitPrice: levels.takeProfit, tag: 'take-profit' }, nowMs);
    if (levels.trailing !== undefined) this.#placeExit(g, 'trail', { type: 'trailing-stop', trailing: levels.trailing, tag: 'trailing-stop' }, nowMs, entry.avgFillPrice);
  }

  /**
   * Places one exit of a group. Placed while an entry fills at the open it works for the rest of the
   * bar; placed inside a bar, or after a bar (time exit, break-even stop), it works from the next bar.
   */
  #placeExit(g: ExitGroup, suffix: string, fields: Pick<OrderRequest, 'type' | 'stopPrice' | 'limitPrice' | 'trailing' | 'tag'>, nowMs: number, trailRef?: number): Order {
    const request: OrderRequest = { symbol: g.entry.symbol, side: g.exitSide, qty: g.qty, reduceOnly: true, ...fields };
    const child = new Order(`${g.entry.id}-${suffix}`, g.entry.strategyId, request, nowMs, { parentId: g.entry.id, ocoGroup: g.id });
    g.members.push(child);
    this.#place(child, nowMs, trailRef);
    const x = this.#orders.get(child.id);
    if (x !== undefined) x.waitNextBar = this.#pass > 0;
    return child;
  }

  /** After a bar: ends groups whose position is gone, counts the bar, moves break-even stops, places time exits. */
  #manageExits(slot: Slot, bar: Bar): void {
    const nowMs = bar.tsEventMs;
    for (const g of [...slot.exits]) {
      if (!this.#exitGroups.has(g.id) || this.#positionGone(g, slot, nowMs)) continue;
      g.barsHeld++;
      if (g.skipBar) g.skipBar = false;
      else if (!g.breakEvenDone) {
        g.best = g.dir > 0 ? Math.max(g.best, bar.high) : Math.min(g.best, bar.low);
        this.#checkBreakEven(g, slot, nowMs);
      }
      if (!g.timeExitPlaced && g.barsHeld >= g.levels.timeExitBars!) {
        g.timeExitPlaced = true;
        // A market order: at the next bar's open, or at this bar's close when market orders fill at the close.
        this.#placeExit(g, 'time', { type: 'market', tag: 'time-exit' }, nowMs);
      }
    }
  }

  /** Ends a group whose position is flat or on the other side (closed by hand or by other orders). */
  #positionGone(g: ExitGroup, slot: Slot, nowMs: number): boolean {
    if (this.guard.positionQty(slot.symbol) * g.dir > 0) return false;
    this.#endGroup(g, nowMs, 'the position the exits protect is closed');
    return true;
  }

  /** Moves the stop to break-even once the best price has reached the trigger; it never loosens. */
  #checkBreakEven(g: ExitGroup, slot: Slot, nowMs: number): void {
    const be = g.levels.breakEven!;
    if (g.dir > 0 ? g.best < be.trigger : g.best > be.trigger) return;
    g.breakEvenDone = true;
    const stop = g.stop;
    if (stop === null) {
      g.stop = this.#placeExit(g, 'be', { type: 'stop', stopPrice: be.stop, tag: 'break-even' }, nowMs);
      this.#orderStops(slot);
      return;
    }
    if (!stop.isOpen) return;
    const next = tighterStop(g.exitSide, stop.stopPrice, be.stop);
    if (next === stop.stopPrice) return;
    stop.stopPrice = next;
    stop.updatedMs = nowMs;
    this.#emit({ type: 'OrderUpdated', orderId: stop.id, strategyId: stop.strategyId, symbol: stop.symbol, tsEventMs: nowMs }, stop);
  }

  /**
   * Within each exit group, the tightest stop comes first on the book: when a bar falls through two
   * stops of one position, it reaches the tighter one first, and that one fills.
   */
  #orderStops(slot: Slot): void {
    for (const g of slot.exits) {
      if (g.members.length < 2) continue;
      const stops = g.members.filter((m) => m.isOpen && (m.type === 'stop' || m.type === 'trailing-stop') && m.stopPrice !== undefined);
      if (stops.length < 2) continue;
      const at = stops.map((m) => slot.working.indexOf(m)).sort((a, b) => a - b);
      stops.sort((a, b) => (g.exitSide === 'sell' ? b.stopPrice! - a.stopPrice! : a.stopPrice! - b.stopPrice!));
      at.forEach((i, k) => {
        slot.working[i] = stops[k]!;
      });
    }
  }

  /** Cancels what is left of a group and stops managing it. */
  #endGroup(g: ExitGroup, nowMs: number, reason: string): void {
    this.#forgetGroup(g);
    for (const m of g.members) if (m.isOpen) this.#finish(m, 'canceled', nowMs, reason);
  }

  #forgetGroup(g: ExitGroup): void {
    if (!this.#exitGroups.delete(g.id)) return;
    const slot = this.#slots[this.#slotOf.get(g.entry.symbol)!]!;
    const i = slot.exits.indexOf(g);
    if (i >= 0) slot.exits.splice(i, 1);
  }

  /** Activates the exits of a parent that is done with a position (filled, or partly filled and then ended). */
  #armChildren(o: Order): void {
    // Most orders have no children: return before making an empty array and an iterator for each fill.
    const children = this.#children.get(o.id);
    if (children === undefined) return;
    for (const child of children) {
      const x = this.#orders.get(child.id);
      if (x !== undefined && child.isOpen) {
        x.active = true;
        // Filled inside a bar (not at its open): the children start with the next bar.
        x.waitNextBar = this.#pass > 0;
        const slot = this.#slots[this.#slotOf.get(child.symbol)!]!;
        if (child.type === 'trailing-stop') this.#initTrailing(child, slot, o.avgFillPrice);
      }
    }
  }

  #initTrailing(o: Order, slot: Slot, ref?: number): void {
    const x = this.#orders.get(o.id)!;
    const q = slot.lastQuote;
    const price = ref ?? slot.lastBar?.close ?? (q === null ? NaN : (q.bid + q.ask) / 2);
    x.best = price;
    if (!Number.isNaN(price)) o.stopPrice = trailStop(o.side, o.stopPrice ?? NaN, price, o.request.trailing!);
  }

  #reject(o: Order, nowMs: number, reason: string): void {
    o.transition('rejected', nowMs, reason);
    this.#remove(o);
    this.#emit({ type: 'OrderRejected', orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: nowMs, reason }, o);
    this.#cancelChildren(o, nowMs);
  }

  #finish(o: Order, status: 'canceled' | 'expired', nowMs: number, reason: string): void {
    o.transition(status, nowMs, reason);
    this.#remove(o);
    const base = { orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: nowMs };
    this.#emit(status === 'canceled' ? { ...base, type: 'OrderCanceled', reason } : { ...base, type: 'OrderExpired' }, o);
    // A parent ended after a partial fill left a position: its exits protect that part (reduce-only caps them).
    if (o.filledQty === 0) this.#cancelChildren(o, nowMs);
    else {
      this.#armChildren(o);
      this.#attachExits(o, nowMs);
    }
  }

  #cancelChildren(o: Order, nowMs: number): void {
    const children = this.#children.get(o.id);
    if (children === undefined) return;
    for (const child of children) {
      if (child.isOpen) this.#finish(child, 'canceled', nowMs, `parent ${o.id} ${o.status}`);
    }
  }

  /** Takes a finished order off the book and forgets its matching state. */
  #remove(o: Order): void {
    const slotIdx = this.#slotOf.get(o.symbol);
    // An order for a symbol the venue does not trade was rejected before it reached a book.
    if (slotIdx === undefined) return;
    const working = this.#slots[slotIdx]!.working;
    const i = working.indexOf(o);
    if (i >= 0) {
      // Shifted in place: splice would allocate the array of what it removed, for every order.
      for (let k = i + 1; k < working.length; k++) working[k - 1] = working[k]!;
      working.pop();
      this.#workingCount--;
    }
    this.#orders.delete(o.id);
    // Parent/child bookkeeping: nothing to do while no order has children (no map lookups per order).
    if (this.#children.size === 0) return;
    const parentId = o.links.parentId;
    if (parentId !== undefined && !this.#orders.has(parentId)) {
      const siblings = this.#children.get(parentId);
      if (siblings !== undefined && siblings.every((c) => !c.isOpen)) this.#children.delete(parentId);
    }
    if (o.links.parentId === undefined && (this.#children.get(o.id)?.every((c) => !c.isOpen) ?? false)) this.#children.delete(o.id);
  }

  #updateVol(slot: Slot, close: number): void {
    if (slot.lastClose > 0) {
      const r = Math.log(close / slot.lastClose);
      slot.ewVar = Number.isNaN(slot.ewVar) ? r * r : 0.94 * slot.ewVar + 0.06 * r * r;
    }
    slot.lastClose = close;
  }

  get fillCount(): number {
    return this.#fillSeq;
  }
}

/**
 * Stops of one side are met in the order a path from the open reaches them: sell stops from the highest
 * down, buy stops from the lowest up (so of two stops protecting one position the tighter fills first).
 * Permutes them among the places stops of that side hold in `book`; everything else keeps its place.
 */
function stopsByPath(book: Order[]): void {
  let sells = 0;
  let buys = 0;
  for (let k = 0; k < book.length; k++) {
    const o = book[k]!;
    if ((o.type === 'stop' || o.type === 'trailing-stop') && o.stopPrice !== undefined) {
      if (o.side === 'sell') sells++;
      else buys++;
    }
  }
  if (sells > 1) sortSide(book, 'sell');
  if (buys > 1) sortSide(book, 'buy');
}

function sortSide(book: Order[], side: OrderSide): void {
  const at: number[] = [];
  const stops: Order[] = [];
  for (let k = 0; k < book.length; k++) {
    const o = book[k]!;
    if (o.side === side && (o.type === 'stop' || o.type === 'trailing-stop') && o.stopPrice !== undefined) {
      at.push(k);
      stops.push(o);
    }
  }
  // A stable sort: stops at one price keep their book order; a trailing stop without a level yet (NaN) goes last.
  const key = (o: Order): number => (Number.isNaN(o.stopPrice!) ? Infinity : side === 'sell' ? -o.stopPrice! : o.stopPrice!);
  stops.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x === y ? 0 : x < y ? -1 : 1;
  });
  for (let i = 0; i < at.length; i++) book[at[i]!] = stops[i]!;
}
