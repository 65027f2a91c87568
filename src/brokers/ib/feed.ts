// Interactive Brokers market data as a LiveFeed (src/data/live/feed.ts), through TWS / IB Gateway and
// @stoqey/ib (docs/venues/ib.md). Per symbol: best bid/ask from reqMktData (tickPrice BID/ASK with the
// tickSize BID_SIZE/ASK_SIZE that follow) or from tick-by-tick BidAsk, trades from tick-by-tick AllLast,
// and bars from reqRealTimeBars (IB's 5-second bars, folded into the run's timeframe by ./bars.ts). The
// feed has its own API connection (its own client id). When the socket drops it reconnects with backoff
// and subscribes again under fresh request ids; TWS's 1101 ("connectivity restored, data lost") does the
// same on the open socket; bars missed meanwhile are fetched with reqHistoricalData (./history.ts).
// Every callback passes ./market-parse.ts first: a bad payload is reported naming the field and skipped.
// Market-data errors name the symbol: a contract IB does not know (200) or data the account may not see
// (354, 10168, 10089) end the feed with an error (the run stops rather than trade blind); delayed data
// (10167) and other problems are reported and the feed goes on.
import { Sleeps } from '../../core/sleeps.ts';
import { EventName } from '@stoqey/ib';
import { ConfigError, InputError, RetryableVenueError } from '../../core/errors.ts';
import type { LiveFeed, MarketSink, WarmupBar } from '../../data/live/feed.ts';
import { parseTimeframe, timeframeMs } from '../../data/resample.ts';
import type { FeedStatus } from '../ccxt/feed.ts';
import { backoffMs } from '../shared/retry.ts';
import { BarFolder } from './bars.ts';
import type { HistoryBar } from '../../data/history-source.ts';
import { IbHistory, IB_BAR_SIZES, whatToShow } from './history.ts';
import { parseBidAskTick, parseLastTick, parseRealtimeBar, parseTickPrice, parseTickSize } from './market-parse.ts';
import { IbSession } from './stream.ts';
import { IbSymbols, type IbContractSpec } from './symbols.ts';

export type IbMarketDataType = 'live' | 'frozen' | 'delayed' | 'delayed-frozen';
const MARKET_DATA_TYPE: Readonly<Record<IbMarketDataType, number>> = { live: 1, frozen: 2, delayed: 3, 'delayed-frozen': 4 };

export interface IbFeedOptions {
  /** TWS or IB Gateway (see IbClientOptions). */
  readonly host: string;
  readonly port: number;
  /** The feed's own API client id (a live run's order link uses another). */
  readonly clientId: number;
  readonly symbols: readonly string[];
  /** Bar length, a multiple of 5 s (`1m`, `5m`, `1h`, ...); default 1m. */
  readonly timeframe?: string;
  /** Contracts for symbols outside the default grammar (./symbols.ts). */
  readonly contracts?: Readonly<Record<string, IbContractSpec>>;
  /** Which streams to subscribe; default all three (forex has no trades: never asked for). */
  readonly channels?: { readonly bars?: boolean; readonly trades?: boolean; readonly quotes?: boolean };
  /** Quotes from reqMktData's top of book (default) or tick-by-tick BidAsk (exchange-timestamped, fewer allowed). */
  readonly quoteSource?: 'top' | 'tick-by-tick';
  /** reqMarketDataType: 'live' (default), or delayed data for accounts without a subscription. */
  readonly marketDataType?: IbMarketDataType;
  /** No market data for this long means stale (status 'stale'); default 30 s. */
  readonly staleAfterMs?: number;
  /** A bar whose last 5-second bar never came is sent this long after its period ended (default 10 s). */
  readonly closeGraceMs?: number;
  readonly onStatus?: (s: FeedStatus) => void;
  readonly nowMs?: () => number;
  readonly connectTimeoutMs?: number;
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  readonly maxReqPerSec?: number;
  /** History pacing and timeouts (./history.ts); tests shorten them. */
  readonly history?: { readonly pacing?: { readonly requests: number; readonly perMs: number }; readonly timeoutMs?: number; readonly pacingBackoffMs?: number };
}

type Channel = 'quotes' | 'trades' | 'bars';

interface SymbolState {
  readonly symbol: string;
  readonly spec: IbContractSpec;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  quoteQueued: boolean;
  readonly folder: BarFolder;
  /** Open time of the last bar sent (NaN before the first). */
  lastBarMs: number;
  /** Bars made while a backfill runs: sent after it, in order. */
  held: HistoryBar[] | null;
}

/** Codes after which a subscription can never deliver: the feed ends with the error (fails closed). */
const FATAL: ReadonlyMap<number, string> = new Map([
  [200, 'IB has no contract for it'],
  [354, 'the account has no market data subscription for it'],
  [10168, 'the account has no market data subscription for it and delayed data is not enabled'],
  [10089, 'it needs an additional market data subscription'],
]);
/** Codes about a request that was canceled or is gone: nothing to tell. */
const QUIET = new Set([300, 366, 10225]);
/** Farm messages worth a line (broken / inactive); the "OK" ones are not. */
const FARM_TROUBLE = new Set([2103, 2105, 2107, 2108, 2157]);

// reqMktData tick types (TWS API TickType).
const BID_SIZE = 0, BID = 1, ASK = 2, ASK_SIZE = 3, D_BID = 66, D_ASK = 67, D_BID_SIZE = 69, D_ASK_SIZE = 70;

export class IbLiveFeed implements LiveFeed {
  readonly name = 'ib';
  readonly #o: IbFeedOptions;
  readonly #now: () => number;
  readonly #tfMs: number;
  readonly #timeframe: string;
  readonly #symbols: IbSymbols;
  readonly #states = new Map<string, SymbolState>();
  readonly #subs = new Map<number, { readonly st: SymbolState; readonly channel: Channel }>();
  readonly #warned = new Set<string>();
  readonly #session: IbSession;
  readonly #history: IbHistory;
  #reqId = 1;
  #sink: MarketSink | null = null;
  #running = false;
  #reconnecting = false;
  #startedMs = 0;
  #lastMessageMs = NaN;
  #stale = false;
  #timer: NodeJS.Timeout | null = null;
  #end: { resolve: () => void; reject: (e: Error) => void } | null = null;
  readonly #sleeps = new Sleeps();

  constructor(opts: IbFeedOptions) {
    if (opts.symbols.length === 0) throw new ConfigError('no symbols to stream', { field: 'symbols' });
    this.#o = opts;
    this.#now = opts.nowMs ?? Date.now;
    this.#timeframe = opts.timeframe ?? '1m';
    const tf = parseTimeframe(this.#timeframe);
    this.#tfMs = timeframeMs(tf);
    if (typeof tf !== 'number' || this.#tfMs % 5_000 !== 0) {
      throw new ConfigError(`IB's real-time bars are 5 seconds long: the timeframe must be a multiple of 5 s (5s, 1m, 5m, 1h, ...), got "${this.#timeframe}"`, { field: '--timeframe' });
    }
    this.#symbols = new IbSymbols(opts.contracts);
    for (const symbol of opts.symbols) {
      const spec = this.#symbols.contractOf(symbol);
      this.#states.set(symbol, { symbol, spec, bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, quoteQueued: false, folder: new BarFolder(this.#tfMs), lastBarMs: NaN, held: null });
    }
    this.#session = new IbSession(
      { host: opts.host, port: opts.port, clientId: opts.clientId, maxReqPerSec: opts.maxReqPerSec ?? 40, requestTimeoutMs: 5_000 },
      {
        openOrder: () => undefined, orderStatus: () => undefined, execution: () => undefined, commission: () => undefined,
        message: (code, reqId, text) => this.#onMessage(code, reqId, text),
        dropped: (reason) => void this.#reconnect(reason),
        bad: (what, detail) => this.#rejected(`${what}: ${detail}`),
        wire: (on) => this.#wire(on),
      },
    );
    this.#history = new IbHistory({ api: () => this.#session.api, symbols: this.#symbols, nowMs: this.#now, ...opts.history });
  }

  /**
   * The last `bars` closed bars of each symbol (reqHistoricalData), oldest first across symbols. A later
   * start() continues right after them: bars closed in between are fetched before the live ones.
   */
  async warmup(bars: number): Promise<WarmupBar[]> {
    if (!(bars > 0)) return [];
    if (IB_BAR_SIZES[this.#timeframe] === undefined) return [];
    const opened = !this.#session.connected;
    if (opened) await this.#session.connect(this.#o.connectTimeoutMs ?? 5_000);
    try {
      const out: WarmupBar[] = [];
      for (const st of this.#states.values()) {
        const got = await this.#history.lastBars(st.symbol, this.#timeframe, bars, this.#now());
        if (got.length > 0) st.lastBarMs = got[got.length - 1]!.tsMs;
        for (const b of got) out.push({ symbol: st.symbol, ...b });
      }
      return out.sort((a, b) => a.tsMs - b.tsMs);
    } finally {
      if (opened && !this.#running) await this.#session.disconnect();
    }
  }

  async start(sink: MarketSink): Promise<void> {
    if (this.#running) throw new ConfigError('the feed is already running', { field: 'feed' });
    this.#sink = sink;
    this.#running = true;
    this.#startedMs = this.#now();
    const ended = new Promise<void>((resolve, reject) => (this.#end = { resolve, reject }));
    try {
      if (!this.#session.connected) await this.#session.connect(this.#o.connectTimeoutMs ?? 5_000);
    } catch (e) {
      this.#running = false;
      this.#end = null;
      throw new RetryableVenueError(`ib market data: ${e instanceof Error ? e.message : String(e)}`);
    }
    const stale = this.#o.staleAfterMs ?? 30_000;
    this.#timer = setInterval(() => this.#tick(stale), Math.max(10, Math.min(1000, stale / 4)));
    this.#subscribe();
    this.#backfillAll();
    return ended;
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#sleeps.wakeAll();
    const canceled = this.#cancelAll();
    this.#history.failAll('the feed stopped');
    const end = this.#end;
    this.#end = null;
    // The library sends at a paced rate: a round trip after the cancels means TWS has them all.
    const sent = canceled && this.#session.connected ? this.#session.ping().catch(() => undefined) : Promise.resolve();
    void sent.then(() => this.#session.disconnect()).finally(() => end?.resolve());
  }

  /** Subscriptions now open (request id -> symbol and channel), for tests and diagnostics. */
  subscriptions(): { reqId: number; symbol: string; channel: Channel }[] {
    return [...this.#subs].map(([reqId, s]) => ({ reqId, symbol: s.st.symbol, channel: s.channel }));
  }

  // ---- subscriptions ----

  #subscribe(): void {
    const api = this.#session.api;
    const ch = this.#o.channels ?? {};
    const type = this.#o.marketDataType ?? 'live';
    if (type !== 'live') api.reqMarketDataType(MARKET_DATA_TYPE[type] as never);
    for (const st of this.#states.values()) {
      const contract = this.#symbols.toContract(st.spec);
      st.bid = st.ask = st.bidSize = st.askSize = NaN;
      if (ch.quotes ?? true) {
        const id = this.#add(st, 'quotes');
        if (this.#o.quoteSource === 'tick-by-tick') api.reqTickByTickData(id, contract, 'BidAsk' as never, 0, false);
        else api.reqMktData(id, contract, '', false, false);
      }
      if ((ch.trades ?? true) && st.spec.secType !== 'CASH') api.reqTickByTickData(this.#add(st, 'trades'), contract, 'AllLast' as never, 0, false);
      if (ch.bars ?? true) api.reqRealTimeBars(this.#add(st, 'bars'), contract, 5, whatToShow(st.spec.secType) as never, false);
    }
  }

  #add(st: SymbolState, channel: Channel): number {
    const id = this.#reqId++;
    this.#subs.set(id, { st, channel });
    return id;
  }

  /** Cancels every open subscription (on stop) and forgets them; true when cancels were sent. */
  #cancelAll(): boolean {
    const subs = [...this.#subs];
    this.#subs.clear();
    if (!this.#session.connected || subs.length === 0) return false;
    const api = this.#session.api;
    for (const [id, s] of subs) {
      if (s.channel === 'bars') api.cancelRealTimeBars(id);
      else if (s.channel === 'trades' || this.#o.quoteSource === 'tick-by-tick') api.cancelTickByTickData(id);
      else api.cancelMktData(id);
    }
    return true;
  }

  /** The socket dropped: reconnect with backoff, then subscribe again and fetch the bars missed. */
  async #reconnect(reason: string): Promise<void> {
    if (!this.#running || this.#reconnecting) return;
    this.#reconnecting = true;
    this.#subs.clear();
    this.#history.failAll('the link to TWS closed');
    const base = this.#o.reconnect?.baseMs ?? 1_000;
    const max = this.#o.reconnect?.maxMs ?? 30_000;
    try {
      for (let attempt = 1; this.#running; attempt++) {
        const wait = backoffMs(attempt, base, max);
        this.#status({ kind: 'disconnected', channel: 'all', reason: attempt === 1 ? reason : `reconnect attempt ${attempt - 1} failed`, retryInMs: wait });
        await this.#sleeps.sleep(wait);
        if (!this.#running) return;
        try {
          await this.#session.connect(this.#o.connectTimeoutMs ?? 5_000);
        } catch {
          continue;
        }
        if (!this.#running) {
          await this.#session.disconnect();
          return;
        }
        this.#status({ kind: 'connected' });
        this.#subscribe();
        this.#backfillAll();
        return;
      }
    } finally {
      this.#reconnecting = false;
    }
  }

  // ---- messages ----

  #wire(on: (event: EventName, what: string, fn: (...args: never[]) => void) => void): void {
    on(EventName.tickPrice, 'tickPrice', (reqId: unknown, field: unknown, price: unknown) => {
      const t = parseTickPrice(reqId, field, price);
      const s = this.#sub(t.reqId, 'quotes');
      if (s === undefined) return;
      const delayedOk = (this.#o.marketDataType ?? 'live').startsWith('delayed');
      // -1 (or 0) means IB has no price on that side now: the quote is withheld until it has.
      const px = t.price > 0 ? t.price : NaN;
      if (t.field === BID || (delayedOk && t.field === D_BID)) s.bid = px;
      else if (t.field === ASK || (delayedOk && t.field === D_ASK)) s.ask = px;
      else return;
      this.#queueQuote(s);
    });
    on(EventName.tickSize, 'tickSize', (reqId: unknown, field: unknown, size: unknown) => {
      const t = parseTickSize(reqId, field, size);
      const s = this.#sub(t.reqId, 'quotes');
      if (s === undefined) return;
      const delayedOk = (this.#o.marketDataType ?? 'live').startsWith('delayed');
      if (t.field === BID_SIZE || (delayedOk && t.field === D_BID_SIZE)) s.bidSize = t.size;
      else if (t.field === ASK_SIZE || (delayedOk && t.field === D_ASK_SIZE)) s.askSize = t.size;
      else return;
      this.#queueQuote(s);
    });
    on(EventName.tickByTickBidAsk, 'tickByTickBidAsk', (reqId: unknown, time: unknown, bid: unknown, ask: unknown, bidSize: unknown, askSize: unknown) => {
      const t = parseBidAskTick(reqId, time, bid, ask, bidSize, askSize);
      const s = this.#sub(t.reqId, 'quotes');
      if (s === undefined || !(t.bid > 0 && t.ask > 0)) return;
      this.#fresh();
      this.#deliver('quote', () => this.#sink!.onQuote({ symbol: s.symbol, tsEventMs: t.timeSec * 1000, bid: t.bid, ask: t.ask, bidSize: t.bidSize, askSize: t.askSize }));
    });
    on(EventName.tickByTickAllLast, 'tickByTickAllLast', (reqId: unknown, _type: unknown, time: unknown, price: unknown, size: unknown, _attr: unknown, exchange: unknown) => {
      const t = parseLastTick(reqId, time, price, size, exchange);
      const s = this.#sub(t.reqId, 'trades');
      if (s === undefined) return;
      this.#fresh();
      this.#deliver('trade', () => this.#sink!.onTrade({ symbol: s.symbol, tsEventMs: t.timeSec * 1000, price: t.price, size: t.size, aggressor: 'none', tradeId: '' }));
    });
    on(EventName.realtimeBar, 'realtimeBar', (reqId: unknown, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, volume: unknown) => {
      const b = parseRealtimeBar(reqId, time, open, high, low, close, volume);
      const s = this.#sub(b.reqId, 'bars');
      if (s === undefined) return;
      this.#fresh();
      for (const bar of s.folder.add(b.timeSec * 1000, b.open, b.high, b.low, b.close, b.volume)) this.#bar(s, bar);
    });
    on(EventName.historicalData, 'historicalData', (reqId: unknown, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, volume: unknown) => {
      this.#history.onBar(reqId as number, time, open, high, low, close, volume);
    });
  }

  /** The symbol state a market data message is for, or undefined (a canceled or foreign request). */
  #sub(reqId: number, channel: Channel): SymbolState | undefined {
    const s = this.#subs.get(reqId);
    return s !== undefined && s.channel === channel && this.#sink !== null ? s.st : undefined;
  }

  /** A tickPrice and the tickSize decoded from the same message come together: one quote after both. */
  #queueQuote(s: SymbolState): void {
    this.#fresh();
    if (s.quoteQueued) return;
    s.quoteQueued = true;
    queueMicrotask(() => {
      s.quoteQueued = false;
      if (!this.#running || !(s.bid > 0 && s.ask > 0)) return;
      this.#deliver('quote', () => this.#sink!.onQuote({ symbol: s.symbol, tsEventMs: this.#now(), bid: s.bid, ask: s.ask, bidSize: s.bidSize >= 0 ? s.bidSize : 0, askSize: s.askSize >= 0 ? s.askSize : 0 }));
    });
  }

  #bar(s: SymbolState, b: HistoryBar): void {
    if (!this.#running) return;
    if (s.held !== null) {
      s.held.push(b);
      return;
    }
    if (b.tsMs <= s.lastBarMs) return;
    s.lastBarMs = b.tsMs;
    this.#deliver('bar', () => this.#sink!.onBar(s.symbol, b.tsMs, b.open, b.high, b.low, b.close, b.volume));
  }

  /** Bars closed since the last one sent (after a warm-up or a reconnect), by reqHistoricalData; live bars wait. */
  #backfillAll(): void {
    if (!((this.#o.channels?.bars ?? true) && IB_BAR_SIZES[this.#timeframe] !== undefined)) return;
    for (const s of this.#states.values()) if (!Number.isNaN(s.lastBarMs) && s.held === null) void this.#backfill(s);
  }

  async #backfill(s: SymbolState): Promise<void> {
    s.held = [];
    const from = s.lastBarMs + this.#tfMs;
    const closedBefore = this.#now() - this.#tfMs;
    let sent = 0;
    try {
      if (from <= closedBefore) {
        for (const b of await this.#history.bars(s.symbol, this.#timeframe, from, closedBefore)) {
          if (b.tsMs <= s.lastBarMs || b.tsMs + this.#tfMs > this.#now()) continue;
          s.lastBarMs = b.tsMs;
          sent++;
          this.#deliver('bar', () => this.#sink!.onBar(s.symbol, b.tsMs, b.open, b.high, b.low, b.close, b.volume));
        }
      }
      if (sent > 0) this.#status({ kind: 'backfilled', symbol: s.symbol, bars: sent, fromMs: from, toMs: s.lastBarMs });
    } catch (e) {
      if (this.#running) this.#status({ kind: 'error', reason: `backfill of ${s.symbol} failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      const held = s.held ?? [];
      s.held = null;
      for (const b of held) {
        if (b.tsMs > s.lastBarMs + this.#tfMs && !Number.isNaN(s.lastBarMs)) this.#status({ kind: 'gap', symbol: s.symbol, fromMs: s.lastBarMs + this.#tfMs, toMs: b.tsMs - this.#tfMs });
        this.#bar(s, b);
      }
    }
  }

  #onMessage(code: number, reqId: number, text: string): void {
    if (this.#history.onError(reqId, code, text)) return;
    const sub = this.#subs.get(reqId);
    if (sub !== undefined) return this.#subscriptionError(sub.st.symbol, sub.channel, reqId, code, text);
    if (!this.#running) return;
    if (code === 1100) this.#status({ kind: 'disconnected', channel: 'all', reason: `TWS lost its link to IB (1100): ${text}`, retryInMs: 0 });
    else if (code === 1101) {
      // The link is back but TWS dropped the subscriptions: ask again (fresh ids), and fill the bars missed.
      this.#status({ kind: 'connected' });
      this.#subs.clear();
      this.#subscribe();
      this.#backfillAll();
    } else if (code === 1102) this.#status({ kind: 'connected' });
    else if (FARM_TROUBLE.has(code)) this.#status({ kind: 'error', reason: `IB ${code}: ${text}` });
  }

  #subscriptionError(symbol: string, channel: Channel, reqId: number, code: number, text: string): void {
    if (QUIET.has(code)) return;
    const fatal = FATAL.get(code);
    if (fatal !== undefined) {
      this.#subs.delete(reqId);
      return this.#fail(new InputError(`ib market data for ${symbol} (${channel}): ${fatal} (IB ${code}: ${text})`));
    }
    if (code === 10167 || code === 10090) {
      // Delayed or partial data: said once per symbol, the data that comes is used.
      if (this.#warned.has(`${code}:${symbol}`)) return;
      this.#warned.add(`${code}:${symbol}`);
      return this.#status({ kind: 'error', reason: `${symbol} (${channel}): ${code === 10167 ? 'IB sends delayed market data (15-20 minutes old)' : 'part of the market data is not subscribed'} (IB ${code}: ${text})` });
    }
    this.#status({ kind: 'error', reason: `${symbol} (${channel}): IB ${code}: ${text}` });
  }

  #fail(e: Error): void {
    const end = this.#end;
    this.#end = null;
    this.stop();
    end?.reject(e);
  }

  // ---- health ----

  #fresh(): void {
    this.#lastMessageMs = this.#now();
    if (this.#stale) {
      this.#stale = false;
      this.#status({ kind: 'fresh' });
    }
  }

  /** Staleness, and bars whose period ended without their last 5-second bar. */
  #tick(staleAfterMs: number): void {
    if (!this.#running) return;
    const now = this.#now();
    const grace = this.#o.closeGraceMs ?? 10_000;
    for (const s of this.#states.values()) {
      const b = s.folder.flushBefore(now - grace);
      if (b !== null) this.#bar(s, b);
    }
    if (this.#stale) return;
    const since = now - (Number.isNaN(this.#lastMessageMs) ? this.#startedMs : this.#lastMessageMs);
    if (since >= staleAfterMs) {
      this.#stale = true;
      this.#status({ kind: 'stale', sinceLastMessageMs: since });
    }
  }

  #rejected(reason: string): void {
    this.#status({ kind: 'rejected-frame', reason });
  }

  /** Runs inside the library's socket handler: a sink that throws is reported, never let loose there. */
  #deliver(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#status({ kind: 'error', reason: `the sink failed on a ${what}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  #status(s: FeedStatus): void {
    try {
      this.#o.onStatus?.(s);
    } catch {
      // A listener's failure must not stop the feed.
    }
  }
}

/** The LiveFeed factory the engine wires for `--feed ib`. */
export function createIbFeed(opts: IbFeedOptions): IbLiveFeed {
  return new IbLiveFeed(opts);
}
