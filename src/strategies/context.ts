// What a strategy may do and see. Everything goes through this context; a strategy never touches
// the venue, the store, the wall clock or randomness directly.
import type { Bar } from '../model/bar.ts';
import type { ExitAttachments, OrderRequest, TrailingOffset, TimeInForce } from '../model/order.ts';
import type { AlgoHandle, ExecuteOptions } from './execute-options.ts';
import type { ErcRequest, HedgeRequest, HedgeResult } from './hedge-options.ts';
import type { OrderView } from './order-view.ts';
import type { AtrRiskSizingInput, KellySizingInput, Sizer, VolTargetSizingInput } from './sizing.ts';
import type { Line } from './line.ts';
import type { TypedIndicators } from './typed-indicators.ts';

export type { AlgoHandle, ExecuteOptions } from './execute-options.ts';
export type { ErcRequest, HedgeRequest, HedgeResult } from './hedge-options.ts';
export type { OrderView } from './order-view.ts';
export type { TypedIndicators } from './typed-indicators.ts';

/** A read-only view of a position. */
export interface PositionView {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly isFlat: boolean;
  readonly isLong: boolean;
  readonly isShort: boolean;
  readonly realizedPnl: number;
  unrealizedPnl(mark?: number): number;
}

/** Past bars of one symbol up to and including the current one; index 0 is the current bar. */
export interface History {
  readonly length: number;
  close(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  volume(ago?: number): number;
  time(ago?: number): number;
  /** The last `n` closes, oldest first (allocates). */
  closes(n: number): Float64Array;
}

export type { Line } from './line.ts';

export interface OrderOptions {
  readonly type?: 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing-stop';
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailing?: TrailingOffset;
  readonly tif?: TimeInForce;
  readonly expireTimeMs?: number;
  readonly reduceOnly?: boolean;
  readonly tag?: string;
  /**
   * Protective exits the venue places once this entry has filled (stop-loss, take-profit, trailing
   * stop, time exit, break-even): reduce-only, one OCO group. See docs/fill-assumptions.md.
   */
  readonly exits?: ExitAttachments;
}

export interface BracketRequest {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty?: number | Sizer;
  /** Entry as a limit at this price; market when omitted. */
  readonly entryLimit?: number;
  readonly takeProfit: number;
  readonly stopLoss: number;
  readonly tif?: TimeInForce;
}

/** Two exits for a position held that cancel each other (ctx.oco): a take-profit limit and a stop-loss. */
export interface OcoRequest {
  readonly symbol: string;
  /** Units to close (default: the whole position; at most the position). */
  readonly qty?: number;
  /** Limit price of the take-profit. */
  readonly takeProfit: number;
  /** Trigger of the stop-loss (a stop order, or a stop-limit with `stopLimit`). */
  readonly stopLoss: number;
  readonly stopLimit?: number;
  readonly tif?: TimeInForce;
}

/** Equal-risk-contribution weights of some symbols now, and a target sizer per symbol. */
export interface ErcSizing {
  readonly symbols: readonly string[];
  /** Long-only weights summing to 1, by symbol. */
  readonly weights: Readonly<Record<string, number>>;
  /** Each symbol's share of portfolio variance (equal to its budget share when converged). */
  readonly riskShares: Readonly<Record<string, number>>;
  /** Volatility of the weighted portfolio per bar (not annualized). */
  readonly volatility: number;
  readonly converged: boolean;
  /** A pct-equity target for `symbol`: weight × pctEquity percent of equity. */
  sizer(symbol: string): Sizer;
}

export interface SizeHelpers {
  pctCash(pct: number): Sizer;
  qty(qty: number): Sizer;
  pctEquity(pct: number): Sizer;
  /** Kelly fraction of equity from a win rate and payoff ratio (src/risk/sizing, docs/risk-math.md). */
  kelly(opts: KellySizingInput): Sizer;
  /** Volatility target: realized volatility over the symbol's last `lookback` returns when the order is made. */
  volTarget(opts: VolTargetSizingInput): Sizer;
  /** ATR risk: the symbol's ATR(atrPeriod) at the current bar when the order is made. */
  atrRisk(opts: AtrRiskSizingInput): Sizer;
  /**
   * Equal risk contribution (risk parity) across `symbols`, from the covariance of their last
   * `lookback` returns up to the current bar. Null while any symbol has fewer than lookback + 1 bars.
   */
  erc(symbols: readonly string[], opts?: ErcRequest): ErcSizing | null;
  /** The run's default sizing (the CLI's --size). */
  readonly default: Sizer;
}

export interface StrategyContext {
  readonly strategyId: string;
  /** Current simulated or real time, epoch ms. */
  nowMs(): number;
  cash(): number;
  equity(): number;
  position(symbol: string): PositionView;
  /** Symbols with data in this run, in feed order. */
  symbols(): readonly string[];
  history(symbol: string): History;
  /**
   * A registered indicator (`sextant indicator --list` names them) on the symbol's bars, with params
   * as on the command line; `output` picks one of a multi-output indicator's outputs (MACD: macd,
   * signal, histogram). Create it once per symbol (in onStart, or on a symbol's first bar) and read
   * `.value` on every bar. Indicators on two series (correlation, beta) are not available here.
   */
  indicator(symbol: string, name: string, params?: Readonly<Record<string, unknown>>, output?: string): Line;
  /**
   * The same lines with typed params, one method per registered one-series indicator:
   * `indicators.sma(symbol, 20)`, `indicators.rsi(symbol, { period: 14 })`, `indicators.macd(symbol)`
   * (one Line per output). A line is made once per (symbol, indicator, params, output) and shared
   * with `indicator(...)`, so calling either on every bar is cheap.
   */
  readonly indicators: TypedIndicators;
  /** The latest bar of a symbol (null before its first bar). */
  lastBar(symbol: string): Bar | null;
  readonly size: SizeHelpers;
  /**
   * Buys `qty` (a number or a sizer; the run's default sizing when omitted). Returns a read-only view
   * of the order (current at every read), or null when it sized to nothing.
   */
  buy(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null;
  sell(symbol: string, qty?: number | Sizer, opts?: OrderOptions): OrderView | null;
  /** Closes the whole position with a reduce-only market order. */
  close(symbol: string): OrderView | null;
  submit(request: OrderRequest): OrderView | null;
  /** Entry + take-profit + stop-loss; the exits wait for the entry and cancel each other (OCO). */
  bracket(req: BracketRequest): { entry: OrderView; takeProfit: OrderView; stopLoss: OrderView } | null;
  /**
   * Take-profit + stop-loss for the position held in `symbol`, reduce-only, in one OCO group: a fill of one
   * cancels the other. Null when flat (or the quantity rounds to nothing).
   */
  oco(req: OcoRequest): { takeProfit: OrderView; stopLoss: OrderView } | null;
  cancel(orderId: string): void;
  cancelAll(symbol?: string): void;
  openOrders(symbol?: string): readonly OrderView[];
  /**
   * Works `qty` of `symbol` (positive buys, negative sells) with an execution algorithm (TWAP, VWAP,
   * POV, Almgren-Chriss, iceberg; src/execution/algos). The engine feeds it bars, books and the
   * children's order events; the children go through risk checks like any order. Null where orders are refused (research warm-up gates).
   */
  execute(symbol: string, qty: number, opts: ExecuteOptions): AlgoHandle | null;
  /**
   * Measures the strategy's positions' beta-weighted and clustered exposure from their aligned
   * returns, proposes a beta hedge / cluster reductions for every limit broken, and (by default)
   * places them (src/risk/hedging, docs/hedging.md). Null while a symbol has fewer than lookback + 1 bars.
   */
  hedge(req: HedgeRequest): HedgeResult | null;
  log(message: string): void;
}
