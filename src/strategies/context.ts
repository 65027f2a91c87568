// What a strategy may do and see. Everything goes through this context; a strategy never touches
// the venue, the store, the wall clock or randomness directly.
import type { Bar } from '../model/bar.ts';
import type { ExitAttachments, OrderRequest, TrailingOffset, TimeInForce } from '../model/order.ts';
import type { Order } from '../model/order.ts';
import type { Sizer } from './sizing.ts';

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

/**
 * One output of a library indicator on a symbol's bars, kept current by the engine: at each bar the
 * line already includes it. It never reads past the current bar. In a backtest the engine computes
 * it over the whole series at once (the batch form, as Freqtrade's populate_indicators does) and
 * reads it at the cursor; live, it folds the streaming form bar by bar. The two give the same values
 * (the indicator contract suite checks batch = streaming).
 */
export interface Line {
  /** The value at the current bar; null while the indicator warms up or before the symbol's first bar. */
  readonly value: number | null;
  /** The value `ago` bars back (0 = current bar); null before the indicator's first value. */
  ago(ago: number): number | null;
}

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

export interface SizeHelpers {
  pctCash(pct: number): Sizer;
  qty(qty: number): Sizer;
  pctEquity(pct: number): Sizer;
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
  /** The latest bar of a symbol (null before its first bar). */
  lastBar(symbol: string): Bar | null;
  readonly size: SizeHelpers;
  /** Buys `qty` (a number or a sizer; the run's default sizing when omitted). Returns the order or null. */
  buy(symbol: string, qty?: number | Sizer, opts?: OrderOptions): Order | null;
  sell(symbol: string, qty?: number | Sizer, opts?: OrderOptions): Order | null;
  /** Closes the whole position with a reduce-only market order. */
  close(symbol: string): Order | null;
  submit(request: OrderRequest): Order | null;
  /** Entry + take-profit + stop-loss; the exits wait for the entry and cancel each other (OCO). */
  bracket(req: BracketRequest): { entry: Order; takeProfit: Order; stopLoss: Order } | null;
  cancel(orderId: string): void;
  cancelAll(symbol?: string): void;
  openOrders(symbol?: string): readonly Order[];
  log(message: string): void;
}
