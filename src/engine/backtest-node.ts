// BacktestNode: a backtest as callers have always configured it, over the one TradingNode (node.ts).
// History drives a simulated clock; the kernel and the simulated venue are the same ones paper trading
// uses. `step()` advances one event, `run()` steps to the end.
import type { BarSeries } from '../model/bar.ts';
import type { EngineEvent } from '../model/events.ts';
import type { Instrument } from '../model/instrument.ts';
import type { VenueConfig } from '../execution/simulated-venue.ts';
import type { CircuitBreakerConfig } from '../risk/breakers/index.ts';
import type { RiskConfig } from '../risk/checks/index.ts';
import type { PreTradeCheck, RiskLimits } from '../risk/risk-engine.ts';
import type { Strategy } from '../strategies/strategy.ts';
import type { Sizer } from '../strategies/sizing.ts';
import type { Feed } from './feed.ts';
import type { Kernel } from './kernel.ts';
import type { NodeBus } from './node-bus.ts';
import type { TickEvent } from './node-config.ts';
import { TradingNode, type HistoryResult } from './node.ts';

export type { TickEvent } from './node-config.ts';
export { riskSetup } from './node.ts';

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
  /** Every engine event, delivered by a subscriber of the node's bus (its errors never stop the run). */
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

export type BacktestOutput = HistoryResult;

export class BacktestNode {
  readonly node: TradingNode;
  readonly kernel: Kernel;
  readonly feeds: readonly Feed[];
  readonly #onProgress: BacktestConfig['onProgress'];

  constructor(config: BacktestConfig) {
    const { series, ticks, merge, venue, onEvent, onProgress, ...rest } = config;
    this.node = new TradingNode({ ...rest, kind: 'backtest', data: { kind: 'history', series, ticks, merge }, execution: { venue } });
    this.kernel = this.node.kernel;
    this.feeds = this.node.feeds;
    this.#onProgress = onProgress;
    if (onEvent !== undefined) {
      const bus = this.node.bus;
      bus.subscribe('order', (m) => onEvent(m.payload.event), { name: 'backtest.onEvent' });
      bus.subscribe('risk', (m) => onEvent(m.payload), { name: 'backtest.onEvent' });
      bus.subscribe('strategy.error', (m) => onEvent(m.payload), { name: 'backtest.onEvent' });
    }
  }

  get bus(): NodeBus {
    return this.node.bus;
  }

  /** Advances one event (a bar of one feed, or a tick); false once the history is done. */
  step(): boolean {
    return this.node.step();
  }

  run(): BacktestOutput {
    return this.node.run(this.#onProgress);
  }
}
