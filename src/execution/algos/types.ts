// Shared shapes of the execution algorithms: the parent order, the child orders they send, the
// OrderSink they send them through, and the deterministic schedules they plan.
import type { Bar } from '../../model/bar.ts';
import type { OrderBookSnapshot, TradeTick } from '../../model/market.ts';
import type { OrderSide } from '../../model/order.ts';

/** What the trader wants done: `qty` of `symbol` between `startMs` (inclusive) and `endMs` (exclusive). */
export interface ParentOrder {
  readonly id: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Total quantity, a whole number of lots. */
  readonly qty: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Worst acceptable price for every child (buy: at most, sell: at least); none = market. */
  readonly limitPrice?: number;
}

/** One order an algorithm asks its sink to place. */
export interface ChildOrder {
  /** Made by the algorithm (`<parentId>.<seq>`); fills and closes are reported against it. */
  readonly clientId: string;
  readonly parentId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** A whole number of lots, > 0. */
  readonly qty: number;
  readonly type: 'market' | 'limit';
  readonly limitPrice?: number;
  /** IOC for slices (each lives one bar / one book update), GTC for resting iceberg tranches. */
  readonly tif: 'IOC' | 'GTC';
  /** Price the algorithm expects on average (book sweeps), NaN when unknown. */
  readonly expectedPrice: number;
}

/**
 * Where an algorithm sends child orders. The engine (or a strategy, through `AlgoDesk`) adapts it to
 * its order path and reports back with `ExecAlgo.onFill` / `ExecAlgo.onChildClosed`.
 */
export interface OrderSink {
  /**
   * Places a child. Returns false when it was refused outright (risk denial, rounded to nothing):
   * the algorithm then forgets it and may try again later. Fills or closes may be reported
   * synchronously, before `submit` returns.
   */
  submit(child: ChildOrder): boolean;
  /** Asks to cancel a working child; the close is reported later through `onChildClosed`. */
  cancel(clientId: string): void;
}

export type AlgoName = 'twap' | 'vwap' | 'almgren-chriss' | 'pov' | 'iceberg';

/** One slice of a schedule: `qty` (= `lots` x lot size) released at `startMs`. */
export interface ScheduleSlice {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly qty: number;
  readonly lots: number;
}

/** A deterministic child schedule. Slice lots sum to the parent's lots minus `unscheduledLots`. */
export interface Schedule {
  readonly algo: AlgoName;
  readonly parent: ParentOrder;
  readonly lotSize: number;
  readonly slices: readonly ScheduleSlice[];
  /** Quantity the plan could not place (POV when forecast volume runs out); 0 for time schedules. */
  readonly unscheduledQty: number;
  readonly unscheduledLots: number;
}

/**
 * pending: before startMs; running; ending: window over or canceled, waiting for working children to
 * close; done: all filled; expired: window over with a remainder; canceled: stopped by request.
 */
export type AlgoState = 'pending' | 'running' | 'ending' | 'done' | 'expired' | 'canceled';

export interface ChildRecord {
  readonly clientId: string;
  readonly submittedMs: number;
  readonly qty: number;
  readonly type: 'market' | 'limit';
  readonly limitPrice: number | undefined;
  readonly expectedPrice: number;
  filledQty: number;
  avgPrice: number;
  open: boolean;
}

export interface ExecFill {
  readonly clientId: string;
  readonly tsMs: number;
  readonly qty: number;
  readonly price: number;
}

export interface ExecReport {
  readonly parent: ParentOrder;
  readonly algo: AlgoName;
  readonly state: AlgoState;
  readonly filledQty: number;
  readonly remainingQty: number;
  /** Volume-weighted fill price, NaN before the first fill. */
  readonly avgPrice: number;
  readonly children: readonly ChildRecord[];
  readonly fills: readonly ExecFill[];
}

/** The runtime state machine every algorithm implements. */
export interface ExecAlgo {
  readonly algo: AlgoName;
  readonly parent: ParentOrder;
  readonly state: AlgoState;
  readonly filledQty: number;
  readonly remainingQty: number;
  /** Quantity in children not yet filled or closed. */
  readonly workingQty: number;
  readonly avgPrice: number;
  readonly isFinished: boolean;
  /** A completed bar of any symbol (others are ignored); sizing uses its volume. */
  onBar(bar: Bar): void;
  /** An L2 snapshot; slices become marketable limits that walk the book. */
  onBook(book: OrderBookSnapshot): void;
  /** A trade print: market volume for POV on tick data. */
  onTrade(trade: TradeTick): void;
  /** A (partial) fill of child `clientId`, at `tsMs` (default: the time of the latest market event seen). */
  onFill(qty: number, price: number, clientId: string, tsMs?: number): void;
  /** Child `clientId` is closed (canceled, expired, rejected) with whatever it had not filled. */
  onChildClosed(clientId: string): void;
  /** Stops sending and cancels working children. */
  cancel(): void;
  report(): ExecReport;
}

export interface AlgoOptions {
  /** Quantity step (Instrument.lotSize); default 1. */
  readonly lotSize?: number;
  /**
   * Most a child (and all children sent between two bars) may be, as a fraction of the latest bar's
   * volume, or of the visible opposite-side depth within the limit on a book. Default 1; null = none.
   */
  readonly participationCap?: number | null;
}
