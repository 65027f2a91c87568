// Alpaca market data as a LiveFeed (src/data/live/feed.ts): the SDK's StockDataStream (`/v2/<feed>`) for
// equities and CryptoDataStream (`/v1beta3/crypto/us`) for 'BASE/QUOTE' pairs, msgpack frames, with the
// SDK's reconnect and re-subscription. Minute bars ('b', sent once the minute has closed), quotes and
// trades are checked at the boundary (finite prices, sizes, a time) before they reach the sink; a frame
// that fails is logged naming the field and skipped, never passed on and never a crash.
import { streaming } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { LiveFeed, MarketSink, WarmupBar } from '../../data/live/feed.ts';
import { readCredentials, redact } from '../shared/credentials.ts';
import { AlpacaHistory } from './history.ts';
import { isCrypto, toAlpacaSymbol } from './symbols.ts';

export interface AlpacaFeedOptions {
  readonly symbols: readonly string[];
  /** Default: env APCA_API_KEY_ID / APCA_API_SECRET_KEY. */
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What to push (default: bars only). */
  readonly bars?: boolean;
  readonly quotes?: boolean;
  readonly trades?: boolean;
  /** Equities feed: 'iex' (free) or 'sip' (default 'iex'). */
  readonly feed?: 'iex' | 'sip';
  /** Endpoint overrides (the fake server; default Alpaca's). */
  readonly stockUrl?: string;
  readonly cryptoUrl?: string;
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  /** Market Data REST host for warm-up bars (default Alpaca's). */
  readonly dataUrl?: string;
  /** Bars of warm-up: Alpaca's timeframe (default '1Min', the stream's bars) and how far back to look (default 7 days). */
  readonly warmupTimeframe?: string;
  readonly warmupLookbackMs?: number;
  readonly clock?: () => number;
  readonly log?: (line: string) => void;
}

const finite = z.number().finite();
const positive = finite.positive();
const when = z.date().refine((d) => Number.isFinite(d.getTime()), 'invalid time');
const BarSchema = z.looseObject({ symbol: z.string().min(1), open: positive, high: positive, low: positive, close: positive, volume: finite.nonnegative(), timestamp: when });
const QuoteSchema = z.looseObject({ symbol: z.string().min(1), bidPrice: finite.nonnegative(), askPrice: finite.nonnegative(), bidSize: finite.nonnegative(), askSize: finite.nonnegative(), timestamp: when });
const TradeSchema = z.looseObject({ symbol: z.string().min(1), price: positive, size: finite.nonnegative(), timestamp: when, idRaw: z.string().optional(), takerSide: z.string().optional() });

/** The first issue of a failed parse as `field "x": message`. */
function problem(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `field "${i.path.map(String).join('.') || '(frame)'}": ${i.message}`;
}

export class AlpacaLiveFeed implements LiveFeed {
  readonly name = 'alpaca';
  readonly #streams: streaming.MarketDataStream[] = [];
  readonly #secrets: string[];
  readonly #history: AlpacaHistory;
  #stopped: (() => void) | null = null;

  constructor(private readonly opts: AlpacaFeedOptions) {
    const creds = opts.keyId !== undefined && opts.secretKey !== undefined ? { key: opts.keyId, secret: opts.secretKey } : readCredentials(opts.env ?? process.env, 'APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', { required: true, what: 'Alpaca market data' })!;
    this.#secrets = [creds.key, creds.secret];
    this.#history = new AlpacaHistory({ keyId: creds.key, secretKey: creds.secret, ...(opts.dataUrl !== undefined && { dataUrl: opts.dataUrl }), ...(opts.feed !== undefined && { feed: opts.feed }) });
    const common = {
      credentials: { keyId: creds.key, secret: creds.secret },
      maxReconnectAttempts: streaming.UNLIMITED_RECONNECT_ATTEMPTS,
      initialReconnectMs: opts.reconnect?.initialMs ?? 1_000,
      maxReconnectMs: opts.reconnect?.maxMs ?? 30_000,
    };
    const stocks = opts.symbols.filter((s) => !isCrypto(s)).map(toAlpacaSymbol);
    const crypto = opts.symbols.filter(isCrypto).map(toAlpacaSymbol);
    if (stocks.length > 0) this.#streams.push(this.#subscribe(new streaming.StockDataStream({ ...common, feed: opts.feed ?? 'iex', ...(opts.stockUrl !== undefined && { url: opts.stockUrl }) }), stocks));
    if (crypto.length > 0) this.#streams.push(this.#subscribe(new streaming.CryptoDataStream({ ...common, ...(opts.cryptoUrl !== undefined && { url: opts.cryptoUrl }) }), crypto));
  }

  #subscribe(s: streaming.MarketDataStream, symbols: string[]): streaming.MarketDataStream {
    // Subscriptions made before connecting are sent after each authentication (reconnects too).
    if (this.opts.bars ?? true) s.subscribeForBars(symbols);
    if (this.opts.quotes ?? false) s.subscribeForQuotes(symbols);
    if (this.opts.trades ?? false) s.subscribeForTrades(symbols);
    s.onError((m) => this.#log(`market data: ${m}`));
    return s;
  }

  /** The last `bars` closed bars of each symbol (REST, paged), oldest first across symbols. */
  async warmup(bars: number): Promise<WarmupBar[]> {
    const now = (this.opts.clock ?? Date.now)();
    const from = now - (this.opts.warmupLookbackMs ?? 7 * 86_400_000);
    const tf = this.opts.warmupTimeframe ?? '1Min';
    const all = (await Promise.all(this.opts.symbols.map((s) => this.#history.bars(s, tf, from, now, bars)))).flat();
    return all.sort((a, b) => a.tsMs - b.tsMs || (a.symbol < b.symbol ? -1 : 1));
  }

  /** Pushes data into `sink` until stop(); rejects when a stream cannot authenticate. */
  async start(sink: MarketSink): Promise<void> {
    const done = new Promise<void>((resolve) => (this.#stopped = resolve));
    for (const s of this.#streams) {
      s.onBar((b) => {
        const r = BarSchema.safeParse(b);
        if (!r.success) return this.#log(`market data: bar skipped: ${problem(r.error)}`);
        const v = r.data;
        sink.onBar(v.symbol, v.timestamp.getTime(), v.open, v.high, v.low, v.close, v.volume);
      });
      s.onQuote((q) => {
        const r = QuoteSchema.safeParse(q);
        if (!r.success) return this.#log(`market data: quote skipped: ${problem(r.error)}`);
        const v = r.data;
        sink.onQuote({ symbol: v.symbol, tsEventMs: v.timestamp.getTime(), bid: v.bidPrice, ask: v.askPrice, bidSize: v.bidSize, askSize: v.askSize });
      });
      s.onTrade((t) => {
        const r = TradeSchema.safeParse(t);
        if (!r.success) return this.#log(`market data: trade skipped: ${problem(r.error)}`);
        const v = r.data;
        const aggressor = v.takerSide === 'B' ? 'buyer' : v.takerSide === 'S' ? 'seller' : 'none';
        sink.onTrade({ symbol: v.symbol, tsEventMs: v.timestamp.getTime(), price: v.price, size: v.size, aggressor, tradeId: v.idRaw ?? '' });
      });
      s.connect();
    }
    const auth = await Promise.all(this.#streams.map((s) => s.waitForAuthenticationResult(15_000)));
    const failed = auth.find((a) => !a.authenticated);
    if (failed !== undefined) {
      this.stop();
      throw new Error(redact(`alpaca market data: ${failed.status}: ${failed.message}`, this.#secrets));
    }
    return done;
  }

  stop(): void {
    for (const s of this.#streams) s.disconnect();
    this.#stopped?.();
    this.#stopped = null;
  }

  #log(line: string): void {
    this.opts.log?.(redact(line, this.#secrets));
  }
}

/** The factory the engine calls for a live node's market data. */
export function createAlpacaLiveFeed(opts: AlpacaFeedOptions): LiveFeed {
  return new AlpacaLiveFeed(opts);
}
