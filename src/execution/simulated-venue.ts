// The simulated venue: matches working orders against bars under the rules of docs/fill-assumptions.md.
// Orders live per symbol slot so a bar with nothing working costs one length check.
// It matches plain orders only (market, limit, stop, stop-limit, trailing stop): brackets, OCO groups and
// exit attachments are held by the OrderEmulator in front of it in every mode (./order-emulator.ts), which
// releases them as plain orders, so there is one implementation of contingencies.
// It is a full ExecutionClient (docs/architecture.md, "The execution port"): connection states, modify,
// cancelAll, order queries and mass status from its journal (./venue-journal.ts). None of that changes
// how orders match or fill.
import { utcDay } from '../core/time.ts';
import { InvariantError, RetryableVenueError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import type { Fill } from '../model/fill.ts';
import type { Instrument } from '../model/instrument.ts';
import type { QuoteTick } from '../model/market.ts';
import { roundQty } from '../model/instrument.ts';
import type { Order, OrderSide } from '../model/order.ts';
import type { CommissionModel } from './commission.ts';
import { fillCommission, NO_COMMISSION } from './commission.ts';
import type { OrderEvent } from '../model/events.ts';
import { ConnectionTracker } from './connection.ts';
import type { CommandRejectedEvent, ConnectionState, ExecutionCapabilities, ExecutionClient, ExecutionSink, OrderModification, SubmitHints } from './execution-client.ts';
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

/**
 * What the simulated venue supports: every order type and time in force (a narrower set plays a venue that
 * lacks something), no contingencies (the OrderEmulator in front of it holds brackets, OCO and exits).
 * Fractional quantities are accepted; each instrument's lot size still rounds fills.
 */
export const SIMULATED_CAPABILITIES: ExecutionCapabilities = Object.freeze({
  orderTypes: ALL_ORDER_TYPES, timeInForce: ALL_TIME_IN_FORCE, fractionalQty: true, shorting: true, reduceOnly: true,
  nativeModify: true, nativeBrackets: false, nativeOco: false, exitAttachments: false,
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
  /** The journal's position in this symbol (held here so a fill needs no lookup). */
  readonly position: PositionState;
}

/** An order on the book with its matching state (one map entry per working order, not two). */
interface Extra {
  order: Order;
  /** Trading day the order first met (DAY orders). */
  day: number;
  /** Best price since submission (trailing stops). */
  best: number;
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
  readonly #trackVol: boolean;
  #fillSeq = 0;
  #workingCount = 0;
  /** Matching pass in progress: 0 at the open, 1 stops, 2 limits; -1 outside matching. */
  #pass = -1;
  /** Bracket children released by a fill in the open pass: they meet the open after the book has. */
  #joinOpen: Order[] = [];
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
    // Narrowed as asked; contingencies are never native here.
    this.capabilities = Object.freeze({ ...SIMULATED_CAPABILITIES, ...options.capabilities, nativeBrackets: false, nativeOco: false, exitAttachments: false });
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
    this.#slots.push({ symbol: inst.symbol, instrument: inst, working: [], lastBar: null, lastQuote: null, ewVar: NaN, lastClose: NaN, position: this.#journal?.positionOf(inst.symbol) ?? { qty: 0, avgPrice: 0, tsMs: 0 } });
    this.#slotOf.set(inst.symbol, slot);
    return slot;
  }

  slotOf(symbol: string): number | undefined {
    return this.#slotOf.get(symbol);
  }

  /** True while a bar (or quote) of `symbol` is being matched past its open: a fill now came inside the bar. */
  insideBar(symbol: string): boolean {
    return this.#pass > 0 && this.#matching === symbol;
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

  submit(order: Order, nowMs: number, hints?: SubmitHints): void {
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
    this.#place(order, nowMs, hints?.trailFrom, hints?.withParentFill === true);
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

  /** Cancels every working order (of one symbol). */
  cancelAll(nowMs: number, symbol?: string): void {
    const orders = this.workingOrders(symbol);
    for (let k = 0; k < orders.length; k++) if (orders[k]!.isOpen) this.cancel(orders[k]!.id, nowMs, 'cancel all');
  }

  #notWorking(clientOrderId: string): string {
    const known = this.#journal?.get(clientOrderId);
    return known === undefined ? `unknown order ${clientOrderId}` : `order ${clientOrderId} is ${known.status}, not working`;
  }

  /**
   * Accepts a plain order onto the book; a trailing stop starts from `trailRef` when given (else the last
   * price). `withParentFill`: a bracket child released by its parent's fill (SubmitHints).
   */
  #place(order: Order, nowMs: number, trailRef?: number, withParentFill = false): void {
    const slotIdx = this.#slotOf.get(order.symbol);
    order.transition('submitted', nowMs);
    const journalAt = this.#journal === null ? -1 : this.#journal.record(order);
    this.#emit({ type: 'OrderSubmitted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
    if (slotIdx === undefined) {
      this.#reject(order, nowMs, `no market data for ${order.symbol} at this venue`);
      return;
    }
    const slot = this.#slots[slotIdx]!;
    // Placed while this symbol's bar is matched (from a fill's callback: an exit, a bracket child): placed at
    // the open it meets the rest of the bar from the stops pass on; placed inside the bar it works from the
    // next bar, since the rest of this bar's path is unknown to it.
    const matching = this.#matching === order.symbol;
    const inside = matching && this.#pass > 0;
    this.#orders.set(order.id, { order, day: -1, best: slot.lastBar?.close ?? NaN, barsSeen: 0, waitNextBar: inside, journalAt });
    order.transition('accepted', nowMs);
    this.#emit({ type: 'OrderAccepted', orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, tsEventMs: nowMs }, order);
    if (order.type === 'trailing-stop') this.#initTrailing(order, slot, trailRef);
    slot.working.push(order);
    this.#workingCount++;
    if (withParentFill && matching) {
      // A bracket child waited on the book with its parent: released by a fill at the open, it meets that
      // open too (#match); it is never filled at the close of the bar before the one being matched.
      if (this.#pass === 0) this.#joinOpen.push(order);
      return;
    }
    const atClose = order.type === 'market' && (order.request.fillAtClose ?? this.config.marketFill === 'close');
    if (atClose && slot.lastBar !== null) this.#fillAtClose(order, slot, slot.lastBar, nowMs);
  }

  cancel(orderId: string, nowMs: number, reason = 'canceled by request'): void {
    if (!this.#live) return this.#refuse('cancel', orderId, `not connected (${this.#conn.state})`, nowMs);
    const order = this.#orders.get(orderId)?.order;
    if (order === undefined || !order.isOpen) return this.#refuse('cancel', orderId, this.#notWorking(orderId), nowMs);
    this.#finish(order, 'canceled', nowMs, reason);
  }

  /**
   * Matches this symbol's working orders against a new bar. Call before strategies see the bar.
   */
  onBar(slotIdx: number, bar: Bar): void {
    const slot = this.#slots[slotIdx]!;
    if (this.#trackVol) this.#updateVol(slot, bar.close);
    if (slot.working.length !== 0) this.#match(slot, bar);
    slot.lastBar = bar;
  }

  /**
   * Matches working orders against a quote (paper trading on live data): buys see the ask, sells the
   * bid, each as a one-price bar whose volume is the quoted size, so a fill never exceeds what is shown.
   * Limits fill on touch here: a quote at the limit is an executable price, not a traded-through bar.
   */
  onQuote(slotIdx: number, q: QuoteTick): void {
    const slot = this.#slots[slotIdx]!;
    slot.lastQuote = q;
    if (slot.working.length !== 0) {
      const side = (price: number, size: number): Bar => ({ symbol: q.symbol, tsEventMs: q.tsEventMs, open: price, high: price, low: price, close: price, volume: size });
      this.#match(slot, side(q.ask, q.askSize), 'buy', 'touch', q.askSize);
      if (slot.working.length !== 0) this.#match(slot, side(q.bid, q.bidSize), 'sell', 'touch', q.bidSize);
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
      // In the open pass, bracket children its fills release meet the open after the book (SubmitHints.withParentFill).
      for (;;) {
        for (let k = 0; k < book.length; k++) {
          const o = book[k]!;
          if (!o.isOpen || capacity <= 0 || (onlySide !== undefined && o.side !== onlySide)) continue;
          const x = this.#orders.get(o.id)!;
          if (x.waitNextBar) continue;
          const price = this.#priceFor(o, bar, x, pass, limitMode);
          if (Number.isNaN(price)) continue;
          capacity -= this.#fill(o, x, slot, bar, price, capacity, nowMs, pass === 2 && o.type === 'limit' ? 'maker' : 'taker');
        }
        if (this.#joinOpen.length === 0) break;
        book = this.#joinOpen;
        this.#joinOpen = [];
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
      if (x.waitNextBar) {
        x.waitNextBar = false;
        continue;
      }
      x.barsSeen++;
      if (x.day === -1) x.day = day;
      if (o.type === 'trailing-stop' && o.isOpen) {
        // No price when it was placed (a restart sends it again before any bar): this bar's is its first.
        x.best = Number.isNaN(x.best) ? (o.side === 'sell' ? bar.high : bar.low) : o.side === 'sell' ? Math.max(x.best, bar.high) : Math.min(x.best, bar.low);
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
    return qty;
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
  }

  #finish(o: Order, status: 'canceled' | 'expired', nowMs: number, reason: string): void {
    o.transition(status, nowMs, reason);
    this.#remove(o);
    const base = { orderId: o.id, strategyId: o.strategyId, symbol: o.symbol, tsEventMs: nowMs };
    this.#emit(status === 'canceled' ? { ...base, type: 'OrderCanceled', reason } : { ...base, type: 'OrderExpired' }, o);
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
