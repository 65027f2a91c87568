// The DataClient port for paper and live trading: a source that pushes market data as it happens.
import type { QuoteTick, TradeTick } from '../../model/market.ts';
import type { HistoryBar } from '../history-source.ts';

export interface MarketSink {
  /** A completed bar (open time `tsMs`); only sent once the bar's period has closed. */
  onBar(symbol: string, tsMs: number, open: number, high: number, low: number, close: number, volume: number): void;
  onQuote(q: QuoteTick): void;
  onTrade(t: TradeTick): void;
  /**
   * Resolves when what the last data caused (orders being persisted and sent) is done. A replay
   * awaits it before the next bar, so replay speed never changes what a strategy sees or does.
   */
  settled?(): Promise<void> | null;
}

/** A closed bar of one symbol (open time `tsMs`): pushed to a node, or replayed into it to warm strategies up. */
export interface SymbolBar extends HistoryBar {
  readonly symbol: string;
}

/** A closed bar of recent history, for warming strategies up before a live run trades. */
export type WarmupBar = SymbolBar;

export interface LiveFeed {
  readonly name: string;
  /**
   * The last `bars` closed bars of each symbol, oldest first across symbols (feeds that can fetch
   * history: a venue's REST klines). A live node replays them into its strategies before it trades.
   */
  warmup?(bars: number): Promise<WarmupBar[]>;
  /** Starts pushing data into `sink`; resolves when the feed has ended by itself (replays) or was stopped. */
  start(sink: MarketSink): Promise<void>;
  stop(): void;
}
