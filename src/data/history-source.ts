// The port every venue's bar history plugs into (`sextant data download`, warm-up): pages of closed bars
// by time. Implementations live with their venue (src/brokers/<venue>/history.ts); the download use case
// (src/app/download.ts) pages, resumes and stores, whatever the venue.

/** One closed bar; `tsMs` is its open time (epoch ms, UTC). */
export interface HistoryBar {
  readonly tsMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface HistoryPageRequest {
  /** The symbol as `prepare` returned it. */
  readonly symbol: string;
  readonly timeframe: string;
  /** First open time wanted (inclusive). */
  readonly fromMs: number;
  /** Last open time wanted (inclusive). */
  readonly toMs: number;
  /** At most this many bars (<= `maxPageBars`). */
  readonly limit: number;
}

export interface HistorySource {
  /** `binance`, `ccxt:kraken`, `alpaca`, ... as the user named it. */
  readonly venue: string;
  /** The most bars one request returns. */
  readonly maxPageBars: number;
  /**
   * Checks the symbol and the timeframe with the venue (loading its markets if it must) and returns the
   * venue's own spelling of the symbol and the bar length; a ConfigError naming the field when unknown.
   */
  prepare(symbol: string, timeframe: string): Promise<{ readonly symbol: string; readonly timeframeMs: number }>;
  /**
   * Bars with open time in [fromMs, toMs], oldest first, strictly increasing, at most `limit`, checked at
   * the boundary (InputError naming the field). Fewer than `limit` (or none) only when the venue has no
   * more in the window. Transient failures are retried inside; what is thrown is final.
   */
  fetchPage(req: HistoryPageRequest): Promise<HistoryBar[]>;
  /** Rows the venue sent without prices (Yahoo's null candles for holidays and halts), left out so far. */
  readonly skipped?: number;
  close(): Promise<void>;
}
