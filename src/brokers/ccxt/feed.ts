// A LiveFeed over a venue's public market streams through ccxt.pro (docs/venues/market-data.md): closed bars
// (a kline frame with x=true, once per bar, at its open time), trades and best bid/ask. ccxt.pro keeps the
// sockets and the subscriptions (SUBSCRIBE, pings); every decoded frame passes through `market-parse.ts`
// first, so a malformed one is rejected (reported, naming the field) before ccxt or the sink sees it. A market
// frame the feed has handed to the sink goes no further: ccxt's own parsing of it (tickers, trades, OHLCV caches
// nobody here reads) was two thirds of the cost of each frame, and with 500 symbols a bar waits behind the
// frames before it. Only while a channel is coming back from a drop does ccxt see its frames too: the first
// one resolves the watch, which is how the loop knows the channel is up again.
// When a socket drops, the watch loops reconnect and resubscribe, and bars missed meanwhile are fetched over
// REST (fetchOHLCV since the last bar sent): per symbol, bars reach the sink in time order, none twice, none
// lost (a bar after a gap waits until the gap is filled).
import { Sleeps } from '../../core/sleeps.ts';
import type { Exchange } from 'ccxt';
import { ConfigError, InputError } from '../../core/errors.ts';
import type { LiveFeed, MarketSink, WarmupBar } from '../../data/live/feed.ts';
import { backoffMs, withRetry } from '../shared/retry.ts';
import { redact, redactError } from '../shared/credentials.ts';
import { BINANCE_FAMILY, checkExchangeId, isRetryableRead, makeRestExchange, makeStreamingExchange, type MarketSpec } from './market-exchange.ts';
import { parseBinanceFrame, parseOhlcvRows, type KlineMsg, type OhlcvRow } from './market-parse.ts';
import { CacheReader, planStreams, watchCalls, type StreamPlan } from './unified-watch.ts';

export interface CcxtFeedOptions {
  /**
   * A ccxt.pro exchange id; default 'binance'. The Binance family (binance, binanceus) is read off the socket;
   * any other through ccxt.pro's unified watch methods (unified-watch.ts).
   */
  readonly exchangeId?: string;
  /** Unified symbols (`BTC/USDT`); the sink hears these names. */
  readonly symbols: readonly string[];
  /** Bar length, a ccxt timeframe (`1m`, `1h`, ...); default 1m. */
  readonly timeframe?: string;
  /** REST origin override (history backfill, markets). */
  readonly baseUrl?: string;
  /** WebSocket market-stream url override. */
  readonly streamUrl?: string;
  /** Optional: public data needs no keys. Never logged. */
  readonly apiKey?: string;
  readonly secret?: string;
  /** Markets handed in (no exchangeInfo call). */
  readonly markets?: readonly MarketSpec[];
  /**
   * Send bars from this open time on: the closed ones before the stream's first are fetched by REST
   * first (warm-up, or a restarted node continuing after the last bar it handled: none lost, none twice).
   */
  readonly sinceMs?: number;
  /** Which streams to subscribe; default all three. */
  readonly channels?: { readonly bars?: boolean; readonly trades?: boolean; readonly quotes?: boolean };
  /** No market frame for this long means stale (status 'stale'); default 30 s. */
  readonly staleAfterMs?: number;
  /** Told of connection, staleness, rejected frames, backfills and errors. */
  readonly onStatus?: (s: FeedStatus) => void;
  /** Clock (tests); default Date.now. A REST bar counts as closed once its period has ended by it. */
  readonly nowMs?: () => number;
  /**
   * A REST bar counts as closed only this long after its period ended (default 3 s): a clock ahead of the
   * venue's must not take the still-forming bar for a closed one. A bar skipped so is sent when its
   * stream frame comes, or by the next backfill.
   */
  readonly closeGraceMs?: number;
  /** Reconnect backoff base and cap in ms (ccxt.pro's redial and the watch loops'); default 1000 and 30 000. */
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
}

export type FeedStatus =
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected'; readonly channel: string; readonly reason: string; readonly retryInMs: number }
  | { readonly kind: 'stale'; readonly sinceLastMessageMs: number }
  | { readonly kind: 'fresh' }
  | { readonly kind: 'rejected-frame'; readonly reason: string }
  | { readonly kind: 'backfilled'; readonly symbol: string; readonly bars: number; readonly fromMs: number; readonly toMs: number }
  | { readonly kind: 'gap'; readonly symbol: string; readonly fromMs: number; readonly toMs: number }
  | { readonly kind: 'error'; readonly reason: string };

export interface FeedHealth {
  /** Epoch ms of the last market frame received; NaN before the first. */
  readonly lastMessageMs: number;
  /** Time since the last market frame (since start before the first). */
  readonly sinceLastMessageMs: number;
  readonly stale: boolean;
  /** Socket losses seen by the watch loops (each channel counts its own). */
  readonly reconnects: number;
  readonly rejectedFrames: number;
  readonly backfilledBars: number;
  readonly duplicateBars: number;
  readonly barsSent: number;
}

interface SymbolState {
  readonly symbol: string;
  lastBarMs: number;
  /** Open time of the newest still-forming bar the stream showed (bars at or after it are not closed). */
  formingMs: number;
  readonly pending: Map<number, OhlcvRow>;
  filling: Promise<void> | null;
}

const REST_PAGE = 1000;
/** The watch loop each kind of market frame resolves. */
const CHANNEL_OF = { kline: 'bars', trade: 'trades', bookTicker: 'quotes' } as const;

export class CcxtFeed implements LiveFeed {
  readonly name: string;
  readonly #o: CcxtFeedOptions;
  readonly #exchangeId: string;
  readonly #timeframe: string;
  readonly #now: () => number;
  readonly #byId = new Map<string, SymbolState>();
  readonly #bySymbol = new Map<string, SymbolState>();
  /** Open time of the last warm-up bar of each symbol: the live bars continue right after it. */
  readonly #warmedTo = new Map<string, number>();
  #tfMs = 0;
  #ex: Exchange | null = null;
  #sink: MarketSink | null = null;
  #running = false;
  #startedMs = 0;
  #lastMessageMs = NaN;
  #stale = false;
  #reconnects = 0;
  #rejected = 0;
  #backfilled = 0;
  #duplicates = 0;
  #barsSent = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped: (() => void) | null = null;
  readonly #sleeps = new Sleeps();
  /** Channels whose watch failed and has not returned data since: their frames go on to ccxt (see the file comment). */
  readonly #recovering = new Set<string>();
  /** Told when a watch loop loses its socket (the unified path forgets the candle forming then). */
  #onDrop: ((channel: string) => void) | null = null;

  constructor(opts: CcxtFeedOptions) {
    this.#exchangeId = opts.exchangeId ?? 'binance';
    checkExchangeId(this.#exchangeId, { streaming: true });
    if (opts.symbols.length === 0) throw new ConfigError('no symbols to stream', { field: 'symbols' });
    this.#o = opts;
    this.#timeframe = opts.timeframe ?? '1m';
    this.#now = opts.nowMs ?? Date.now;
    this.name = `ccxt:${this.#exchangeId}`;
  }

  health(): FeedHealth {
    const now = this.#now();
    return {
      lastMessageMs: this.#lastMessageMs,
      sinceLastMessageMs: now - (Number.isNaN(this.#lastMessageMs) ? this.#startedMs : this.#lastMessageMs),
      stale: this.#stale,
      reconnects: this.#reconnects,
      rejectedFrames: this.#rejected,
      backfilledBars: this.#backfilled,
      duplicateBars: this.#duplicates,
      barsSent: this.#barsSent,
    };
  }

  async start(sink: MarketSink): Promise<void> {
    if (this.#running) throw new ConfigError('the feed is already running', { field: 'feed' });
    this.#sink = sink;
    this.#running = true;
    this.#startedMs = this.#now();
    // The Binance family's frames are read off the socket (tap); other exchanges through ccxt's unified watches.
    const binance = BINANCE_FAMILY.has(this.#exchangeId);
    const ex = await makeStreamingExchange({
      exchangeId: this.#exchangeId, baseUrl: this.#o.baseUrl, streamUrl: this.#o.streamUrl, apiKey: this.#o.apiKey, secret: this.#o.secret, markets: this.#o.markets,
      wsBackoff: { base: this.#o.reconnectBaseMs ?? 1_000, max: this.#o.reconnectMaxMs ?? 30_000 },
    }, binance ? (m) => this.#tap(m) : () => true);
    this.#ex = ex;
    const ch = this.#o.channels ?? {};
    const want = { bars: ch.bars ?? true, trades: ch.trades ?? true, quotes: ch.quotes ?? true };
    let plan: StreamPlan = {};
    try {
      if (!binance) plan = planStreams(ex, want);
      await this.#loadMarkets(ex);
      if (!(this.#timeframe in ex.timeframes)) throw new ConfigError(`timeframe "${this.#timeframe}" is not one of ${ex.id}'s: ${Object.keys(ex.timeframes).join(', ')}`, { field: 'timeframe' });
      this.#tfMs = ex.parseTimeframe(this.#timeframe) * 1000;
      for (const symbol of this.#o.symbols) {
        if (ex.markets === undefined || !(symbol in ex.markets)) throw new ConfigError(`unknown symbol "${symbol}" at ${ex.id}`, { field: 'symbols' });
        // A feed started again keeps where each symbol's bars were, so none is sent twice.
        const from = this.#warmedTo.get(symbol) ?? (this.#o.sinceMs === undefined ? NaN : this.#o.sinceMs - this.#tfMs);
        const st: SymbolState = this.#bySymbol.get(symbol) ?? { symbol, lastBarMs: from, formingMs: NaN, pending: new Map(), filling: null };
        this.#bySymbol.set(symbol, st);
        this.#byId.set(String(ex.market(symbol).id), st);
      }
    } catch (e) {
      this.#running = false;
      await ex.close();
      throw e;
    }
    if (!this.#running) {
      // stop() came while markets were loading.
      await ex.close();
      return;
    }
    const stale = this.#o.staleAfterMs ?? 30_000;
    this.#timer = setInterval(() => this.#checkStale(stale), Math.max(10, Math.min(1000, stale / 4)));
    const symbols = [...this.#o.symbols];
    const loops: Promise<void>[] = [];
    if (binance) {
      if (want.bars) loops.push(this.#loop('bars', () => ex.watchOHLCVForSymbols(symbols.map((s) => [s, this.#timeframe]))));
      if (want.trades) loops.push(this.#loop('trades', () => ex.watchTradesForSymbols(symbols)));
      if (want.quotes) loops.push(this.#loop('quotes', () => ex.watchBidsAsks(symbols)));
    } else {
      const reader = this.#cacheReader(ex, plan);
      this.#onDrop = (channel) => {
        if (channel === 'bars') reader.dropped();
      };
      for (const w of watchCalls(ex, plan, symbols, this.#timeframe)) {
        loops.push(this.#loop(w.channel, async () => {
          await w.call();
          this.#fresh();
          reader.read(w.channel);
        }));
      }
    }
    // After a warm-up (or from sinceMs): the bars closed since come by REST before the stream's.
    this.#backfillAll();
    const stopped = new Promise<void>((r) => (this.#stopped = r));
    await Promise.race([Promise.all(loops), stopped]);
    await Promise.allSettled(loops);
  }

  /**
   * The last `bars` closed bars of each symbol by REST, oldest first across symbols (LiveFeed.warmup: a node
   * replays them before it trades). A later start() continues right after the last of them: the bars that
   * close in between come by REST first, so the warm-up and the live bars join with none lost or doubled.
   */
  async warmup(bars: number): Promise<WarmupBar[]> {
    if (!(bars > 0)) return [];
    const ex = makeRestExchange({
      exchangeId: this.#exchangeId, baseUrl: this.#o.baseUrl, apiKey: this.#o.apiKey, secret: this.#o.secret, markets: this.#o.markets,
    });
    try {
      if (!this.#o.markets?.length) {
        await withRetry((attempt) => ex.loadMarkets(attempt > 1), { attempts: 5, baseMs: 250, maxMs: 5_000, isRetryable: isRetryableRead });
      }
      if (!(this.#timeframe in ex.timeframes)) throw new ConfigError(`timeframe "${this.#timeframe}" is not one of ${ex.id}'s: ${Object.keys(ex.timeframes).join(', ')}`, { field: 'timeframe' });
      const tf = ex.parseTimeframe(this.#timeframe) * 1000;
      const closedBefore = this.#now() - tf - (this.#o.closeGraceMs ?? 3_000);
      const out: WarmupBar[] = [];
      for (const symbol of this.#o.symbols) {
        if (ex.markets === undefined || !(symbol in ex.markets)) throw new ConfigError(`unknown symbol "${symbol}" at ${ex.id}`, { field: 'symbols' });
        const got: OhlcvRow[] = [];
        let since = closedBefore - bars * tf;
        for (let pages = 0; pages < 100; pages++) {
          const raw = await withRetry(() => ex.fetchOHLCV(symbol, this.#timeframe, since, Math.min(REST_PAGE, bars + 1)), {
            attempts: 6, baseMs: 250, maxMs: 5_000, isRetryable: isRetryableRead,
          });
          const rows = parseOhlcvRows(raw, `${ex.id} fetchOHLCV ${symbol}`).filter((r) => r[0] >= since && r[0] <= closedBefore);
          if (rows.length === 0) break;
          got.push(...rows);
          since = rows[rows.length - 1]![0] + tf;
          if (since > closedBefore) break;
        }
        const last = got.slice(-bars);
        if (last.length > 0) this.#warmedTo.set(symbol, last[last.length - 1]![0]);
        for (const r of last) out.push({ symbol, tsMs: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5] });
      }
      // Oldest first across symbols (stable: symbols keep their order at equal times).
      return out.sort((a, b) => a.tsMs - b.tsMs);
    } catch (e) {
      throw redactError(e, [this.#o.apiKey, this.#o.secret]);
    } finally {
      await ex.close();
    }
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#sleeps.wakeAll();
    const ex = this.#ex;
    void (ex ? ex.close() : Promise.resolve()).catch(() => {}).finally(() => this.#stopped?.());
  }

  // A failed loadMarkets() stays cached in ccxt: a retry must pass reload=true.
  async #loadMarkets(ex: Exchange): Promise<void> {
    if (this.#o.markets?.length) return;
    await withRetry((attempt) => ex.loadMarkets(attempt > 1), {
      attempts: 5, baseMs: 250, maxMs: 5_000, isRetryable: (e) => this.#running && isRetryableRead(e),
    });
  }

  /** Keeps one watch subscribed: each call returns after an update; an error means the socket went. */
  async #loop(channel: string, watch: () => Promise<unknown>): Promise<void> {
    let failures = 0;
    while (this.#running) {
      try {
        await watch();
        if (failures > 0) {
          failures = 0;
          this.#recovering.delete(channel);
          this.#status({ kind: 'connected' });
          if (channel === 'bars') this.#backfillAll();
        }
      } catch (e) {
        if (!this.#running) return;
        failures++;
        this.#recovering.add(channel);
        this.#onDrop?.(channel);
        this.#reconnects++;
        const wait = backoffMs(failures, this.#o.reconnectBaseMs ?? 1_000, this.#o.reconnectMaxMs ?? 30_000);
        this.#status({ kind: 'disconnected', channel, reason: this.#reason(e), retryInMs: wait });
        if (channel === 'bars') this.#backfillAll();
        await this.#sleeps.sleep(wait);
      }
    }
  }

  /** Every decoded frame: market data to the sink; false keeps a malformed frame from ccxt. */
  #tap(message: unknown): boolean {
    let msg;
    try {
      msg = parseBinanceFrame(message);
    } catch (e) {
      this.#rejected++;
      this.#status({ kind: 'rejected-frame', reason: this.#reason(e) });
      return false;
    }
    if (msg.kind === 'other' || this.#sink === null) return true;
    const st = this.#byId.get(msg.id);
    if (st === undefined) return true;
    this.#fresh();
    // This runs inside ccxt's socket handler: a sink that throws is reported, never let loose there.
    try {
      if (msg.kind === 'kline') this.#kline(st, msg); // (bars guard their own sink call)
      else if (msg.kind === 'trade') {
        this.#sink.onTrade({ symbol: st.symbol, tsEventMs: msg.tsMs, price: msg.price, size: msg.size, aggressor: msg.buyerIsMaker ? 'seller' : 'buyer', tradeId: msg.tradeId });
      } else {
        this.#sink.onQuote({ symbol: st.symbol, tsEventMs: this.#now(), bid: msg.bid, ask: msg.ask, bidSize: msg.bidSize, askSize: msg.askSize });
      }
    } catch (e) {
      this.#status({ kind: 'error', reason: `the sink failed on a ${msg.kind}: ${this.#reason(e)}` });
    }
    return this.#recovering.has(CHANNEL_OF[msg.kind]);
  }

  /** Reads ccxt's caches after each unified watch (exchanges outside the Binance family) into the sink. */
  #cacheReader(ex: Exchange, plan: StreamPlan): CacheReader {
    const guard = (what: string, f: () => void): void => {
      try {
        f();
      } catch (e) {
        this.#status({ kind: 'error', reason: `the sink failed on a ${what}: ${this.#reason(e)}` });
      }
    };
    return new CacheReader(ex, this.#o.symbols, this.#timeframe, plan.quotes === 'watchBidsAsks' ? 'bidsasks' : 'tickers', {
      forming: (symbol, openMs) => {
        const st = this.#bySymbol.get(symbol)!;
        if (!(openMs <= st.formingMs)) st.formingMs = openMs;
      },
      closedBar: (symbol, bar) => {
        const st = this.#bySymbol.get(symbol)!;
        if (bar[0] > st.lastBarMs || Number.isNaN(st.lastBarMs)) this.#closedBar(st, bar);
      },
      trade: (symbol, t) => guard('trade', () => this.#sink?.onTrade({ symbol, tsEventMs: t.tsMs, price: t.price, size: t.size, aggressor: t.side === 'buy' ? 'buyer' : t.side === 'sell' ? 'seller' : 'none', tradeId: t.id })),
      quote: (symbol, q) => guard('quote', () => this.#sink?.onQuote({ symbol, tsEventMs: q.tsMs ?? this.#now(), bid: q.bid, ask: q.ask, bidSize: q.bidSize, askSize: q.askSize })),
      rejected: (reason) => {
        this.#rejected++;
        this.#status({ kind: 'rejected-frame', reason });
      },
    });
  }

  #fresh(): void {
    this.#lastMessageMs = this.#now();
    if (this.#stale) {
      this.#stale = false;
      this.#status({ kind: 'fresh' });
    }
  }

  #checkStale(afterMs: number): void {
    if (!this.#running || this.#stale) return;
    const since = this.health().sinceLastMessageMs;
    if (since >= afterMs) {
      this.#stale = true;
      this.#status({ kind: 'stale', sinceLastMessageMs: since });
    }
  }

  #kline(st: SymbolState, k: KlineMsg): void {
    if (k.interval !== this.#timeframe) return;
    if (!k.closed) {
      if (!(k.openMs <= st.formingMs)) st.formingMs = k.openMs;
      return;
    }
    this.#closedBar(st, [k.openMs, k.open, k.high, k.low, k.close, k.volume]);
  }

  #closedBar(st: SymbolState, bar: OhlcvRow): void {
    const t = bar[0];
    if (t <= st.lastBarMs || st.pending.has(t)) {
      this.#duplicates++;
      return;
    }
    if (st.filling !== null || (!Number.isNaN(st.lastBarMs) && t > st.lastBarMs + this.#tfMs)) {
      st.pending.set(t, bar);
      void this.#backfill(st);
      return;
    }
    this.#emit(st, bar);
  }

  #emit(st: SymbolState, b: OhlcvRow): void {
    st.lastBarMs = b[0];
    if (b[0] >= st.formingMs) st.formingMs = NaN;
    this.#barsSent++;
    try {
      this.#sink!.onBar(st.symbol, b[0], b[1], b[2], b[3], b[4], b[5]);
    } catch (e) {
      this.#status({ kind: 'error', reason: `the sink failed on the ${st.symbol} bar at ${new Date(b[0]).toISOString()}: ${this.#reason(e)}` });
    }
  }

  #backfillAll(): void {
    for (const st of this.#bySymbol.values()) if (!Number.isNaN(st.lastBarMs)) void this.#backfill(st);
  }

  /** REST pages since the last bar sent, up to the last closed bar; then the bars that waited. */
  #backfill(st: SymbolState): Promise<void> {
    if (st.filling !== null) return st.filling;
    const run = async (): Promise<void> => {
      const ex = this.#ex!;
      const from = st.lastBarMs + this.#tfMs;
      let fetched = 0;
      try {
        for (let pages = 0; this.#running && pages < 100; pages++) {
          const since = st.lastBarMs + this.#tfMs;
          const raw = await withRetry(() => ex.fetchOHLCV(st.symbol, this.#timeframe, since, REST_PAGE), {
            attempts: 6, baseMs: 250, maxMs: 5_000, isRetryable: (e) => this.#running && isRetryableRead(e), sleep: (ms) => this.#sleeps.sleep(ms),
          });
          const rows = parseOhlcvRows(raw, `${ex.id} fetchOHLCV ${st.symbol}`);
          const closedBefore = Math.min(this.#now() - this.#tfMs - (this.#o.closeGraceMs ?? 3_000), Number.isNaN(st.formingMs) ? Infinity : st.formingMs - 1);
          let sent = 0;
          for (const r of rows) {
            if (r[0] <= st.lastBarMs || r[0] > closedBefore) continue;
            st.pending.delete(r[0]);
            this.#emit(st, r);
            sent++;
          }
          fetched += sent;
          // Binance answers up to REST_PAGE bars, so a shorter page is the last; other venues cap pages lower
          // (OKX: 300), so they are asked again until nothing new comes.
          if (sent === 0 || (rows.length < REST_PAGE && BINANCE_FAMILY.has(this.#exchangeId))) break;
        }
      } catch (e) {
        if (this.#running) this.#status({ kind: 'error', reason: `backfill of ${st.symbol} failed: ${this.#reason(e)}` });
      }
      if (fetched > 0) {
        this.#backfilled += fetched;
        this.#status({ kind: 'backfilled', symbol: st.symbol, bars: fetched, fromMs: from, toMs: st.lastBarMs });
      }
      // Bars that came by stream meanwhile, in time order; a hole REST could not fill is reported, not waited on forever.
      for (const t of [...st.pending.keys()].sort((a, b) => a - b)) {
        const bar = st.pending.get(t)!;
        st.pending.delete(t);
        if (t <= st.lastBarMs) continue;
        if (!Number.isNaN(st.lastBarMs) && t > st.lastBarMs + this.#tfMs) this.#status({ kind: 'gap', symbol: st.symbol, fromMs: st.lastBarMs + this.#tfMs, toMs: t - this.#tfMs });
        this.#emit(st, bar);
      }
    };
    st.filling = run()
      .catch((e: unknown) => this.#status({ kind: 'error', reason: `backfill of ${st.symbol} failed: ${this.#reason(e)}` }))
      .finally(() => (st.filling = null));
    return st.filling;
  }

  #reason(e: unknown): string {
    const text = e instanceof InputError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return redact(text, [this.#o.apiKey, this.#o.secret]);
  }

  #status(s: FeedStatus): void {
    try {
      this.#o.onStatus?.(s);
    } catch {
      // A listener's failure must not stop the feed.
    }
  }
}

/** The LiveFeed factory the engine wires (exchange `binance` unless told). */
export function createCcxtFeed(opts: CcxtFeedOptions): CcxtFeed {
  return new CcxtFeed(opts);
}
