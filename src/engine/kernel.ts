// The deterministic kernel: one event loop shared by backtest, paper and live. It routes orders
// Strategy -> RiskEngine -> ExecutionEngine -> ExecutionClient; the engine books what clients report in
// its order cache, then the kernel books fills into the portfolio and tells strategies.
// Data arrives through `onBar` from whichever DataClient drives the run.
import { ConfigError, StrategyError } from '../core/errors.ts';
import { IdGenerator } from '../core/ids.ts';
import type { Clock } from '../core/clock.ts';
import type { Bar } from '../model/bar.ts';
import type { EngineEvent, OrderEvent, RiskEvent } from '../model/events.ts';
import type { BreakerEvent, CircuitBreakerSet } from '../risk/breakers/index.ts';
import type { Instrument } from '../model/instrument.ts';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.ts';
import { commitPerUnit, marginPerUnit, roundPrice, roundQty } from '../model/instrument.ts';
import { NO_LINKS, Order, type OrderLinks, type OrderRequest } from '../model/order.ts';
import type { ExecutionSink, OrderModification } from '../execution/execution-client.ts';
import { ExecutionEngine, type OrderRoute } from '../execution/execution-engine.ts';
import type { CachedOrder, OrderCache } from '../execution/order-cache.ts';
import type { FillGuard, SimulatedVenue } from '../execution/simulated-venue.ts';
import type { OrderEmulator } from '../execution/order-emulator.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { TradeTracker } from '../portfolio/trade-tracker.ts';
import { exposureIncreasingQty, type NearMiss, type RiskEngine, type RiskView } from '../risk/risk-engine.ts';
import { formatNearMiss, NEAR_MISS_KIND } from '../risk/checks/near-miss.ts';
import type { Strategy } from '../strategies/strategy.ts';
import type { Sizer } from '../strategies/sizing.ts';
import { KernelContext } from './context-impl.ts';
import type { KernelPort } from './kernel-port.ts';
import type { Feed } from './feed.ts';
import { FillLog, type KernelFill } from './fill-log.ts';

export type { KernelFill } from './fill-log.ts';

export interface RejectionRecord {
  readonly orderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** denied = stopped by pre-trade risk; rejected = refused by the venue (e.g. cash at fill time). */
  readonly status: 'denied' | 'rejected';
  readonly reason: string;
  readonly tsMs: number;
}

export interface KernelOptions {
  readonly clock: Clock;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly defaultSizer: Sizer;
  /** Annual rates for shorts' borrow fee and negative cash. */
  readonly borrowRate?: number;
  readonly marginRate?: number;
  /** Receives every event (the store, monitors), with the order it concerns. */
  readonly onEvent?: (e: EngineEvent, order?: Order) => void;
  /** Client order ids are `${idPrefix}-${n}`; continue `n` from `idStart` after a restart. */
  readonly idPrefix?: string;
  readonly idStart?: number;
  /** Circuit breakers fed by the kernel (equity, trades, market data, venue results); their trips act here. */
  readonly breakers?: CircuitBreakerSet;
  readonly log?: (strategyId: string, message: string) => void;
}

interface Slot {
  readonly strategy: Strategy;
  readonly ctx: KernelContext;
  running: boolean;
  /**
   * The strategy's own sub-account: its allocation, its positions and PnL. A lone strategy without an
   * allocation trades the whole account, so from `start()` its book is the account itself.
   */
  book: Portfolio;
  /** Checked pre-trade when several strategies share the account or an allocation was set. */
  readonly enforceAllocation: boolean;
  /** Exposure its working orders may still add. */
  pending: number;
}

export class Kernel implements ExecutionSink, FillGuard, RiskView, KernelPort {
  readonly portfolio: Portfolio;
  readonly trades: TradeTracker;
  readonly fills = new FillLog();
  readonly rejections: RejectionRecord[] = [];
  /** The one owner of order state: commands go out through it, client reports come back through it. */
  readonly execution: ExecutionEngine;
  /** Every order, in the order it became known (the order cache's list). */
  readonly orders: Order[];
  readonly strategyErrors: { strategyId: string; message: string; tsMs: number }[] = [];
  readonly riskEvents: RiskEvent[] = [];
  /** Orders a strategy asked for that sized or rounded to zero units (nothing sent); for run warnings. */
  zeroSized = 0;
  readonly #breakers: CircuitBreakerSet | null;
  /** Some pre-trade check or breaker keeps price state: feed it every bar. */
  readonly #marketHooks: boolean;
  /** Some pre-trade check keeps trade history (day trades, locates): hand it every fill. */
  readonly #fillHooks: boolean;
  /** Matches orders against the market data the kernel feeds it (backtests, paper); never asked for orders. */
  venue!: SimulatedVenue;
  /**
   * The OrderEmulator in front of the execution client (docs/architecture.md, "The order path"): it holds
   * brackets, OCO groups and exit attachments (and, for a client without them, stop and trailing types).
   * It sees each bar, quote and trade before the venue matches it (held triggers) and after (exits).
   */
  emulator: OrderEmulator | null = null;
  readonly #clock: Clock;
  readonly #risk: RiskEngine;
  #ids: IdGenerator;
  /** Operator kill switch: deny every new order except reduce-only ones. */
  halted = false;
  /**
   * Warm-up (a live node replaying recent history before it trades): strategies see the bars and build
   * their indicators, but nothing they order is sent (counted in `warmupOrdersSkipped`) and the
   * simulated venue matches nothing against these old bars.
   */
  warmingUp = false;
  warmupOrdersSkipped = 0;
  /** Bars drive order matching (backtests, replays); false when quotes do (live synthetic market). */
  matchOnBars = true;
  /** Every bar of every feed is known before the run (backtests): indicator lines are computed up front. */
  wholeSeries = false;
  readonly #slots: Slot[] = [];
  readonly #byId = new Map<string, Slot>();
  readonly #feedsBySymbol = new Map<string, Feed>();
  readonly #opts: KernelOptions;
  /** Exposure each working order may still add (pre-trade buying-power reservations). */
  /** Orders holding a reservation (kept on their order-cache entries). */
  #reservations = 0;
  #pendingExposure = 0;
  #barIndex = 0;

  constructor(opts: KernelOptions) {
    this.#opts = opts;
    this.#clock = opts.clock;
    this.portfolio = opts.portfolio;
    this.#risk = opts.risk;
    this.#ids = new IdGenerator(opts.idPrefix ?? 'O', opts.idStart ?? 1);
    this.#breakers = opts.breakers ?? null;
    this.#marketHooks = this.#breakers !== null || opts.risk.checks.some((c) => c.onMarketData !== undefined);
    this.#fillHooks = opts.risk.wantsFills;
    // Near misses (orders that pass close to a limit) go out as risk events; only asked for when someone hears them.
    if (opts.onEvent !== undefined && opts.risk.reportsNearMisses) opts.risk.onNearMisses((order, misses) => this.#nearMisses(order, misses));
    this.#breakers?.subscribe((e) => this.#onBreaker(e));
    this.trades = new TradeTracker((s) => this.#feedsBySymbol.get(s)?.instrument.multiplier ?? 1);
    this.execution = new ExecutionEngine({ onOrderEvent: (e, o, entry) => this.#book(e, o, entry) });
    // Orders placed at the venue by someone else are not booked here: reconciliation and the position watch account for them.
    this.execution.owns = (strategyId) => this.#byId.has(strategyId);
    this.orders = this.execution.cache.all;
  }

  /**
   * The venue matches orders against the market data the kernel feeds it; `client` (default: the
   * venue) is the ExecutionClient the engine sends to (e.g. a durable client that persists intents first).
   */
  attachVenue(venue: SimulatedVenue, client?: OrderRoute): void {
    this.venue = venue;
    this.execution.addClient(client ?? venue);
  }

  /** Orders by client and venue order id, and the working ones per strategy and symbol. */
  get orderCache(): OrderCache {
    return this.execution.cache;
  }

  addFeed(feed: Feed): void {
    if (!this.#feedsBySymbol.has(feed.symbol) || feed.venueSlot >= 0) this.#feedsBySymbol.set(feed.symbol, feed);
    const margin = marginPerUnit(feed.instrument);
    if (margin > 0) this.portfolio.setMargin(feed.symbol, margin);
  }

  /**
   * Adds a strategy with its allocation (cash it may commit; the whole account when omitted). Its
   * context sees its own cash, equity and positions; the account's risk checks still apply.
   */
  addStrategy(strategy: Strategy, id: string, allocation?: number): void {
    if (this.#byId.has(id)) throw new ConfigError(`two strategies share the id "${id}"`);
    if (allocation !== undefined && !(allocation > 0)) throw new ConfigError(`strategy ${id}: allocation must be positive, got ${allocation}`, { field: 'allocation' });
    strategy.id = id;
    const p = this.portfolio;
    const book = new Portfolio({ type: p.type, startingCash: allocation ?? p.cash, leverage: p.leverage, currency: p.currency, margins: p.margins });
    const slot: Slot = { strategy, ctx: new KernelContext(this, id, this.#opts.defaultSizer), running: true, book, enforceAllocation: allocation !== undefined, pending: 0 };
    this.#slots.push(slot);
    this.#byId.set(id, slot);
  }

  /** A strategy's sub-account, marked to the latest prices. */
  book(strategyId: string): Portfolio {
    const slot = this.#byId.get(strategyId);
    if (slot === undefined) throw new ConfigError(`unknown strategy "${strategyId}"`);
    // The account's positions are marked by the feeds; a separate book's are marked here.
    if (slot.book !== this.portfolio) for (const pos of slot.book.openPositions()) pos.lastPrice = this.lastPrice(pos.symbol);
    return slot.book;
  }

  get strategies(): readonly Strategy[] {
    return this.#slots.map((s) => s.strategy);
  }

  nowMs(): number {
    return this.#clock.nowMs();
  }

  start(): void {
    const only = this.#slots.length === 1 ? this.#slots[0]! : undefined;
    if (only !== undefined && !only.enforceAllocation) only.book = this.portfolio;
    for (const s of this.#slots) this.#guarded(s, () => s.strategy.onStart?.(s.ctx));
  }

  stop(): void {
    for (const s of this.#slots) if (s.running) this.#guarded(s, () => s.strategy.onStop?.(s.ctx));
  }

  /** One bar of one feed: match working orders, mark, then let strategies act on it. */
  onBar(feed: Feed, index: number): void {
    const view = feed.view;
    view.moveTo(index);
    feed.history.cursor = index;
    feed.cursor = index;
    this.#barIndex = index;
    if (!this.warmingUp) {
      const emulator = this.emulator;
      if (emulator !== null && emulator.marketWork) this.#matchHeld(feed, view, emulator);
      else if (feed.venueSlot >= 0 && this.matchOnBars) this.#matchBar(feed, view, emulator);
    }
    feed.position.lastPrice = view.close;
    if (feed.lines.length !== 0 || this.#marketHooks) this.#barHooks(feed, view, index);
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (!s.running) continue;
      try {
        s.strategy.onBar(view, s.ctx);
        // The strategy's execution algorithms (ctx.execute) see the bar after it.
        if (s.ctx.algos !== null) s.ctx.algos.onBar(view);
      } catch (e) {
        this.#fail(s, e);
      }
    }
  }

  /** The venue matches the bar; a fill may have given the emulator exits to manage, which then see the bar too. */
  #matchBar(feed: Feed, view: Bar, emulator: OrderEmulator | null): void {
    this.venue.onBar(feed.venueSlot, view);
    if (emulator !== null && emulator.marketWork) emulator.afterBar(view);
  }

  /** The emulator holds something: it sees the bar before the venue matches it (held triggers) and after (exits). */
  #matchHeld(feed: Feed, view: Bar, emulator: OrderEmulator): void {
    emulator.onBar(view);
    if (feed.venueSlot >= 0 && this.matchOnBars) this.venue.onBar(feed.venueSlot, view);
    if (emulator.marketWork) emulator.afterBar(view);
  }

  /**
   * Streaming lines fold the bar, then price-keeping checks and breakers see it. Out of `onBar`: a
   * backtest has neither, and the smaller `onBar` leaves V8's inlining budget to the strategy's code.
   */
  #barHooks(feed: Feed, view: Bar, index: number): void {
    const lines = feed.lines;
    for (let i = 0; i < lines.length; i++) lines[i]!.onBar(index);
    if (this.#marketHooks) {
      this.#risk.onMarketData(feed.symbol, view.tsEventMs, view.close);
      this.#breakers?.onMarketData(feed.symbol, view.tsEventMs, view.close);
    }
  }

  /** A quote: the venue matches against it (paper trading), the position is marked at the mid, strategies see it. */
  onQuote(q: QuoteTick): void {
    const feed = this.#feedsBySymbol.get(q.symbol);
    if (feed === undefined) return;
    if (this.emulator !== null) this.emulator.onQuote(q);
    if (feed.venueSlot >= 0) this.venue.onQuote(feed.venueSlot, q);
    if (this.emulator !== null) this.emulator.afterQuote(q);
    feed.position.lastPrice = (q.bid + q.ask) / 2;
    for (const s of this.#slots) {
      if (!s.running || s.strategy.onQuote === undefined) continue;
      try {
        s.strategy.onQuote(q, s.ctx);
      } catch (e) {
        this.#fail(s, e);
      }
    }
  }

  /** A trade print: marks the position at the trade price; strategies see it. */
  onTrade(t: TradeTick): void {
    const feed = this.#feedsBySymbol.get(t.symbol);
    if (feed === undefined) return;
    if (this.emulator !== null) this.emulator.onTrade(t);
    feed.position.lastPrice = t.price;
    for (const s of this.#slots) {
      if (!s.running || (s.strategy.onTrade === undefined && s.ctx.algos === null)) continue;
      try {
        s.strategy.onTrade?.(t, s.ctx);
        s.ctx.algos?.onTrade(t);
      } catch (e) {
        this.#fail(s, e);
      }
    }
  }

  /** An L2 snapshot: its top of book is a quote for the venue; strategies see the whole book. */
  onBook(book: OrderBookSnapshot): void {
    const feed = this.#feedsBySymbol.get(book.symbol);
    if (feed === undefined) return;
    const bid = book.bids[0];
    const ask = book.asks[0];
    if (bid !== undefined && ask !== undefined) {
      const top = { symbol: book.symbol, tsEventMs: book.tsEventMs, bid: bid.price, ask: ask.price, bidSize: bid.size, askSize: ask.size };
      if (this.emulator !== null) this.emulator.onQuote(top);
      if (feed.venueSlot >= 0) this.venue.onQuote(feed.venueSlot, top);
      if (this.emulator !== null) this.emulator.afterQuote(top);
      feed.position.lastPrice = (bid.price + ask.price) / 2;
    }
    for (const s of this.#slots) {
      if (!s.running || (s.strategy.onBook === undefined && s.ctx.algos === null)) continue;
      try {
        s.strategy.onBook?.(book, s.ctx);
        s.ctx.algos?.onBook(book);
      } catch (e) {
        this.#fail(s, e);
      }
    }
  }

  /** The circuit breakers (state and manual reset for operators), or null when the run has none. */
  get breakerSet(): CircuitBreakerSet | null {
    return this.#breakers;
  }

  get hasBreakers(): boolean {
    return this.#breakers !== null;
  }

  /** After all bars of one timestamp: breakers see the equity and may trip or cool down. */
  afterStep(tsMs: number): void {
    const b = this.#breakers;
    if (b === null) return;
    b.onEquity(tsMs, this.portfolio.equity());
    b.check(tsMs);
  }

  /** A breaker tripped or reset: record it; a flatten trip cancels everything and closes every position. */
  #onBreaker(e: BreakerEvent): void {
    this.riskEvents.push(e);
    this.#opts.onEvent?.(e);
    if (e.kind !== 'breaker-tripped' || e.action !== 'flatten') return;
    for (const o of this.execution.cache.working()) this.cancel(o.id);
    for (const s of this.#slots) {
      for (const p of [...s.book.openPositions()]) {
        this.submit(s.strategy.id, { symbol: p.symbol, side: p.qty > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(p.qty), reduceOnly: true, tag: `flatten: ${e.breaker}` });
      }
    }
  }

  /** Charges financing when the calendar day moves on. */
  accrue(days: number): void {
    const borrow = this.#opts.borrowRate ?? 0;
    const margin = this.#opts.marginRate ?? 0;
    if (borrow !== 0 || margin !== 0) this.portfolio.accrueFinancing(days, borrow, margin);
  }

  // ---- order path: Strategy -> RiskEngine -> ExecutionEngine -> ExecutionClient ----

  symbols(): readonly string[] {
    return [...this.#feedsBySymbol.keys()];
  }

  feedOf(symbol: string): Feed | undefined {
    return this.#feedsBySymbol.get(symbol);
  }

  lastBar(symbol: string): Bar | null {
    const f = this.#feedsBySymbol.get(symbol);
    return f === undefined || f.history.cursor < 0 ? null : f.view;
  }

  /** Makes, risk-checks and sends an order (`id`: its client order id, else the next one). Returns null when the quantity rounds to nothing. */
  submit(strategyId: string, request: OrderRequest, links: OrderLinks = NO_LINKS, id?: string): Order | null {
    if (this.warmingUp) {
      this.warmupOrdersSkipped++;
      return null;
    }
    const feed = this.#feedsBySymbol.get(request.symbol);
    if (feed === undefined) throw new ConfigError(`unknown symbol "${request.symbol}"`, { field: 'symbol' });
    const inst = feed.instrument;
    const qty = roundQty(inst, request.qty);
    if (qty <= 0) {
      this.zeroSized++;
      return null;
    }
    const normalized: OrderRequest =
      qty === request.qty && request.limitPrice === undefined && request.stopPrice === undefined
        ? request
        : {
            ...request,
            qty,
            limitPrice: request.limitPrice === undefined ? undefined : roundPrice(inst, request.limitPrice),
            stopPrice: request.stopPrice === undefined ? undefined : roundPrice(inst, request.stopPrice),
          };
    validatePrices(normalized);
    const now = this.#clock.nowMs();
    const order = new Order(id ?? this.#ids.next(), strategyId, normalized, now, links);
    const ref = refPrice(normalized, feed.history.cursor >= 0 ? feed.view.close : feed.position.lastPrice);
    // Children of a bracket are exits: they are checked against the position their parent will leave.
    const slot = this.#byId.get(strategyId);
    const halted = this.halted && !normalized.reduceOnly ? 'kill switch: trading is halted' : null;
    const reason = halted ?? (links.parentId !== undefined ? null : (this.#allocationReason(slot, order, ref, inst) ?? this.#risk.check(order, ref, this)));
    if (reason !== null) {
      this.execution.deny(order, now, reason);
      return order;
    }
    if (links.parentId === undefined) {
      const committed = exposureIncreasingQty(order, this.positionQty(order.symbol)) * commitPerUnit(inst, ref);
      if (committed > 0) {
        this.#reservations++;
        this.#pendingExposure += committed;
        if (slot !== undefined) slot.pending += committed;
        this.execution.submit(order, now, committed / order.qty, committed);
        return order;
      }
    }
    this.execution.submit(order, now);
    return order;
  }

  cancel(orderId: string): void {
    this.execution.cancel(orderId, this.#clock.nowMs());
  }

  /** Asks to change a working order (`OrderUpdated` when the venue takes it); false when it cannot be sent. */
  modify(orderId: string, changes: OrderModification): boolean {
    return this.execution.modify(orderId, changes, this.#clock.nowMs());
  }

  // ---- restart recovery (live runtimes) ----

  /** Books a fill recorded before a restart: portfolio, strategy book and trades, without events. */
  restoreFill(f: KernelFill & { readonly multiplier?: number }): void {
    const mult = f.multiplier ?? this.#feedsBySymbol.get(f.symbol)?.instrument.multiplier ?? 1;
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    this.portfolio.applyFill(f.symbol, signed, f.price, f.commission, f.tsMs, mult);
    const owner = this.#byId.get(f.strategyId);
    if (owner !== undefined && owner.book !== this.portfolio) owner.book.applyFill(f.symbol, signed, f.price, f.commission, f.tsMs, mult);
    this.trades.onFill(f.symbol, signed, f.price, f.commission, f.tsMs, this.#barIndex);
    this.fills.push(f);
    if (this.#fillHooks) this.#risk.onFill({ orderId: f.orderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, tsMs: f.tsMs, positionAfter: this.positionQty(f.symbol) });
  }

  /** Continues client order ids from `next` (after a restart, past every stored order). */
  resetIds(next: number): void {
    this.#ids = new IdGenerator(this.#opts.idPrefix ?? 'O', next);
  }

  /** An order from before a restart that the venue is still working: followed again, not sent. */
  adoptWorking(order: Order): void {
    this.execution.adopt(order);
  }

  /** Re-creates a working order from before a restart and sends it again (same client order id). */
  resubmit(order: Order): void {
    this.execution.submit(order, this.#clock.nowMs());
  }

  // ---- ExecutionSink ----

  /** What the venue reports goes to the ExecutionEngine first; it calls `#book` for what it applied. */
  onOrderEvent(event: OrderEvent, order: Order): void {
    this.execution.onOrderEvent(event, order);
  }

  /** Books an order event the ExecutionEngine applied: portfolio, trades, breakers, the hook, the strategy. */
  #book(event: OrderEvent, order: Order, entry: CachedOrder | null): void {
    switch (event.type) {
      case 'OrderFilled': {
        const f = event.fill;
        const mult = this.#feedsBySymbol.get(f.symbol)?.instrument.multiplier ?? 1;
        const signed = f.side === 'buy' ? f.qty : -f.qty;
        const position = this.portfolio.position(f.symbol, mult);
        const mark = position.lastPrice;
        this.portfolio.applyFill(f.symbol, signed, f.price, f.commission, f.tsEventMs, mult);
        // Positions are marked at the market's last close, not at a (slipped) fill price.
        if (!Number.isNaN(mark)) position.lastPrice = mark;
        const owner = this.#byId.get(f.strategyId);
        if (owner !== undefined && owner.book !== this.portfolio) {
          const own = owner.book.position(f.symbol, mult);
          owner.book.applyFill(f.symbol, signed, f.price, f.commission, f.tsEventMs, mult);
          if (!Number.isNaN(mark)) own.lastPrice = mark;
        }
        const closedBefore = this.trades.closed.length;
        this.trades.onFill(f.symbol, signed, f.price, f.commission, f.tsEventMs, this.#barIndex);
        if (this.#breakers !== null) for (let i = closedBefore; i < this.trades.closed.length; i++) this.#breakers.onTradeClosed(this.trades.closed[i]!.pnl, f.tsEventMs);
        this.fills.append(f.orderId, f.strategyId, f.symbol, f.side, f.qty, f.price, f.commission, f.tsEventMs);
        if (this.#fillHooks) this.#risk.onFill({ orderId: f.orderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, tsMs: f.tsEventMs, positionAfter: position.qty });
        this.#releaseExposure(order, entry);
        break;
      }
      case 'OrderDenied':
      case 'OrderRejected':
        this.rejections.push({
          orderId: order.id, strategyId: order.strategyId, symbol: order.symbol, side: order.side, qty: order.qty,
          status: event.type === 'OrderDenied' ? 'denied' : 'rejected', reason: event.reason, tsMs: event.tsEventMs,
        });
        if (event.type === 'OrderRejected') {
          this.#releaseExposure(order, entry);
          this.#breakers?.onOrderResult(false, event.tsEventMs);
        }
        break;
      case 'OrderCanceled':
      case 'OrderExpired':
        this.#releaseExposure(order, entry);
        break;
      case 'OrderAccepted':
        this.#breakers?.onOrderResult(true, event.tsEventMs);
        break;
      case 'OrderSubmitted':
      case 'OrderTriggered':
      case 'OrderUpdated':
        break;
    }
    this.#opts.onEvent?.(event, order);
    const slot = this.#byId.get(event.strategyId);
    if (slot !== undefined && slot.running && (slot.strategy.onOrderEvent !== undefined || slot.ctx.algos !== null)) {
      try {
        // Execution algorithms hear about their children before the strategy does.
        slot.ctx.algos?.onOrderEvent(event);
        slot.strategy.onOrderEvent?.(event, slot.ctx);
      } catch (e) {
        this.#fail(slot, e);
      }
    }
  }

  /** An order passed close to some limits: one `compliance-near-miss` risk event each (the store keeps them). */
  #nearMisses(order: Order, misses: readonly NearMiss[]): void {
    const tsMs = this.#clock.nowMs();
    for (const m of misses) this.#opts.onEvent?.({ type: 'RiskEvent', kind: NEAR_MISS_KIND, tsEventMs: tsMs, reason: formatNearMiss(order, m) });
  }

  /** Shrinks an order's reservation to what it may still add; drops it when the order is done. */
  #releaseExposure(order: Order, c: CachedOrder | null): void {
    if (c === null || c.reservedPerUnit === 0) return;
    // Scale the original reservation by what is left (not the already-shrunk one, which compounded).
    const remaining = order.isOpen ? c.reservedPerUnit * order.leavesQty : 0;
    const before = c.reserved;
    if (remaining > 0) c.reserved = remaining;
    else {
      c.reserved = 0;
      c.reservedPerUnit = 0;
      this.#reservations--;
    }
    this.#pendingExposure = this.#reservations === 0 ? 0 : this.#pendingExposure - before + remaining;
    const slot = this.#byId.get(order.strategyId);
    if (slot !== undefined) slot.pending = Math.max(0, slot.pending - before + remaining);
  }

  /** Denies an order that would commit more than the strategy's own allocation. */
  #allocationReason(slot: Slot | undefined, order: Order, ref: number, inst: Instrument): string | null {
    if (slot === undefined || !slot.enforceAllocation && this.#slots.length === 1) return null;
    const own = slot.book.position(order.symbol, inst.multiplier).qty;
    const adding = exposureIncreasingQty(order, own);
    if (adding === 0) return null;
    for (const pos of slot.book.openPositions()) pos.lastPrice = this.lastPrice(pos.symbol);
    const needed = adding * commitPerUnit(inst, ref);
    const available = slot.book.buyingPower() - slot.pending;
    return needed > available + 1e-9 ? `allocation: strategy ${slot.strategy.id} needs ${needed.toFixed(2)}, has ${available.toFixed(2)}` : null;
  }

  // ---- FillGuard (asked by the venue at fill time) ----

  rejectReason(order: Order, qty: number, price: number, commission: number): string | null {
    const inst = this.#feedsBySymbol.get(order.symbol)?.instrument;
    const mult = inst?.multiplier ?? 1;
    const pos = this.positionQty(order.symbol);
    const p = this.portfolio;
    const margin = inst === undefined ? 0 : marginPerUnit(inst);
    if (margin > 0) {
      // Futures style (backtrader's stocklike=False): opening blocks margin per contract, longs and
      // shorts alike; the opening part's margin plus the commission must fit in free cash. A fill that
      // flips the position first closes it: its margin comes back and its P&L settles at the fill price.
      const closing = pos !== 0 && Math.sign(pos) !== order.sign ? Math.min(qty, Math.abs(pos)) : 0;
      const opening = qty - closing;
      if (opening <= 0) return null;
      const last = this.#feedsBySymbol.get(order.symbol)!.position.lastPrice;
      const released = closing === 0 ? 0 : closing * margin + pos * (price - last) * mult;
      const needed = opening * margin + commission;
      const free = p.freeCash() + released;
      return needed > free ? `insufficient cash for margin: needs ${needed.toFixed(2)} (margin ${margin} x ${opening} + commission), free cash ${free.toFixed(2)}` : null;
    }
    if (p.type === 'cash') {
      if (order.side === 'sell') return qty > Math.max(0, pos) + 1e-9 ? 'short sale in a cash account' : null;
      const cost = qty * price * mult + commission;
      const cash = p.freeCash();
      return cost > cash ? `insufficient cash: fill costs ${cost.toFixed(2)}, cash ${cash.toFixed(2)}` : null;
    }
    const adding = Math.max(0, Math.abs(pos + order.sign * qty) - Math.abs(pos));
    if (adding === 0) return null;
    const needed = adding * price * mult + commission;
    const available = p.buyingPower();
    return needed > available ? `insufficient margin: needs ${needed.toFixed(2)}, buying power ${available.toFixed(2)}` : null;
  }

  positionQty(symbol: string): number {
    return this.#feedsBySymbol.get(symbol)?.position.qty ?? 0;
  }

  // ---- RiskView ----

  get accountType(): 'cash' | 'margin' {
    return this.portfolio.type;
  }
  cash(): number {
    return this.portfolio.freeCash();
  }
  equity(): number {
    return this.portfolio.equity();
  }
  buyingPower(): number {
    return this.portfolio.buyingPower();
  }
  lastPrice(symbol: string): number {
    return this.#feedsBySymbol.get(symbol)?.position.lastPrice ?? NaN;
  }
  multiplier(symbol: string): number {
    return this.#feedsBySymbol.get(symbol)?.instrument.multiplier ?? 1;
  }
  marginPerUnit(symbol: string): number {
    const inst = this.#feedsBySymbol.get(symbol)?.instrument;
    return inst === undefined ? 0 : marginPerUnit(inst);
  }
  pendingExposure(): number {
    return this.#pendingExposure;
  }
  sectorOf(symbol: string): string {
    return this.#feedsBySymbol.get(symbol)?.instrument.sector ?? 'unknown';
  }
  /** Orders sent and not finished (in flight or working at the venue), from the order cache. */
  openOrderCount(): number {
    return this.execution.cache.workingCount;
  }
  grossExposure(): number {
    return this.portfolio.grossExposure();
  }
  sectorExposure(sector: string): number {
    let v = 0;
    for (const p of this.portfolio.openPositions()) if (this.sectorOf(p.symbol) === sector) v += Math.abs(p.qty * p.lastPrice * p.multiplier);
    return v;
  }
  issuerOf(symbol: string): string | undefined {
    return this.#feedsBySymbol.get(symbol)?.instrument.issuer;
  }
  /** The account's working orders in the symbol (every strategy's), from the order cache. */
  workingOrders(symbol: string): readonly Order[] {
    return this.execution.cache.working({ symbol });
  }

  instrument(symbol: string): Instrument | undefined {
    return this.#feedsBySymbol.get(symbol)?.instrument;
  }

  log(strategyId: string, message: string): void {
    this.#opts.log?.(strategyId, message);
  }

  // ---- strategy isolation ----

  #guarded(slot: Slot, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#fail(slot, e);
    }
  }

  /** A strategy that throws is stopped (its working orders canceled); the others go on. */
  #fail(slot: Slot, e: unknown): void {
    if (!slot.running) return;
    slot.running = false;
    const err = new StrategyError(slot.strategy.id, e);
    const tsMs = this.#clock.nowMs();
    this.strategyErrors.push({ strategyId: slot.strategy.id, message: err.message, tsMs });
    this.#opts.onEvent?.({ type: 'StrategyError', strategyId: slot.strategy.id, tsEventMs: tsMs, message: err.message });
    for (const o of this.execution.cache.working({ strategyId: slot.strategy.id })) this.execution.cancel(o.id, tsMs, 'strategy stopped after an error');
  }
}

function refPrice(req: OrderRequest, last: number): number {
  if ((req.type === 'limit' || req.type === 'stop-limit') && req.limitPrice !== undefined) return req.limitPrice;
  if (req.type === 'stop' && req.stopPrice !== undefined) return req.stopPrice;
  return last;
}

function validatePrices(req: OrderRequest): void {
  const needLimit = req.type === 'limit' || req.type === 'stop-limit';
  const needStop = req.type === 'stop' || req.type === 'stop-limit';
  if (needLimit && !(req.limitPrice! > 0)) throw new ConfigError(`${req.type} order needs a positive limit price`, { field: 'limitPrice' });
  if (needStop && !(req.stopPrice! > 0)) throw new ConfigError(`${req.type} order needs a positive stop price`, { field: 'stopPrice' });
  if (req.type === 'trailing-stop' && !(req.trailing && req.trailing.value > 0)) throw new ConfigError('trailing-stop order needs a positive trailing offset', { field: 'trailing' });
  if (req.tif === 'GTD' && req.expireTimeMs === undefined) throw new ConfigError('GTD order needs expireTimeMs', { field: 'expireTimeMs' });
}
