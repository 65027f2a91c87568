// TradingNode: the one composition root for backtest, paper and live runs. It builds the portfolio,
// the risk engine, the kernel, the simulated venue (with the injected execution client in front of it),
// the feeds and the event bus from one NodeConfig. With history it steps itself: `step()` advances
// exactly one event, `run()` steps to the end. With pushed data (a live or replay feed) the feed calls
// `pushBar` / `onQuote` / `onTrade` (LiveNode adds persistence and restart recovery around that).
import { SimulatedClock, type Clock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { EventBus } from '../core/event-bus.ts';
import { BarSeries } from '../model/bar.ts';
import { makeInstrument, roundPrice } from '../model/instrument.ts';
import type { QuoteTick, TradeTick } from '../model/market.ts';
import type { ExecutionClient } from '../execution/execution-client.ts';
import { OrderEmulator } from '../execution/order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../execution/simulated-venue.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { breakerCheck, circuitBreakerSetFromConfig, type CircuitBreakerConfig, type CircuitBreakerSet } from '../risk/breakers/index.ts';
import { riskChecksFromConfig, type RiskConfig } from '../risk/checks/index.ts';
import { RiskEngine, type PreTradeCheck } from '../risk/risk-engine.ts';
import { sizers } from '../strategies/sizing.ts';
import { Feed } from './feed.ts';
import { CalendarStepper, Financing, MergeStepper, sharedCalendar, type HistoryStepper } from './history-steppers.ts';
import { Kernel } from './kernel.ts';
import { engineEventPublisher, SubscriberErrors, type NodeBus, type NodeTopics } from './node-bus.ts';
import type { HistoricalData, NodeConfig, RunKind } from './node-config.ts';

const DAY_MS = 86_400_000;

/** What a run through history leaves: the kernel (orders, fills, trades) and the equity curve. */
export interface HistoryResult {
  readonly kernel: Kernel;
  readonly feeds: readonly Feed[];
  /** One point per distinct bar time. */
  readonly equityTime: Float64Array;
  readonly equity: Float64Array;
  /** Gross position value / equity at each point (0 when flat). */
  readonly exposure: Float64Array;
  /** Events (bars and ticks) in the history. */
  readonly bars: number;
  readonly runSeconds: number;
}

/** Pre-trade checks from config (breakers' own check first), and the breaker set. */
export function riskSetup(
  riskConfig: RiskConfig | undefined,
  breakerConfig: CircuitBreakerConfig | undefined,
  extra: readonly PreTradeCheck[] = [],
): { checks: PreTradeCheck[]; breakers: CircuitBreakerSet | undefined } {
  const breakers = breakerConfig === undefined ? undefined : circuitBreakerSetFromConfig(breakerConfig);
  const checks = [...(breakers === undefined ? [] : [breakerCheck(breakers)]), ...(riskConfig === undefined ? [] : riskChecksFromConfig(riskConfig)), ...extra];
  return { checks, breakers };
}

const PROGRESS_EVERY = 1 << 16;

export class TradingNode {
  readonly kind: RunKind;
  readonly kernel: Kernel;
  readonly venue: SimulatedVenue;
  /** Holds contingent orders (brackets, OCO, exits) in front of the simulated venue. */
  readonly emulator: OrderEmulator;
  /** Where the kernel sends orders: the injected client, or the emulator in front of the venue. */
  readonly client: ExecutionClient;
  readonly feeds: Feed[] = [];
  readonly clock: Clock;
  /** Every engine event, stamped with a global sequence number and its time (docs/architecture.md). */
  readonly bus: NodeBus;
  /** Failures of bus subscribers: counted and kept, never rethrown into the trading loop. */
  readonly subscriberErrors: SubscriberErrors;
  readonly #sim: SimulatedClock | null;
  readonly #bySymbol = new Map<string, Feed>();
  readonly #stepper: HistoryStepper | null;
  #state: 'new' | 'running' | 'stopped' = 'new';
  #seconds = 0;

  constructor(readonly config: NodeConfig) {
    const data = config.data;
    const what = config.kind === 'backtest' ? 'a backtest' : `${config.kind} trading`;
    if (data.kind === 'history' && data.series.length === 0 && (data.ticks?.length ?? 0) === 0) throw new ConfigError(`${what} needs at least one data series`);
    if (config.strategies.length === 0) throw new ConfigError(`${what} needs at least one strategy`);
    if (data.kind === 'pushed' && (config.instruments?.length ?? 0) === 0) throw new ConfigError(`${what} needs at least one instrument`);
    this.kind = config.kind;
    this.#sim = config.clock === undefined ? new SimulatedClock() : null;
    this.clock = config.clock ?? this.#sim!;
    this.bus = new EventBus<NodeTopics>(() => this.clock.nowMs());
    this.subscriberErrors = new SubscriberErrors(this.bus);
    const portfolio = new Portfolio({ type: config.accountType ?? 'cash', startingCash: config.cash ?? 100_000, leverage: config.leverage });
    const { checks, breakers } = riskSetup(config.riskConfig, config.breakers, config.extraChecks);
    this.kernel = new Kernel({
      clock: this.clock, portfolio, risk: new RiskEngine(config.risk, checks), defaultSizer: config.sizer ?? sizers.pctCash(95), breakers,
      borrowRate: config.borrowRate, marginRate: config.marginRate, onEvent: engineEventPublisher(this.bus), log: config.log,
      idPrefix: config.ids?.prefix, idStart: config.ids?.start,
    });
    const pushed = data.kind === 'pushed';
    this.kernel.wholeSeries = !pushed && config.lines !== 'streaming';
    this.kernel.matchOnBars = !pushed || data.matchOn === 'bars';
    const daily = pushed ? data.barMs >= DAY_MS : data.series.every((s) => s.timeframeMs === 0 || s.timeframeMs >= DAY_MS);
    // Every mode sends through the OrderEmulator: it holds brackets, OCO groups and exit attachments and
    // releases them as plain orders, the only kind the simulated venue matches (docs/architecture.md).
    const kernel = this.kernel;
    this.emulator = new OrderEmulator(kernel, {
      roundPrice: (symbol, price) => {
        const inst = kernel.instrument(symbol);
        return inst === undefined ? price : roundPrice(inst, price);
      },
      clock: () => this.clock.nowMs(),
      positionQty: (symbol) => kernel.positionQty(symbol),
      insideBar: (symbol) => this.venue.insideBar(symbol),
      orderOf: (id) => kernel.orderCache.get(id),
    });
    this.venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: daily, ...config.execution?.venue }, this.emulator, kernel);
    this.emulator.attach(this.venue);
    const client = config.execution?.client?.(this.emulator, kernel);
    this.client = client ?? this.emulator;
    kernel.attachVenue(this.venue, this.client);
    kernel.emulator = this.emulator;
    if (pushed) for (const inst of config.instruments!) this.#addFeed(BarSeries.empty(inst.symbol, data.barMs), inst, true);
    else this.#addHistoryFeeds(data);
    const n = config.strategies.length;
    config.strategies.forEach((s, i) => this.kernel.addStrategy(s.strategy, s.id ?? (n === 1 ? s.strategy.constructor.name : `${s.strategy.constructor.name}-${i + 1}`), s.allocation));
    this.#stepper = pushed ? null : this.#makeStepper(data);
  }

  #addFeed(series: BarSeries, inst: NonNullable<NodeConfig['instruments']>[number], traded: boolean): Feed {
    const slot = traded ? this.venue.addInstrument(inst) : -1;
    const feed = new Feed(this.feeds.length, series, inst, slot, this.kernel.portfolio.position(inst.symbol, inst.multiplier));
    this.feeds.push(feed);
    if (traded) this.#bySymbol.set(inst.symbol, feed);
    this.kernel.addFeed(feed);
    return feed;
  }

  #addHistoryFeeds(data: HistoricalData): void {
    const instruments = new Map((this.config.instruments ?? []).map((i) => [i.symbol, i]));
    // The first series of a symbol drives matching; further ones (other timeframes) are data only.
    for (const series of data.series) this.#addFeed(series, instruments.get(series.symbol) ?? makeInstrument(series.symbol), !this.#bySymbol.has(series.symbol));
    // Instruments with tick data but no bars still need a feed (venue slot, position, history).
    for (const inst of instruments.values()) if (!this.#bySymbol.has(inst.symbol)) this.#addFeed(BarSeries.empty(inst.symbol), inst, true);
  }

  #makeStepper(data: HistoricalData): HistoryStepper {
    const ticks = data.ticks ?? [];
    const financing = (this.config.borrowRate ?? 0) !== 0 || (this.config.marginRate ?? 0) !== 0 ? new Financing(this.kernel) : null;
    const sim = this.#sim;
    if (sim === null) throw new ConfigError('a node stepping through history runs on its simulated clock; do not inject a clock', { field: 'clock' });
    const oneCalendar = ticks.length === 0 && (this.feeds.length === 1 || (data.merge !== 'heap' && sharedCalendar(this.feeds)));
    return oneCalendar ? new CalendarStepper(this.kernel, sim, this.feeds, financing) : new MergeStepper(this.kernel, sim, this.feeds, ticks, financing);
  }

  /** The feed that trades `symbol` (pushed data: one per instrument). */
  feedOf(symbol: string): Feed | undefined {
    return this.#bySymbol.get(symbol);
  }

  /** Starts the strategies (once). `step()` and `run()` start by themselves; pushed data starts it first. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.kernel.start();
  }

  /** Stops the strategies (once; a node stopped before it started never starts). */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.kernel.stop();
  }

  get stopped(): boolean {
    return this.#state === 'stopped';
  }

  /**
   * Advances exactly one event of the history (one bar of one feed, or one tick) and returns true; at the
   * end, stops the strategies and returns false. The equity point of a time is recorded with its last event.
   */
  step(): boolean {
    const stepper = this.#historyStepper();
    if (this.#state !== 'running') {
      if (this.#state === 'stopped') return false;
      this.start();
    }
    if (stepper.step()) return true;
    this.stop();
    return false;
  }

  /** Steps to the end of the history (the stepper's `advance`, as `step()`, a time at a time) and returns the result. */
  run(onProgress?: (done: number, total: number) => void): HistoryResult {
    const stepper = this.#historyStepper();
    const t0 = performance.now();
    this.start();
    if (this.#state === 'running') {
      // Whole times at once: the same code as `step()` (advance(1)), one time step per call.
      if (onProgress === undefined) while (stepper.advance(Infinity));
      else {
        let next = 0;
        while (stepper.advance(Infinity)) {
          if (stepper.done < next) continue;
          onProgress(stepper.done, stepper.total);
          next = stepper.done + PROGRESS_EVERY;
        }
      }
      this.stop();
      onProgress?.(stepper.total, stepper.total);
    }
    this.#seconds += (performance.now() - t0) / 1000;
    return this.result();
  }

  /** The run so far (complete once `step()` returned false or `run()` returned); `runSeconds` counts `run()` only. */
  result(): HistoryResult {
    const stepper = this.#historyStepper();
    const c = stepper.curve;
    return {
      kernel: this.kernel, feeds: this.feeds,
      equityTime: c.time.subarray(0, c.points), equity: c.equity.subarray(0, c.points), exposure: c.exposure.subarray(0, c.points),
      bars: stepper.total, runSeconds: this.#seconds,
    };
  }

  // ---- pushed data (live and replay feeds) ----

  /**
   * One bar pushed by a feed: appended to its symbol's series, the clock follows it (when the node owns
   * the clock), `before` runs (LiveNode stores its replay marker there), then the kernel sees the bar and
   * breakers see the equity. False for a symbol the node does not trade.
   */
  pushBar(symbol: string, tsMs: number, open: number, high: number, low: number, close: number, volume: number, before?: () => void): boolean {
    const feed = this.#bySymbol.get(symbol);
    if (feed === undefined || this.#stepper !== null) return false;
    const i = feed.series.append(tsMs, open, high, low, close, volume);
    this.#sim?.advanceTo(tsMs);
    before?.();
    this.bus.publish('bar', { symbol, tsMs, open, high, low, close, volume }, tsMs);
    this.kernel.onBar(feed, i);
    this.kernel.afterStep(tsMs);
    return true;
  }

  onQuote(q: QuoteTick): void {
    this.kernel.onQuote(q);
  }

  onTrade(t: TradeTick): void {
    this.kernel.onTrade(t);
  }

  /** Moves a node-owned clock (a replay resuming at its last bar); no-op on an injected clock. */
  advanceClock(tsMs: number): void {
    this.#sim?.advanceTo(tsMs);
  }

  #historyStepper(): HistoryStepper {
    if (this.#stepper === null) throw new ConfigError('step() and run() need historical data; a live feed pushes its data into the node', { field: 'data' });
    return this.#stepper;
  }
}
