// BacktestNode: the composition root for backtests. History drives a simulated clock; the kernel and
// the simulated venue are the same ones paper trading uses.
import { SimulatedClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { utcDay } from '../core/time.ts';
import { BarSeries } from '../model/bar.ts';
import type { EngineEvent } from '../model/events.ts';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue, type VenueConfig } from '../execution/simulated-venue.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import { RiskEngine, type PreTradeCheck, type RiskLimits } from '../risk/risk-engine.ts';
import { breakerCheck, circuitBreakerSetFromConfig, type CircuitBreakerConfig, type CircuitBreakerSet } from '../risk/breakers/index.ts';
import { riskChecksFromConfig, type RiskConfig } from '../risk/checks/index.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { sizers, type Sizer } from '../strategies/sizing.ts';
import { Feed } from './feed.ts';
import { Kernel } from './kernel.ts';
import { FeedMerger } from './merge.ts';

export interface BacktestConfig {
  readonly series: readonly BarSeries[];
  /** Instruments by symbol; a default equity is made for symbols not listed. */
  readonly instruments?: readonly Instrument[];
  /** Strategies with an optional allocation each (cash they may commit; default: the whole account). */
  readonly strategies: readonly { readonly strategy: Strategy; readonly id?: string; readonly allocation?: number }[];
  readonly cash?: number;
  readonly accountType?: 'cash' | 'margin';
  readonly leverage?: number;
  readonly venue?: Partial<VenueConfig>;
  readonly risk?: RiskLimits;
  readonly extraChecks?: readonly PreTradeCheck[];
  /** The configurable pre-trade checks (docs/risk.md); none when omitted. */
  readonly riskConfig?: RiskConfig;
  /** Circuit breakers (docs/risk.md); none when omitted. */
  readonly breakers?: CircuitBreakerConfig;
  readonly sizer?: Sizer;
  readonly borrowRate?: number;
  readonly marginRate?: number;
  readonly onEvent?: (e: EngineEvent) => void;
  /**
   * Tick-level data (quotes, trades, L2 books), sorted by time, merged with the bars. At equal
   * times ticks come first. The venue matches against quotes and book tops (paper-style).
   */
  readonly ticks?: readonly TickEvent[];
  /** 'heap' forces the general time merge even when all feeds share their bar times (for tests). */
  readonly merge?: 'auto' | 'heap';
  readonly onProgress?: (barsDone: number, barsTotal: number) => void;
  readonly log?: (strategyId: string, message: string) => void;
  /**
   * Indicator lines (StrategyContext.indicator) computed over each whole series before the run
   * (default), or folded bar by bar as live runs do. Both give the same values; 'streaming' is for
   * comparing the two and for measuring the difference.
   */
  readonly lines?: 'whole-series' | 'streaming';
}

export type TickEvent =
  | { readonly kind: 'quote'; readonly tsEventMs: number; readonly quote: QuoteTick }
  | { readonly kind: 'trade'; readonly tsEventMs: number; readonly trade: TradeTick }
  | { readonly kind: 'book'; readonly tsEventMs: number; readonly book: OrderBookSnapshot };

export interface BacktestOutput {
  readonly kernel: Kernel;
  readonly feeds: readonly Feed[];
  /** One point per distinct bar time. */
  readonly equityTime: Float64Array;
  readonly equity: Float64Array;
  /** Gross position value / equity at each point (0 when flat). */
  readonly exposure: Float64Array;
  readonly bars: number;
  readonly runSeconds: number;
}

const PROGRESS_EVERY = 1 << 16;

/** True when every feed has exactly the same bar times. */
function sharedClock(feeds: readonly Feed[]): boolean {
  const first = feeds[0]!.series;
  for (let k = 1; k < feeds.length; k++) {
    const s = feeds[k]!.series;
    if (s.length !== first.length) return false;
    for (let i = 0; i < s.length; i++) if (s.time[i] !== first.time[i]) return false;
  }
  return first.length > 0;
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

/**
 * The common case (one feed; no financing, no breakers) in a function of its own:
 * V8 optimizes a loop by on-stack replacement once its function has run long enough, and the ticks it
 * waits for grow with the function's size. Inside `run` (3 loops, closures) the loop ran in the
 * interpreter for thousands of bars more in a cold process. Same steps, same order: clock, bar,
 * then equity and gross exposure over the open positions. Returns the number of points written.
 */
function plainOneFeedLoop(
  kernel: Kernel, clock: SimulatedClock, f: Feed, equity: Float64Array, exposure: Float64Array, onProgress: ((done: number, total: number) => void) | undefined,
): number {
  const time = f.series.time;
  const n = f.series.length;
  const portfolio = kernel.portfolio;
  const open = portfolio.openPositions();
  for (let i = 0; i < n; i++) {
    clock.advanceTo(time[i]!);
    kernel.onBar(f, i);
    let value = 0;
    let gross = 0;
    for (let k = 0; k < open.length; k++) {
      const p = open[k]!;
      const v = p.qty * p.lastPrice * p.multiplier;
      value += v;
      gross += v < 0 ? -v : v;
    }
    const eq = portfolio.cash + value;
    equity[i] = eq;
    if (open.length !== 0) exposure[i] = eq > 0 ? gross / eq : 0;
    if (onProgress !== undefined && (i & (PROGRESS_EVERY - 1)) === 0) onProgress(i, n);
  }
  return n;
}

export class BacktestNode {
  readonly kernel: Kernel;
  readonly feeds: Feed[] = [];
  readonly #config: BacktestConfig;
  readonly #clock = new SimulatedClock();

  constructor(config: BacktestConfig) {
    if (config.series.length === 0 && (config.ticks?.length ?? 0) === 0) throw new ConfigError('a backtest needs at least one data series');
    if (config.strategies.length === 0) throw new ConfigError('a backtest needs at least one strategy');
    this.#config = config;
    const portfolio = new Portfolio({ type: config.accountType ?? 'cash', startingCash: config.cash ?? 100_000, leverage: config.leverage });
    const { checks, breakers } = riskSetup(config.riskConfig, config.breakers, config.extraChecks);
    this.kernel = new Kernel({
      clock: this.#clock, portfolio, risk: new RiskEngine(config.risk, checks), defaultSizer: config.sizer ?? sizers.pctCash(95), breakers,
      borrowRate: config.borrowRate, marginRate: config.marginRate, onEvent: config.onEvent, log: config.log,
    });
    this.kernel.wholeSeries = config.lines !== 'streaming';
    const daily = config.series.every((s) => s.timeframeMs === 0 || s.timeframeMs >= 86_400_000);
    const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: daily, ...config.venue }, this.kernel, this.kernel);
    this.kernel.attachVenue(venue);
    const bySymbol = new Map((config.instruments ?? []).map((i) => [i.symbol, i]));
    const tradedSymbols = new Set<string>();
    config.series.forEach((series, i) => {
      const inst = bySymbol.get(series.symbol) ?? makeInstrument(series.symbol);
      // The first series of a symbol drives matching; further ones (other timeframes) are data only.
      const slot = tradedSymbols.has(series.symbol) ? -1 : venue.addInstrument(inst);
      tradedSymbols.add(series.symbol);
      const feed = new Feed(i, series, inst, slot, portfolio.position(series.symbol, inst.multiplier));
      this.feeds.push(feed);
      this.kernel.addFeed(feed);
    });
    // Instruments with tick data but no bars still need a feed (venue slot, position, history).
    for (const inst of config.instruments ?? []) {
      if (tradedSymbols.has(inst.symbol)) continue;
      tradedSymbols.add(inst.symbol);
      const feed = new Feed(this.feeds.length, BarSeries.empty(inst.symbol), inst, venue.addInstrument(inst), portfolio.position(inst.symbol, inst.multiplier));
      this.feeds.push(feed);
      this.kernel.addFeed(feed);
    }
    config.strategies.forEach((s, i) =>
      this.kernel.addStrategy(s.strategy, s.id ?? (config.strategies.length === 1 ? s.strategy.constructor.name : `${s.strategy.constructor.name}-${i + 1}`), s.allocation),
    );
  }

  run(): BacktestOutput {
    const kernel = this.kernel;
    const portfolio = kernel.portfolio;
    const ticks = this.#config.ticks ?? [];
    const total = this.feeds.reduce((n, f) => n + f.series.length, 0) + ticks.length;
    const single = this.feeds.length === 1 && ticks.length === 0;
    // Feeds on one calendar step through their shared times; the curve has a point per time, not per bar.
    const shared = !single && ticks.length === 0 && this.#config.merge !== 'heap' && sharedClock(this.feeds);
    const oneCalendar = single || shared;
    const capacity = oneCalendar ? this.feeds[0]!.series.length : total;
    const equity = new Float64Array(capacity);
    const exposure = new Float64Array(capacity);
    const equityTime = oneCalendar ? this.feeds[0]!.series.time : new Float64Array(total);
    const onProgress = this.#config.onProgress;
    let points = 0;
    let lastDay = NaN;
    const t0 = performance.now();
    kernel.start();
    const withBreakers = kernel.hasBreakers;
    const open = portfolio.openPositions();
    const close = (t: number): void => {
      if (withBreakers) kernel.afterStep(t);
      // Equity and gross exposure in one pass over the open positions.
      let value = 0;
      let gross = 0;
      for (let k = 0; k < open.length; k++) {
        const p = open[k]!;
        const v = p.qty * p.lastPrice * p.multiplier;
        value += v;
        gross += v < 0 ? -v : v;
      }
      const eq = portfolio.cash + value;
      equity[points] = eq;
      if (open.length !== 0) exposure[points] = eq > 0 ? gross / eq : 0;
      if (!oneCalendar) equityTime[points] = t;
      points++;
    };
    const financing = (this.#config.borrowRate ?? 0) !== 0 || (this.#config.marginRate ?? 0) !== 0;
    if (single) {
      if (financing || withBreakers) {
        const f = this.feeds[0]!;
        const time = f.series.time;
        const n = f.series.length;
        for (let i = 0; i < n; i++) {
          const t = time[i]!;
          if (financing) {
            const day = utcDay(t);
            if (day !== lastDay) {
              if (lastDay === lastDay) kernel.accrue(day - lastDay);
              lastDay = day;
            }
          }
          this.#clock.advanceTo(t);
          kernel.onBar(f, i);
          close(t);
          if (onProgress !== undefined && (i & (PROGRESS_EVERY - 1)) === 0) onProgress(i, total);
        }
      } else points = plainOneFeedLoop(kernel, this.#clock, this.feeds[0]!, equity, exposure, onProgress);
    } else if (shared) {
      // Every feed has the same bar times (one calendar): step through the times and visit the feeds
      // in feed order, which is exactly the order the heap merge gives, without the heap.
      const feeds = this.feeds;
      const time = feeds[0]!.series.time;
      const n = feeds[0]!.series.length;
      let done = 0;
      for (let i = 0; i < n; i++) {
        const t = time[i]!;
        if (financing) {
          const day = utcDay(t);
          if (day !== lastDay) {
            if (lastDay === lastDay) kernel.accrue(day - lastDay);
            lastDay = day;
          }
        }
        this.#clock.advanceTo(t);
        for (let k = 0; k < feeds.length; k++) kernel.onBar(feeds[k]!, i);
        close(t);
        done += feeds.length;
        if (onProgress !== undefined && (i & 1023) === 0) onProgress(done, total);
      }
    } else {
      const merger = new FeedMerger(this.feeds);
      let cur = NaN;
      let done = 0;
      let tick = 0;
      while (!merger.isEmpty || tick < ticks.length) {
        const tickFirst = tick < ticks.length && ticks[tick]!.tsEventMs <= merger.peekTime();
        const t = tickFirst ? ticks[tick]!.tsEventMs : merger.peekTime();
        if (t !== cur) {
          if (cur === cur) close(cur);
          cur = t;
          if (financing) {
            const day = utcDay(t);
            if (day !== lastDay) {
              if (lastDay === lastDay) kernel.accrue(day - lastDay);
              lastDay = day;
            }
          }
          this.#clock.advanceTo(t);
        }
        if (tickFirst) {
          const e = ticks[tick++]!;
          if (e.kind === 'quote') kernel.onQuote(e.quote);
          else if (e.kind === 'trade') kernel.onTrade(e.trade);
          else kernel.onBook(e.book);
          if (onProgress !== undefined && (++done & (PROGRESS_EVERY - 1)) === 0) onProgress(done, total);
          continue;
        }
        const f = this.feeds[merger.top()]!;
        kernel.onBar(f, f.cursor);
        merger.advanceTop();
        if (onProgress !== undefined && (++done & (PROGRESS_EVERY - 1)) === 0) onProgress(done, total);
      }
      if (cur === cur) close(cur);
    }
    kernel.stop();
    onProgress?.(total, total);
    const runSeconds = (performance.now() - t0) / 1000;
    return {
      kernel, feeds: this.feeds,
      equityTime: equityTime.subarray(0, points),
      equity: equity.subarray(0, points),
      exposure: exposure.subarray(0, points),
      bars: total,
      runSeconds,
    };
  }
}
