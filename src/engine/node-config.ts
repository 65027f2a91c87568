// NodeConfig: one configuration for every run kind (backtest, paper, live). What differs between the
// kinds is injected: the clock, the data client (history the node steps through, or a live feed that
// pushes bars) and the execution client in front of the simulated venue.
import type { Clock } from '../core/clock.ts';
import type { BarSeries } from '../model/bar.ts';
import type { Instrument } from '../model/instrument.ts';
import type { OrderBookSnapshot, QuoteTick, TradeTick } from '../model/market.ts';
import type { ExecutionClient, ExecutionSink } from '../execution/execution-client.ts';
import type { VenueConfig } from '../execution/simulated-venue.ts';
import type { CircuitBreakerConfig } from '../risk/breakers/index.ts';
import type { RiskConfig } from '../risk/checks/index.ts';
import type { PreTradeCheck, RiskLimits } from '../risk/risk-engine.ts';
import type { Strategy } from '../strategies/strategy.ts';
import type { Sizer } from '../strategies/sizing.ts';
import type { JsonValue, RunKind } from '../store/store.ts';

export type { RunKind } from '../store/store.ts';

export interface StrategySpec {
  readonly strategy: Strategy;
  /** Default: the class name (numbered when several strategies run). */
  readonly id?: string;
  /** Cash this strategy may commit (default: the whole account). */
  readonly allocation?: number;
  /** Built-in name or file, recorded in the store by live runs. */
  readonly name?: string;
  readonly config?: JsonValue;
}

export type TickEvent =
  | { readonly kind: 'quote'; readonly tsEventMs: number; readonly quote: QuoteTick }
  | { readonly kind: 'trade'; readonly tsEventMs: number; readonly trade: TradeTick }
  | { readonly kind: 'book'; readonly tsEventMs: number; readonly book: OrderBookSnapshot };

/** History the node steps through itself (`step()` / `run()`): backtests, and replays driven by the node. */
export interface HistoricalData {
  readonly kind: 'history';
  readonly series: readonly BarSeries[];
  /** Tick-level data (quotes, trades, L2 books), sorted by time; at equal times ticks come before bars. */
  readonly ticks?: readonly TickEvent[];
  /** 'heap' forces the general time merge even when all feeds share their bar times (for tests). */
  readonly merge?: 'auto' | 'heap';
}

/**
 * Data pushed by a live feed (or a replay feed) through `TradingNode.onBar/onQuote/onTrade`: the node
 * makes one empty, growing series per instrument.
 */
export interface PushedData {
  readonly kind: 'pushed';
  /** Bar length (ms) of the pushed bars; 0 when unknown. */
  readonly barMs: number;
  /** 'bars' for replays of bar history, 'quotes' for live tick feeds. */
  readonly matchOn: 'bars' | 'quotes';
}

export type DataConfig = HistoricalData | PushedData;

export interface ExecutionConfig {
  /** The simulated venue's settings (matching, fees, slippage). */
  readonly venue?: Partial<VenueConfig>;
  /**
   * The client the kernel sends to, in front of `sim` (the simulated venue behind its OrderEmulator; e.g.
   * a durable client that persists each intent first), or a broker adapter instead of it (live); `sink` is
   * where a client reports (the kernel). Default: `sim` itself.
   */
  readonly client?: (sim: ExecutionClient, sink: ExecutionSink) => ExecutionClient;
}

export interface NodeConfig {
  /** What the run is (recorded by stores); configuration only, the node itself is the same. */
  readonly kind: RunKind;
  readonly data: DataConfig;
  /** Default: a simulated clock the data advances. A live run injects a real clock. */
  readonly clock?: Clock;
  readonly execution?: ExecutionConfig;
  /** Instruments by symbol; a default equity is made for a series whose symbol is not listed. */
  readonly instruments?: readonly Instrument[];
  readonly strategies: readonly StrategySpec[];
  readonly cash?: number;
  readonly accountType?: 'cash' | 'margin';
  readonly leverage?: number;
  readonly risk?: RiskLimits;
  readonly extraChecks?: readonly PreTradeCheck[];
  /** The configurable pre-trade checks (docs/risk.md); none when omitted. */
  readonly riskConfig?: RiskConfig;
  /** Circuit breakers (docs/risk.md); none when omitted. */
  readonly breakers?: CircuitBreakerConfig;
  readonly sizer?: Sizer;
  readonly borrowRate?: number;
  readonly marginRate?: number;
  /** Client order ids are `${prefix}-${n}` from `start` (default `O-1`). */
  readonly ids?: { readonly prefix: string; readonly start: number };
  readonly log?: (strategyId: string, message: string) => void;
  /**
   * Indicator lines (StrategyContext.indicator) over each whole series before the run (default for
   * history), or folded bar by bar as pushed data always does. Both give the same values.
   */
  readonly lines?: 'whole-series' | 'streaming';
}
