// LiveNode: paper trading (and, with a broker adapter, live) over the one TradingNode (node.ts): the
// same kernel as backtests on a real (or replay) clock, fed by a LiveFeed, with every order intent
// persisted before it is sent and every event written to the store by a subscriber of the node's bus.
// On start it restores positions and working orders from the store and reconciles them before it trades.
import type { Clock } from '../core/clock.ts';
import { StrategyError } from '../core/errors.ts';
import type { BusError } from '../core/event-bus.ts';
import type { EngineEvent } from '../model/events.ts';
import type { Instrument } from '../model/instrument.ts';
import type { QuoteTick, TradeTick } from '../model/market.ts';
import { Order } from '../model/order.ts';
import type { LiveFeed, MarketSink } from '../data/live/feed.ts';
import type { SimulatedVenue, VenueConfig } from '../execution/simulated-venue.ts';
import type { CommandRejectedEvent, ConnectionState, ConnectionStateEvent, ExecutionClient, ExecutionSink } from '../execution/execution-client.ts';
import { needsOrderEmulator, OrderEmulator } from '../execution/order-emulator.ts';
import { roundPrice } from '../model/instrument.ts';
import type { SinkRelay } from '../execution/sink-relay.ts';
import type { PreTradeCheck, RiskLimits } from '../risk/risk-engine.ts';
import type { CircuitBreakerConfig } from '../risk/breakers/index.ts';
import type { RiskConfig } from '../risk/checks/index.ts';
import type { Strategy } from '../strategies/strategy.ts';
import type { Sizer } from '../strategies/sizing.ts';
import { foldFills } from '../store/positions.ts';
import type { IntentJournal } from '../store/intent-journal.ts';
import type { FillInput, JsonValue, OrderRecord, PositionRecord, Store, StrategyStateRecord } from '../store/store.ts';
import { loadStrategyStates, saveStrategyStates, snapshotStrategyStates, type StrategyStates } from './strategy-state.ts';
import { DurableExecutionClient, orderInput } from './durable-client.ts';
import { recoverJournal } from './journal-recovery.ts';
import type { Kernel } from './kernel.ts';
import type { NodeBus } from './node-bus.ts';
import { TradingNode } from './node.ts';
import { TrailStops } from './trail-stops.ts';
import { recordBaseline, restoreFromVenue, type VenueRestoreEffects } from './venue-restore.ts';
import { PositionWatch } from './position-watch.ts';

export interface LiveStrategySpec {
  readonly strategy: Strategy;
  readonly id: string;
  /** Cash this strategy may commit. */
  readonly allocation?: number;
  /** Built-in name or file, recorded in the store. */
  readonly name?: string;
  readonly config?: JsonValue;
}

export interface LiveNodeConfig {
  readonly runId: string;
  /** Recorded as the run's kind (default 'paper'); the node is the same either way. */
  readonly kind?: 'paper' | 'live';
  readonly instruments: readonly Instrument[];
  readonly strategies: readonly LiveStrategySpec[];
  /** The market data source, or a factory given where a replay should resume (NaN when fresh). */
  readonly feed: LiveFeed | ((resumeAfterMs: number) => LiveFeed);
  readonly store: Store;
  /** Real clock for live feeds; omitted for replays, whose clock follows the data. */
  readonly clock?: Clock;
  readonly cash?: number;
  readonly accountType?: 'cash' | 'margin';
  readonly leverage?: number;
  readonly venue?: Partial<VenueConfig>;
  readonly risk?: RiskLimits;
  readonly extraChecks?: readonly PreTradeCheck[];
  readonly riskConfig?: RiskConfig;
  readonly breakers?: CircuitBreakerConfig;
  readonly sizer?: Sizer;
  /** 'bars' for replays of bar history, 'quotes' for live tick feeds. */
  readonly matchOn?: 'bars' | 'quotes';
  readonly barMs?: number;
  /** How often buffered events are committed (ms). */
  readonly flushEveryMs?: number;
  /**
   * The run's write-ahead intent journal (durability process/fsync, store/intent-journal.ts): intents are
   * journaled, sent, then committed, and restore stores what it holds first. Without it, or with one opened
   * to recover only (durability store), every intent is committed to the store before it is sent.
   */
  readonly journal?: IntentJournal | null;
  /** Fault hook (tests): called after journaled intents were sent, before their store commit (DurableExecutionClient). */
  readonly afterJournal?: ((journaled: number) => void) | null;
  /** How often an equity snapshot is stored (ms of wall time). */
  readonly equityEveryMs?: number;
  readonly onError?: (e: unknown) => void;
  readonly runConfig?: JsonValue;
  /** Halt all trading (the kill switch, without flattening) as soon as any strategy fails. */
  readonly haltOnStrategyError?: boolean;
  /**
   * Bars of recent history replayed into the strategies before trading, when the feed can fetch them
   * (venue feeds); orders during the warm-up are not sent. 0 or omitted: none.
   */
  readonly warmupBars?: number;
  /**
   * Live trading: the broker adapter orders go to instead of the simulated venue, made with `relay` as
   * its sink (the node attaches the relay to its kernel). The node connects it, reconciles with it
   * before trading (failing closed on a mismatch), and checks positions against it while running.
   */
  readonly broker?: BrokerLink;
}

export interface BrokerLink {
  readonly client: ExecutionClient;
  readonly relay: SinkRelay;
  /** How often positions are compared with the venue's while running (ms; default 30 s; 0: never). */
  readonly positionCheckEveryMs?: number;
  /**
   * An order persisted before a crash that never reached the venue is sent at the restart only if its
   * intent is at most this old (ms; default 60 s): a market order decided an hour ago is not sent now.
   */
  readonly maxIntentAgeMs?: number;
}

export interface LiveStatus {
  readonly runId: string;
  readonly nowMs: number;
  readonly equity: number;
  readonly cash: number;
  readonly pnl: number;
  readonly positions: { symbol: string; qty: number; avgPrice: number; lastPrice: number; unrealizedPnl: number }[];
  readonly openOrders: number;
  readonly orders: number;
  readonly fills: number;
  readonly halted: boolean;
  readonly barsSeen: number;
  /** Bars of recent history replayed before trading, and the orders strategies asked for meanwhile (not sent). */
  readonly warmup: { readonly bars: number; readonly ordersSkipped: number };
  readonly restored: { fills: number; openOrders: number; mismatches: number } | null;
  /** Strategies stopped after an error in this process, in order. */
  readonly strategyErrors: readonly { strategyId: string; message: string; tsMs: number }[];
  /** Why the run was aborted (a resource guard), or null. */
  readonly abortReason: string | null;
  /** Live runs: the venue, its link, and what start-up reconciliation did. */
  readonly venue: { readonly name: string; readonly connection: ConnectionState; readonly reconciliation: readonly string[]; readonly rejectedCommands: number } | null;
}

export class LiveNode implements MarketSink {
  readonly node: TradingNode;
  readonly kernel: Kernel;
  readonly venue: SimulatedVenue;
  readonly #cfg: LiveNodeConfig;
  readonly #broker: BrokerLink | null;
  #reconciliation: readonly string[] = [];
  #rejectedCommands = 0;
  #positionWatch: PositionWatch | null = null;
  #baseline: ReadonlyMap<string, number> = new Map();
  /** Holds what the broker cannot do (stops, trailing, brackets, OCO, exits on a spot exchange); null when it can. */
  #emulator: OrderEmulator | null = null;
  /** Paper: the node's own emulator in front of the simulated venue (its exit groups are snapshotted). */
  #paperEmulator: OrderEmulator | null = null;
  /** The emulator's last stored snapshot (JSON), so an unchanged one is not written again. */
  #emulatorSaved = '';
  readonly #clock: Clock;
  readonly #eventSeq = new Map<string, number>();
  readonly #fillSeq = new Map<string, number>();
  /** Working trailing stops' levels as stored: a level the venue moved silently is stored by the node. */
  readonly #trails = new TrailStops();
  readonly #client: DurableExecutionClient;
  readonly #startingCash: number;
  #flushTimer: NodeJS.Timeout | undefined;
  #equityTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | null = null;
  #barsSeen = 0;
  /**
   * Called after each bar the node processed (e.g. a resource guard that must see a fast replay between two
   * of its timer ticks); an exception from it is not caught here.
   */
  afterBar: (() => void) | null = null;
  #warmedUp = 0;
  #cursorMs = NaN;
  /** The cursor a restart resumed after (NaN when fresh). */
  #resumedAfterMs = NaN;
  #restored: LiveStatus['restored'] = null;
  #stopped = false;
  #failure: unknown = null;
  #feed: LiveFeed | null = null;
  #stopping: Promise<void> | null = null;
  #endStatus: 'completed' | 'stopped' | 'failed' | null = null;
  #abortReason: string | null = null;

  constructor(cfg: LiveNodeConfig) {
    this.#cfg = cfg;
    this.#startingCash = cfg.cash ?? 100_000;
    const split = cfg.strategies.length > 1 ? this.#startingCash / cfg.strategies.length : undefined;
    let client: DurableExecutionClient | undefined;
    const broker = (this.#broker = cfg.broker ?? null);
    const durable = (inner: ExecutionClient): DurableExecutionClient => (client = new DurableExecutionClient(inner, cfg.store, cfg.runId, () => this.#clock.nowMs(), (e) => this.#fail(e), cfg.journal?.writes === true ? cfg.journal : null, cfg.afterJournal ?? null));
    this.node = new TradingNode({
      kind: cfg.kind ?? 'paper', clock: cfg.clock, instruments: cfg.instruments,
      data: { kind: 'pushed', barMs: cfg.barMs ?? 0, matchOn: cfg.matchOn ?? 'bars' },
      execution: {
        venue: cfg.venue,
        client: (venue, kernel) => {
          if (broker === null) return durable(venue);
          const downstream: ExecutionSink = {
            onOrderEvent: (e, o) => kernel.onOrderEvent(e, o),
            onConnectionState: (e) => this.#onConnection(e),
            onCommandRejected: (e) => this.#onCommandRejected(e),
          };
          if (!needsOrderEmulator(broker.client.capabilities)) {
            broker.relay.attach(downstream);
            return durable(broker.client);
          }
          // Intent persisted first (durable), then held or passed on by the emulator, then the venue.
          const bySymbol = new Map(cfg.instruments.map((i) => [i.symbol, i]));
          const emulator = new OrderEmulator(downstream, {
            roundPrice: (symbol, price) => {
              const inst = bySymbol.get(symbol);
              return inst === undefined ? price : roundPrice(inst, price);
            },
            clock: () => this.#clock.nowMs(),
            // Exits end with their position, as in backtest and paper (closed by other orders, a flatten).
            positionQty: (symbol) => this.kernel.positionQty(symbol),
          }).attach(broker.client);
          // A fill the venue reports (any order's) may have closed the position exits protect: they end at
          // once, not at the next bar or quote (which the emulator sees before it checks them).
          broker.relay.attach({
            onOrderEvent: (e, o) => {
              emulator.onOrderEvent(e, o);
              if (e.type === 'OrderFilled') emulator.endClosedExits(e.tsEventMs, e.symbol);
            },
            onConnectionState: (e) => emulator.onConnectionState(e),
            onCommandRejected: (e) => emulator.onCommandRejected(e),
          });
          this.#emulator = emulator;
          return durable(emulator);
        },
      },
      strategies: cfg.strategies.map((s) => ({ ...s, allocation: s.allocation ?? split })),
      cash: this.#startingCash, accountType: cfg.accountType, leverage: cfg.leverage, risk: cfg.risk, extraChecks: cfg.extraChecks, riskConfig: cfg.riskConfig,
      breakers: cfg.breakers, sizer: cfg.sizer, ids: { prefix: cfg.runId, start: 1 },
    });
    this.#client = client!;
    this.#clock = this.node.clock;
    this.kernel = this.node.kernel;
    // A broker's emulator sees the market data (the simulated venue, live, holds no order); paper keeps the node's.
    if (this.#emulator !== null) this.kernel.emulator = this.#emulator;
    else if (broker === null) this.#paperEmulator = this.node.emulator;
    this.venue = this.node.venue;
    // The store writer is the bus's first subscriber: it sees each event before monitors do. Its own
    // failure is the node's failure (the run stops); any other subscriber's is recorded and trading goes on.
    const bus = this.node.bus;
    const persist = (e: EngineEvent, o?: Order): void => {
      try {
        this.#persist(e, o);
      } catch (err) {
        this.#fail(err);
      }
    };
    bus.subscribe('order', (m) => persist(m.payload.event, m.payload.order), { name: 'store' });
    bus.subscribe('risk', (m) => persist(m.payload), { name: 'store' });
    bus.subscribe('strategy.error', (m) => persist(m.payload), { name: 'store' });
    bus.subscribe('bus.error', (m) => this.#subscriberFailed(m.payload), { name: 'store' });
  }

  /** The node's event bus (orders, fills, risk and strategy errors, bars): subscribe to watch the run. */
  get bus(): NodeBus {
    return this.node.bus;
  }

  /**
   * A risk event of the node's own (operator halt, venue connection, refused command, resource limit, a
   * mismatch found while running): on the bus like the kernel's, so the store writer keeps it and watchers
   * (the server's live logs) see it.
   */
  recordRiskEvent(kind: string, reason: string, tsMs: number = this.#clock.nowMs()): void {
    // The broker link may report its first connection state while this node is still being built (no bus
    // yet, hence no watcher either): straight to the store then.
    const node = this.node as TradingNode | undefined;
    if (node === undefined) this.#cfg.store.appendRiskEvents([{ runId: this.#cfg.runId, tsMs, kind, reason }]);
    else node.bus.publish('risk', { type: 'RiskEvent', kind, reason, tsEventMs: tsMs }, tsMs);
  }

  /** Restores from the store, reconciles, then trades until the feed ends or `stop()` is called. */
  async run(): Promise<void> {
    await this.restore();
    await this.trade();
  }

  /** Trades (after `restore`) until the feed ends or `stop()` is called. */
  async trade(): Promise<void> {
    const f = this.#cfg.feed;
    this.#feed = typeof f === 'function' ? f(this.#cursorMs) : f;
    if (this.#stopped) return;
    this.node.start();
    await this.#warmUp(this.#feed);
    this.#watchPositions();
    // Every commit carries the strategies' states of its moment, whoever triggers it.
    this.#cfg.store.setStateSource(() => {
      const s = this.#strategyStates();
      return [...s.states.map((x) => ({ runId: this.#cfg.runId, strategyId: x.strategyId, state: x.state, tsMs: s.tsMs })), ...this.#emulatorRow(s.tsMs)];
    });
    this.#flushTimer = setInterval(() => void this.#flush(), this.#cfg.flushEveryMs ?? 25);
    // Live feeds snapshot equity on a timer; replays write one row per bar (see onBar).
    if (!this.kernel.matchOnBars) {
      this.#equityTimer = setInterval(() => {
        this.kernel.afterStep(this.#clock.nowMs());
        this.#snapshotEquity();
      }, this.#cfg.equityEveryMs ?? 1000);
    }
    try {
      await this.#feed.start(this);
    } finally {
      await this.stop('completed');
    }
    if (this.#failure !== null) throw this.#failure;
  }

  /**
   * Rebuilds the account from the stored fills, re-sends the working orders (same client order ids)
   * and records any disagreement between stored position snapshots and the fills (the fills win).
   */
  async restore(): Promise<void> {
    const { store, runId } = this.#cfg;
    const existing = await store.getRun(runId);
    // Journaled intents the last process may not have committed are stored before anything reads the store.
    if (this.#cfg.journal) await recoverJournal(this.#cfg.journal, store, runId, existing !== null, Date.now());
    if (this.#broker !== null) await this.#broker.client.connect();
    if (existing === null) {
      const startedMs = Date.now();
      await store.startRun({ id: runId, kind: this.node.kind, config: this.#cfg.runConfig ?? null, startedMs });
      await store.putInstruments(this.#cfg.instruments);
      for (const s of this.#cfg.strategies) await store.putStrategy({ id: s.id, name: s.name ?? s.strategy.constructor.name, config: s.config ?? null });
      if (this.#broker !== null) {
        // What the account holds before this run's first order is its baseline, not this run's to explain.
        this.#baseline = await recordBaseline(store, runId, await this.#broker.client.positions());
        await this.#reconcileVenue([], [], startedMs);
      }
      this.#restored = { fills: 0, openOrders: 0, mismatches: 0 };
      return;
    }
    // One read of the fills serves the account, the order count and the reconciliation; the queries
    // that follow are index lookups, so a restart costs one pass over the run's fills.
    const [fills, orderCount, snapshots, last, open, halted, states] = await Promise.all([
      store.loadFills(runId), store.countOrders(runId), store.loadPositions(runId), this.kernel.matchOnBars ? store.latestEquity(runId) : null,
      store.loadOpenOrders(runId), store.getSetting<boolean>(`halted:${runId}`), loadStrategyStates(store, runId, this.#cfg.strategies),
    ]);
    // Strategies get their own state back before onStart and before the first bar.
    for (const s of this.#cfg.strategies) {
      if (!states.has(s.id)) continue;
      try {
        s.strategy.onLoad!(states.get(s.id));
      } catch (e) {
        throw new StrategyError(s.id, e);
      }
    }
    for (const f of fills) {
      this.kernel.restoreFill({ orderId: f.orderId, strategyId: f.strategyId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, commission: f.commission, tsMs: f.tsMs });
      this.#fillSeq.set(f.orderId, Math.max(this.#fillSeq.get(f.orderId) ?? 0, f.seq));
      const feed = this.node.feedOf(f.symbol);
      if (feed !== undefined && Number.isNaN(feed.position.lastPrice)) feed.position.lastPrice = f.price;
    }
    this.kernel.resetIds(orderCount + 1);
    // A replay resumes after the last bar it started (each bar's marker row precedes that bar's
    // intents), on the clock of that bar.
    if (last !== null) {
      this.#cursorMs = last.tsMs;
      this.#resumedAfterMs = last.tsMs;
      this.node.advanceClock(last.tsMs);
    }
    const mismatches = this.#reconcilePositions(snapshots, fills);
    for (const rec of open) this.#eventSeq.set(rec.clientOrderId, rec.lastSeq);
    // A simulated venue forgets its orders with the process: they are sent again. A real venue still
    // has them: reconciliation decides what each one is now.
    if (this.#broker !== null) {
      // Held orders first (their released pieces are looked up at the venue), then reconciliation sees
      // the venue through the emulator, with released orders under the strategies' own ids.
      const held = this.#emulator === null ? null : await this.#loadEmulatorState();
      if (held !== null) await this.#emulator!.restore(held);
      await this.#reconcileVenue(open, fills, existing.startedMs);
      // Exits whose position closed while the node was down (a fill booked just now) end with their orders.
      this.#emulator?.endClosedExits(this.#clock.nowMs());
    }
    else {
      for (const rec of open) this.kernel.resubmit(restoreOrder(rec));
      // Exits come back with their management (bars held, break-even, time exit); their orders were just sent again.
      const held = this.#paperEmulator === null ? null : await this.#loadEmulatorState();
      if (held !== null) this.#paperEmulator!.restoreExitGroups(held);
      // The orders sent again are at the venue before the first bar, as they were in the run that stopped
      // (each goes out after a store commit: a first bar could otherwise be matched without them).
      while (this.#client.pending > 0) await this.#client.drained();
    }
    this.kernel.halted = halted === true;
    this.#restored = { fills: fills.length, openOrders: open.length, mismatches };
    // Restored: the run is running again (until now its stored status was that of its last end).
    await store.resumeRun(runId);
  }

  /** The emulator's stored snapshot (remembered as saved, so an unchanged one is not written again), or null. */
  async #loadEmulatorState(): Promise<JsonValue | null> {
    const held = await this.#cfg.store.loadStrategyState(this.#cfg.runId, EMULATOR_STATE_ID);
    if (held === null) return null;
    this.#emulatorSaved = JSON.stringify(held.state);
    return held.state;
  }

  /** Start-up reconciliation with the broker (venue-restore.ts); throws ReconciliationError on a mismatch. */
  async #reconcileVenue(open: readonly OrderRecord[], fills: readonly FillInput[], runStartedMs: number): Promise<void> {
    const { store, runId } = this.#cfg;
    const now = (): number => this.#clock.nowMs();
    const event = (rec: OrderRecord, type: string, status: string, filledQty: number, avgFillPrice: number, reason: string): void => {
      const seq = (this.#eventSeq.get(rec.clientOrderId) ?? rec.lastSeq) + 1;
      this.#eventSeq.set(rec.clientOrderId, seq);
      store.appendOrderEvents([{ orderId: rec.clientOrderId, seq, type: type as never, status: status as never, reason, filledQty, avgFillPrice, tsMs: now() }]);
    };
    const booked = new Map<string, { qty: number; value: number }>();
    const effects: VenueRestoreEffects = {
      bookFill: (f) => {
        const fseq = (this.#fillSeq.get(f.clientOrderId) ?? 0) + 1;
        this.#fillSeq.set(f.clientOrderId, fseq);
        store.appendFills([{ fillId: `${f.clientOrderId}#${fseq}`, orderId: f.clientOrderId, seq: fseq, runId, strategyId: f.strategyId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, commission: f.commission, liquidity: 'taker', tsMs: f.tsMs }]);
        this.kernel.restoreFill({ orderId: f.clientOrderId, strategyId: f.strategyId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, commission: f.commission, tsMs: f.tsMs });
        const b = booked.get(f.clientOrderId) ?? { qty: 0, value: 0 };
        booked.set(f.clientOrderId, { qty: b.qty + f.qty, value: b.value + f.qty * f.price });
      },
      finishOrder: (rec, status, reason) => {
        const b = booked.get(rec.clientOrderId) ?? { qty: 0, value: 0 };
        const filled = rec.filledQty + b.qty;
        const avg = filled > 0 ? (rec.avgFillPrice * rec.filledQty + b.value) / filled : 0;
        const type = status === 'filled' ? 'OrderFilled' : status === 'canceled' ? 'OrderCanceled' : status === 'expired' ? 'OrderExpired' : 'OrderRejected';
        event(rec, type, status, filled, avg, `reconciled: ${reason}`);
      },
      resend: (rec) => {
        const age = now() - rec.createdMs;
        const limit = this.#broker!.maxIntentAgeMs ?? 60_000;
        if (age <= limit) {
          this.kernel.resubmit(restoreOrder(rec));
          return;
        }
        const reason = `not sent: its intent is ${Math.round(age / 1000)} s old (limit ${Math.round(limit / 1000)} s) after the node was down; the strategy decides afresh`;
        event(rec, 'OrderRejected', 'rejected', rec.filledQty, rec.avgFillPrice, reason);
        store.appendRiskEvents([{ runId, tsMs: now(), kind: 'reconcile', reason: `order ${rec.clientOrderId} ${reason}` }]);
      },
      adopt: (rec, venue) => {
        const order = restoreOrder(rec);
        order.filledQty = venue.filledQty;
        order.avgFillPrice = venue.avgFillPrice;
        order.status = venue.filledQty > 0 ? 'partially-filled' : venue.status === 'triggered' ? 'triggered' : 'accepted';
        order.triggered = venue.status === 'triggered';
        if (venue.stopPrice !== null) order.stopPrice = venue.stopPrice;
        if (venue.filledQty !== rec.filledQty || order.status !== rec.status) event(rec, 'OrderUpdated', order.status, order.filledQty, order.avgFillPrice, 'reconciled with the venue');
        this.kernel.adoptWorking(order);
      },
      external: (r) => {
        store.appendRiskEvents([{ runId, tsMs: now(), kind: 'reconcile', reason: `external order ${r.clientOrderId} at ${r.symbol} is not managed by this run` }]);
      },
    };
    const result = await restoreFromVenue({ client: this.#emulator ?? this.#broker!.client, store, runId, openOrders: open, fills, runStartedMs, nowMs: now() }, effects);
    this.#reconciliation = result.report;
    this.#baseline = result.baseline;
    await store.flush();
  }

  /** True once the feed has ended by itself (a replay's last bar), false while running or when stopped. */
  get finished(): boolean {
    return this.#endStatus === 'completed';
  }

  /** Where a replay should resume (the last bar time processed before a restart), NaN when fresh. */
  get resumeAfterMs(): number {
    return this.#cursorMs;
  }

  /** Stored position snapshots against the positions the fills add up to (the fills win). */
  #reconcilePositions(snapshots: readonly PositionRecord[], fills: readonly FillInput[]): number {
    const { store, runId } = this.#cfg;
    const multiplier = (symbol: string): number => this.node.feedOf(symbol)?.instrument.multiplier ?? 1;
    const key = (p: { strategyId: string; symbol: string }): string => `${p.strategyId}\u0000${p.symbol}`;
    const truth = new Map(foldFills(runId, fills, multiplier).map((p) => [key(p), p.qty]));
    let mismatches = 0;
    for (const snap of snapshots) {
      const q = truth.get(key(snap)) ?? 0;
      if (Math.abs(q - snap.qty) > 1e-9) {
        mismatches++;
        store.appendRiskEvents([{ runId, tsMs: Date.now(), kind: 'reconcile', reason: `position ${snap.strategyId}/${snap.symbol}: snapshot ${snap.qty}, fills ${q}; fills win` }]);
      }
    }
    return mismatches;
  }

  // ---- MarketSink ----

  onBar(symbol: string, tsMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.#stopped) return;
    // A symbol's bars only move forward: one the node has (a warm-up bar the stream sends again as it
    // closes, a repeat after a reconnect) is dropped.
    const s = this.node.feedOf(symbol)?.series;
    if (s !== undefined && s.length > 0 && tsMs <= s.time[s.length - 1]!) return;
    const fresh = !(tsMs <= this.#cursorMs);
    if (!fresh && this.kernel.matchOnBars && this.#replayed(symbol, tsMs)) return;
    // Replays write a marker (the equity as the bar starts) before the bar can cause any order: it is
    // committed with or before those intents, so a restart resumes after it and never re-sends them.
    const marker = this.kernel.matchOnBars && fresh ? () => this.#marker(tsMs) : undefined;
    if (!this.node.pushBar(symbol, tsMs, open, high, low, close, volume, marker)) return;
    this.#barsSeen++;
    if (fresh) this.#cursorMs = tsMs;
    // The simulated venue trails its stops after the bar: their new levels are stored with the bar.
    if (this.kernel.matchOnBars) this.#storeTrailMoves();
    this.afterBar?.();
  }

  /**
   * A replayed bar at or before the cursor was processed already: older than the cursor, at the time a
   * restart resumed after, or not newer than its own symbol's last bar. Another symbol's bar at the
   * cursor's time is new (several symbols share bar times).
   */
  #replayed(symbol: string, tsMs: number): boolean {
    if (tsMs < this.#cursorMs || tsMs <= this.#resumedAfterMs) return true;
    const s = this.node.feedOf(symbol)?.series;
    return s !== undefined && s.length > 0 && tsMs <= s.time[s.length - 1]!;
  }

  #marker(tsMs: number): void {
    const p = this.kernel.portfolio;
    const eq = p.equity();
    this.#cfg.store.appendEquity([{ runId: this.#cfg.runId, tsMs, equity: Number.isFinite(eq) ? eq : p.cash, cash: p.freeCash() }]);
  }

  onQuote(q: QuoteTick): void {
    if (!this.#stopped) this.node.onQuote(q);
  }

  onTrade(t: TradeTick): void {
    if (!this.#stopped) this.node.onTrade(t);
  }

  /** Null when nothing is in flight; otherwise resolves once every queued intent has been sent. */
  settled(): Promise<void> | null {
    if (this.#client.pending === 0) return null;
    return (async () => {
      while (this.#client.pending > 0 && this.#failure === null) await this.#client.drained();
    })();
  }

  // ---- operator controls ----

  /** Halts trading: denies new orders, cancels working ones and, on request, flattens every position. */
  async kill(opts: { flatten?: boolean; reason?: string } = {}): Promise<void> {
    const { store, runId } = this.#cfg;
    this.kernel.halted = true;
    await store.putSetting(`halted:${runId}`, true);
    this.recordRiskEvent('kill-switch', opts.reason ?? `operator halt${opts.flatten ? ' and flatten' : ''}`);
    for (const o of this.kernel.orderCache.working()) this.kernel.cancel(o.id);
    if (opts.flatten) {
      for (const s of this.#cfg.strategies) {
        const book = this.kernel.book(s.id);
        for (const p of [...book.openPositions()]) this.kernel.submit(s.id, { symbol: p.symbol, side: p.qty > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(p.qty), reduceOnly: true, tag: 'flatten' });
      }
    }
    await this.#flushAll();
  }

  async resume(): Promise<void> {
    this.kernel.halted = false;
    await this.#cfg.store.putSetting(`halted:${this.#cfg.runId}`, false);
  }

  status(): LiveStatus {
    const p = this.kernel.portfolio;
    const equity = p.equity();
    return {
      runId: this.#cfg.runId,
      nowMs: this.#clock.nowMs(),
      equity,
      cash: p.freeCash(),
      pnl: equity - this.#startingCash,
      positions: p.openPositions().map((pos) => ({ symbol: pos.symbol, qty: pos.qty, avgPrice: pos.avgPrice, lastPrice: pos.lastPrice, unrealizedPnl: pos.unrealizedPnl() })),
      openOrders: this.kernel.openOrderCount(),
      orders: this.kernel.orders.length,
      fills: this.kernel.fills.length,
      halted: this.kernel.halted,
      barsSeen: this.#barsSeen,
      warmup: { bars: this.#warmedUp, ordersSkipped: this.kernel.warmupOrdersSkipped },
      restored: this.#restored,
      strategyErrors: this.kernel.strategyErrors,
      abortReason: this.#abortReason,
      venue: this.#broker === null ? null : { name: this.#broker.client.venue, connection: this.#broker.client.connectionState, reconciliation: this.#reconciliation, rejectedCommands: this.#rejectedCommands },
    };
  }

  /** Replays the feed's recent closed bars into the strategies (warm-up); nothing ordered meanwhile is sent. */
  async #warmUp(feed: LiveFeed): Promise<void> {
    const n = this.#cfg.warmupBars ?? 0;
    if (n <= 0 || feed.warmup === undefined || this.#stopped) return;
    const bars = await feed.warmup(n);
    this.kernel.warmingUp = true;
    try {
      for (const b of bars) {
        const s = this.node.feedOf(b.symbol)?.series;
        // Only bars after what the series already holds (a resumed node keeps its bars in memory only).
        if (s === undefined || (s.length > 0 && b.tsMs <= s.time[s.length - 1]!)) continue;
        if (this.node.pushBar(b.symbol, b.tsMs, b.open, b.high, b.low, b.close, b.volume)) this.#warmedUp++;
      }
    } finally {
      this.kernel.warmingUp = false;
    }
  }

  /** Live: positions compared with the venue's on a timer; a lasting difference halts trading. */
  #watchPositions(): void {
    const broker = this.#broker;
    if (broker === null) return;
    this.#positionWatch = new PositionWatch({
      client: broker.client,
      everyMs: broker.positionCheckEveryMs ?? 30_000,
      local: () => {
        const m = new Map(this.#baseline);
        for (const p of this.kernel.portfolio.openPositions()) m.set(p.symbol, (m.get(p.symbol) ?? 0) + p.qty);
        return m;
      },
      onMismatch: (lines) => {
        if (this.kernel.halted) return;
        for (const reason of lines) this.recordRiskEvent('reconcile', `MISMATCH while running: ${reason}`);
        void this.kill({ reason: `positions differ from ${broker.client.venue} on two checks in a row; trading halted (docs/live.md)` }).catch((e: unknown) => this.#fail(e));
      },
      onError: (e) => this.recordRiskEvent('venue-check', `position check failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.#positionWatch.start();
  }

  /** The position watch (tests run a check on demand). */
  get positionWatch(): PositionWatch | null {
    return this.#positionWatch;
  }

  /** The broker's link changed: recorded for the operator (reconnects are the adapter's job). */
  #onConnection(e: ConnectionStateEvent): void {
    if (this.#stopped) return;
    this.recordRiskEvent('venue-connection', `${this.#broker?.client.venue ?? 'venue'}: ${e.previous} -> ${e.state}${e.reason ? ` (${e.reason})` : ''}`, e.tsEventMs);
  }

  /** The broker refused a command without touching the order (a cancel of a finished order, a duplicate id). */
  #onCommandRejected(e: CommandRejectedEvent): void {
    this.#rejectedCommands++;
    this.recordRiskEvent('command-rejected', `${e.command} ${e.clientOrderId}: ${e.reason}`, e.tsEventMs);
  }

  /** Graceful stop: no more data, queued intents sent, everything committed, the run closed. Idempotent. */
  stop(status: 'completed' | 'stopped' = 'stopped'): Promise<void> {
    return this.#end(status);
  }

  /**
   * Stops the run because a guard tripped (heap limit): recorded as a risk event and the run ends
   * "failed"; otherwise a graceful stop (intents sent, rows committed).
   */
  abort(reason: string): Promise<void> {
    if (this.#stopping === null) {
      this.#abortReason = reason;
      this.recordRiskEvent('resource-limit', reason);
    }
    return this.#end('failed');
  }

  #end(status: 'completed' | 'stopped' | 'failed'): Promise<void> {
    this.#endStatus ??= status;
    this.#stopping ??= this.#stop(status);
    return this.#stopping;
  }

  async #stop(status: 'completed' | 'stopped' | 'failed'): Promise<void> {
    this.#feed?.stop();
    while (this.#client.pending > 0) await this.#client.drained();
    // A fill the venue made just before the stop, its report still on the way, is booked now, not at the next start.
    await this.#broker?.client.settle?.().catch((e: unknown) => this.recordRiskEvent('reconcile', `at stop, the venue's last fills could not be read (the next start books them): ${e instanceof Error ? e.message : String(e)}`));
    this.#stopped = true;
    clearInterval(this.#flushTimer);
    this.#cfg.store.setStateSource(null);
    clearInterval(this.#equityTimer);
    this.#positionWatch?.stop();
    this.node.stop();
    const states = this.#strategyStates();
    this.#storeTrailMoves();
    if (!this.kernel.matchOnBars) this.#snapshotEquity();
    else if (this.#cursorMs === this.#cursorMs) {
      // The closing equity of a replay, just after its last bar.
      const p = this.kernel.portfolio;
      this.#cfg.store.appendEquity([{ runId: this.#cfg.runId, tsMs: this.#cursorMs + 1, equity: p.equity(), cash: p.freeCash() }]);
    }
    await this.#flushAll();
    if (this.#failure === null) await saveStrategyStates(this.#cfg.store, this.#cfg.runId, states).catch((e: unknown) => this.#fail(e));
    // The emulator's last snapshot, after the last rows (the state source is off by now).
    const held = this.#failure === null ? this.#emulatorRow(this.#clock.nowMs()) : [];
    if (held.length > 0) await this.#cfg.store.saveStrategyStates(held).catch((e: unknown) => this.#fail(e));
    await this.#cfg.store.endRun(this.#cfg.runId, this.#failure === null ? status : 'failed');
    // Working orders stay at the venue (a restart adopts them); only the link closes.
    await this.#broker?.client.disconnect().catch((e: unknown) => this.#fail(e));
  }

  // ---- persistence ----

  #persist(e: EngineEvent, order?: Order): void {
    const { store, runId } = this.#cfg;
    if (e.type === 'StrategyError') {
      store.appendRiskEvents([{ runId, tsMs: e.tsEventMs, kind: 'strategy-error', reason: `${e.strategyId}: ${e.message}` }]);
      // Halt everything at once (orders denied from now on); the cancels and the stored flag follow.
      if (this.#cfg.haltOnStrategyError === true && !this.kernel.halted && this.#stopping === null) {
        void this.kill({ reason: `strategy ${e.strategyId} failed; --halt-on-strategy-error halts all trading` }).catch((err: unknown) => this.#fail(err));
      }
      return;
    }
    if (e.type === 'RiskEvent') {
      store.appendRiskEvents([{ runId, tsMs: e.tsEventMs, kind: e.kind, reason: e.reason }]);
      return;
    }
    if (order === undefined) return;
    // Denied orders never reach the durable client, and exit attachments are created by the venue:
    // record their order rows when they first show up (inserts are idempotent on the client order id).
    if (e.type === 'OrderDenied' || (e.type === 'OrderSubmitted' && order.links.parentId !== undefined)) store.appendOrders([orderInput(order, runId)]);
    const seq = (this.#eventSeq.get(order.id) ?? 0) + 1;
    this.#eventSeq.set(order.id, seq);
    const venueOrderId = this.kernel.orderCache.venueOrderId(order);
    const trailStop = this.#trails.onEvent(order);
    store.appendOrderEvents([{
      orderId: order.id, seq, type: e.type, status: order.status, reason: 'reason' in e ? e.reason : '', filledQty: order.filledQty,
      avgFillPrice: order.avgFillPrice, tsMs: e.tsEventMs, ...(venueOrderId === undefined ? {} : { venueOrderId }), ...(trailStop === undefined ? {} : { trailStop }),
    }]);
    if (e.type !== 'OrderFilled') return;
    const f = e.fill;
    const fseq = (this.#fillSeq.get(order.id) ?? 0) + 1;
    this.#fillSeq.set(order.id, fseq);
    store.appendFills([{
      fillId: `${order.id}#${fseq}`, orderId: order.id, seq: fseq, runId, strategyId: f.strategyId, symbol: f.symbol, side: f.side, qty: f.qty,
      price: f.price, commission: f.commission, liquidity: f.liquidity, tsMs: f.tsEventMs,
      ...(f.commissionAsset !== undefined && f.commissionQty !== undefined && { commissionAsset: f.commissionAsset, commissionQty: f.commissionQty }),
    }]);
    const pos = this.kernel.book(f.strategyId).position(f.symbol);
    store.appendPositions([{ runId, strategyId: f.strategyId, symbol: f.symbol, qty: pos.qty, avgPrice: pos.avgPrice, realizedPnl: pos.realizedPnl, commission: pos.commission, updatedMs: f.tsEventMs }]);
  }

  /** A bus subscriber other than the store writer threw or fell behind: recorded, trading goes on. */
  #subscriberFailed(e: BusError): void {
    if (e.subscriber === 'store') return;
    try {
      this.#cfg.store.appendRiskEvents([{ runId: this.#cfg.runId, tsMs: this.#clock.nowMs(), kind: 'subscriber-error', reason: `${e.subscriber} on ${e.topic} #${e.seq}: ${e.kind}: ${e.message}` }]);
    } catch (err) {
      this.#fail(err);
    }
  }

  #snapshotEquity(): void {
    const p = this.kernel.portfolio;
    const eq = p.equity();
    if (Number.isFinite(eq)) this.#cfg.store.appendEquity([{ runId: this.#cfg.runId, tsMs: this.#clock.nowMs(), equity: eq, cash: p.freeCash() }]);
  }

  /** Stores, as an OrderUpdated event, the level of each working trailing stop the venue moved since it was stored. */
  #storeTrailMoves(): void {
    const moved = this.#trails.moved();
    if (moved.length === 0) return;
    const tsMs = this.#clock.nowMs();
    try {
      this.#cfg.store.appendOrderEvents(moved.map((o) => {
        const seq = (this.#eventSeq.get(o.id) ?? 0) + 1;
        this.#eventSeq.set(o.id, seq);
        return { orderId: o.id, seq, type: 'OrderUpdated', status: o.status, reason: 'trailing stop moved', filledQty: o.filledQty, avgFillPrice: o.avgFillPrice, trailStop: o.stopPrice!, tsMs };
      }));
    } catch (e) {
      // Called from the flush timer and the bar path: the store's failure is the node's, as the store writer's is.
      this.#fail(e);
    }
  }

  /** Flushes until nothing is buffered or in flight (or the store has failed). */
  // (Replays need no separate cursor write: the per-bar equity rows are the cursor.)
  async #flushAll(): Promise<void> {
    do await this.#flush();
    while (this.#failure === null && (this.#cfg.store.bufferedRows > 0 || this.#flushing !== null));
  }

  /** Commits buffered rows and the strategies' own state as of the same moment, in one transaction (a checkpoint). */
  #flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    // Live data: a venue trails its stops on quotes and trades; the moved levels go with this commit.
    if (!this.#stopped && !this.kernel.matchOnBars) this.#storeTrailMoves();
    // States are taken even when no row waits: other writers (the durable client persisting intents)
    // may have flushed the rows already, and a changed state must not wait for the next buffered row.
    const states = this.#stopped ? null : this.#strategyStates();
    if (this.#cfg.store.bufferedRows === 0 && (states === null || states.states.length === 0)) {
      // Nothing else to write, but the emulator moved (a trailing stop's best price): its snapshot alone.
      const emulator = this.#stopped ? [] : this.#emulatorRow(this.#clock.nowMs());
      if (emulator.length === 0) return Promise.resolve();
      this.#flushing = this.#cfg.store.saveStrategyStates(emulator).catch((e: unknown) => this.#fail(e)).finally(() => {
        this.#flushing = null;
      });
      return this.#flushing;
    }
    // The states go in the same transaction as the rows buffered with them: fills and strategy state
    // come back from the same moment after a crash.
    this.#flushing = (states === null || states.states.length === 0 ? this.#cfg.store.flush() : saveStrategyStates(this.#cfg.store, this.#cfg.runId, states).then(() => this.#cfg.store.flush()))
      .catch((e: unknown) => this.#fail(e))
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  /**
   * The emulator's snapshot when it changed since the last one stored: a row of the same table as the
   * strategies' states, so it commits with the order events of its moment (a held order and its intent
   * come back together after a crash; an intent without it is re-sent by reconciliation).
   */
  #emulatorRow(tsMs: number): StrategyStateRecord[] {
    const emulator = this.#emulator ?? this.#paperEmulator;
    if (emulator === null) return [];
    const snapshot = emulator.state();
    // A paper run that never held anything stores no snapshot.
    if (this.#emulatorSaved === '' && snapshot.orders.length === 0 && snapshot.exitGroups.length === 0) return [];
    // Through JSON text: what is stored is plain JSON (an absent link is left out, not `undefined`).
    const text = JSON.stringify(snapshot);
    if (text === this.#emulatorSaved) return [];
    this.#emulatorSaved = text;
    const state = JSON.parse(text) as JsonValue;
    return [{ runId: this.#cfg.runId, strategyId: EMULATOR_STATE_ID, state, tsMs }];
  }

  /** What each strategy's onSave returns now; a strategy whose state cannot be stored is reported, not saved. */
  #strategyStates(): StrategyStates {
    return snapshotStrategyStates(this.#cfg.strategies, (strategyId, message) => {
      this.#cfg.store.appendRiskEvents([{ runId: this.#cfg.runId, tsMs: this.#clock.nowMs(), kind: 'strategy-error', reason: `${strategyId}: ${message}` }]);
    }, this.#clock.nowMs());
  }

  #fail(e: unknown): void {
    if (this.#failure !== null) return;
    this.#failure = e;
    this.#cfg.onError?.(e);
    this.#feed?.stop();
  }
}

/** Where the order emulator's snapshot is kept among the run's strategy states (no strategy id starts with '@'). */
export const EMULATOR_STATE_ID = '@order-emulator';

/** An Order object for a stored working order, with its fills so far. */
export function restoreOrder(rec: OrderRecord): Order {
  const order = new Order(
    rec.clientOrderId, rec.strategyId,
    {
      symbol: rec.symbol, side: rec.side, type: rec.type, qty: rec.qty, limitPrice: rec.limitPrice ?? undefined, stopPrice: rec.stopPrice ?? undefined,
      tif: rec.tif, expireTimeMs: rec.expireTimeMs ?? undefined, reduceOnly: rec.reduceOnly, tag: rec.tag ?? undefined,
      ...(typeof rec.trailKind === 'string' && typeof rec.trailValue === 'number' && { trailing: { kind: rec.trailKind, value: rec.trailValue } }),
    },
    rec.createdMs,
    { parentId: rec.parentId ?? undefined, ocoGroup: rec.ocoGroup ?? undefined },
  );
  // A trailing stop goes on from the level it had reached (never looser), not from the price at the restart.
  if (typeof rec.trailStop === 'number') order.stopPrice = rec.trailStop;
  order.filledQty = rec.filledQty;
  order.avgFillPrice = rec.avgFillPrice;
  return order;
}
