// The live feed's path for ccxt.pro exchanges outside the Binance family (OKX, Kraken, Bybit, ...): ccxt's
// unified watch methods, chosen by `exchange.has` (the `...ForSymbols` variants when the exchange has them,
// one call per symbol otherwise), and a reader that takes what is new out of ccxt's caches after each watch
// resolves. Reading the caches rather than a watch's return value matters: updates of several symbols that
// arrive before the loop calls again resolve one future, but all of them are in the caches.
// Closed bars: ccxt's candles carry no "closed" flag, so a candle counts as closed once the venue sends
// the first update of a later one (the newest candle is the one still forming).
import type { Exchange } from 'ccxt';
import { ConfigError } from '../../core/errors.ts';
import type { OhlcvRow } from './market-parse.ts';

export type Channel = 'bars' | 'trades' | 'quotes';

export interface StreamPlan {
  readonly bars?: 'watchOHLCVForSymbols' | 'watchOHLCV';
  readonly trades?: 'watchTradesForSymbols' | 'watchTrades';
  readonly quotes?: 'watchBidsAsks' | 'watchTickers' | 'watchTicker';
}

const CHOICES = {
  bars: ['watchOHLCVForSymbols', 'watchOHLCV'],
  trades: ['watchTradesForSymbols', 'watchTrades'],
  quotes: ['watchBidsAsks', 'watchTickers', 'watchTicker'],
} as const;

/** The watch method of each wanted channel; a ConfigError naming the exchange when it has none. */
export function planStreams(ex: Exchange, want: Readonly<Record<Channel, boolean>>): StreamPlan {
  const has = ex.has as Record<string, unknown>;
  const plan: Record<string, string> = {};
  const missing: string[] = [];
  for (const ch of ['bars', 'trades', 'quotes'] as const) {
    if (!want[ch]) continue;
    const m = CHOICES[ch].find((name) => has[name] === true || has[name] === 'emulated');
    if (m === undefined) missing.push(`${ch} (${CHOICES[ch].join(' / ')})`);
    else plan[ch] = m;
  }
  if (missing.length > 0) {
    throw new ConfigError(`ccxt.pro's ${ex.id} cannot stream ${missing.join(', ')}: the live feed needs them (turn those channels off, or use another exchange's feed)`, { field: 'exchangeId' });
  }
  return plan as StreamPlan;
}

type Watcher = Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>;

/** The watch calls to keep going: one for a `...ForSymbols` method (or watchTickers / watchBidsAsks), else one per symbol. */
export function watchCalls(ex: Exchange, plan: StreamPlan, symbols: readonly string[], timeframe: string): { channel: Channel; call: () => Promise<unknown> }[] {
  const w = ex as unknown as Watcher;
  const out: { channel: Channel; call: () => Promise<unknown> }[] = [];
  const list = [...symbols];
  if (plan.bars === 'watchOHLCVForSymbols') out.push({ channel: 'bars', call: () => w.watchOHLCVForSymbols!.call(ex, list.map((s) => [s, timeframe])) });
  else if (plan.bars === 'watchOHLCV') for (const s of list) out.push({ channel: 'bars', call: () => w.watchOHLCV!.call(ex, s, timeframe) });
  if (plan.trades === 'watchTradesForSymbols') out.push({ channel: 'trades', call: () => w.watchTradesForSymbols!.call(ex, list) });
  else if (plan.trades === 'watchTrades') for (const s of list) out.push({ channel: 'trades', call: () => w.watchTrades!.call(ex, s) });
  if (plan.quotes === 'watchBidsAsks' || plan.quotes === 'watchTickers') out.push({ channel: 'quotes', call: () => w[plan.quotes!]!.call(ex, list) });
  else if (plan.quotes === 'watchTicker') for (const s of list) out.push({ channel: 'quotes', call: () => w.watchTicker!.call(ex, s) });
  return out;
}

export interface CacheEvents {
  closedBar(symbol: string, bar: OhlcvRow): void;
  /** Open time of the candle still forming. */
  forming(symbol: string, openMs: number): void;
  trade(symbol: string, t: { tsMs: number; price: number; size: number; side: 'buy' | 'sell' | undefined; id: string }): void;
  quote(symbol: string, q: { tsMs: number | undefined; bid: number; ask: number; bidSize: number; askSize: number }): void;
  rejected(reason: string): void;
}

interface Seen {
  /** Newest candle open time looked at as closed (each is checked once). */
  closedMs: number;
  /** The last trade object taken from ccxt's cache, and the newest time and the ids at it (the fallback). */
  lastTrade: Trade | undefined;
  tradeMs: number;
  tradeIds: Set<string>;
  quote: unknown;
  /** The values of the candle forming when the socket dropped: the cache may lack the updates missed since. */
  stale: Candle | undefined;
}

type Candle = readonly unknown[];
type Trade = { timestamp?: unknown; price?: unknown; amount?: unknown; side?: unknown; id?: unknown };
type Ticker = { timestamp?: unknown; bid?: unknown; ask?: unknown; bidVolume?: unknown; askVolume?: unknown };
type Caches = { ohlcvs?: Record<string, Record<string, Candle[] | undefined> | undefined>; trades?: Record<string, Trade[] | undefined>; bidsasks?: Record<string, Ticker | undefined>; tickers?: Record<string, Ticker | undefined> };

const OHLCV_FIELDS = ['open time', 'open', 'high', 'low', 'close', 'volume'];

/** Takes the new bars, trades and quotes out of a ccxt.pro exchange's caches, checked at the boundary. */
export class CacheReader {
  readonly #seen = new Map<string, Seen>();

  constructor(private readonly ex: Exchange, private readonly symbols: readonly string[], private readonly timeframe: string, private readonly quoteCache: 'bidsasks' | 'tickers', private readonly on: CacheEvents) {
    for (const s of symbols) this.#seen.set(s, { closedMs: -Infinity, lastTrade: undefined, tradeMs: -Infinity, tradeIds: new Set(), quote: undefined, stale: undefined });
  }

  read(channel: Channel): void {
    for (const s of this.symbols) {
      if (channel === 'bars') this.#bars(s);
      else if (channel === 'trades') this.#trades(s);
      else this.#quote(s);
    }
  }

  /**
   * The socket went: a candle forming then is not taken from the cache unless the venue updated it after the
   * reconnect (else the backfill, or the next closed bar finding the hole, brings it by REST).
   */
  dropped(): void {
    for (const s of this.symbols) {
      const candles = (this.ex as unknown as Caches).ohlcvs?.[s]?.[this.timeframe];
      // ccxt updates a cached candle in place: keep a copy of its values to tell whether it changed since.
      if (candles !== undefined && candles.length > 0) this.#seen.get(s)!.stale = [...candles[candles.length - 1]!];
    }
  }

  #bars(symbol: string): void {
    const candles = (this.ex as unknown as Caches).ohlcvs?.[symbol]?.[this.timeframe];
    if (candles === undefined || candles.length === 0) return;
    const seen = this.#seen.get(symbol)!;
    const newest = Number(candles[candles.length - 1]![0]);
    if (Number.isFinite(newest)) this.on.forming(symbol, newest);
    // Closed: every candle before the newest, each looked at once, oldest first.
    let i = candles.length - 2;
    while (i >= 0 && Number(candles[i]![0]) > seen.closedMs) i--;
    for (i++; i < candles.length - 1; i++) {
      const c = candles[i]!;
      seen.closedMs = Number(c[0]);
      if (sameCandle(c, seen.stale)) continue;
      const bad = badCandle(c);
      if (bad !== null) this.on.rejected(`field "ohlcv.${bad.field}": bad ${this.ex.id} candle for ${symbol}: ${bad.why}`);
      else this.on.closedBar(symbol, c.slice(0, 6).map(Number) as unknown as OhlcvRow);
    }
  }

  #trades(symbol: string): void {
    const trades = (this.ex as unknown as Caches).trades?.[symbol];
    if (trades === undefined || trades.length === 0) return;
    const seen = this.#seen.get(symbol)!;
    // ccxt appends each trade object to its cache: the new ones are those after the last one taken. If that
    // one is gone (more new trades than the cache holds, or a cache made anew), time and id tell.
    let i = seen.lastTrade === undefined ? -1 : trades.lastIndexOf(seen.lastTrade);
    const byPosition = i >= 0;
    if (!byPosition) {
      i = trades.length - 1;
      while (i >= 0 && Number(trades[i]!.timestamp) >= seen.tradeMs) i--;
    }
    for (i++; i < trades.length; i++) {
      const t = trades[i]!;
      seen.lastTrade = t;
      const ts = Number(t.timestamp);
      const id = String(t.id ?? `${ts}:${String(t.price)}:${String(t.amount)}`);
      if (!byPosition && ts === seen.tradeMs && seen.tradeIds.has(id)) continue;
      if (ts > seen.tradeMs) {
        seen.tradeMs = ts;
        seen.tradeIds = new Set();
      }
      if (ts === seen.tradeMs) seen.tradeIds.add(id);
      const price = Number(t.price);
      const size = Number(t.amount);
      if (!Number.isInteger(ts) || ts < 0) this.on.rejected(`field "trade.timestamp": bad ${this.ex.id} trade for ${symbol}: not an epoch time`);
      else if (!(price > 0) || !Number.isFinite(price)) this.on.rejected(`field "trade.price": bad ${this.ex.id} trade for ${symbol}: expected a positive number`);
      else if (!(size > 0) || !Number.isFinite(size)) this.on.rejected(`field "trade.amount": bad ${this.ex.id} trade for ${symbol}: expected a positive number`);
      else this.on.trade(symbol, { tsMs: ts, price, size, side: t.side === 'buy' || t.side === 'sell' ? t.side : undefined, id });
    }
  }

  #quote(symbol: string): void {
    const q = (this.ex as unknown as Caches)[this.quoteCache]?.[symbol];
    const seen = this.#seen.get(symbol)!;
    if (q === undefined || q === seen.quote) return;
    seen.quote = q;
    const bid = Number(q.bid);
    const ask = Number(q.ask);
    if (!(bid > 0) || !Number.isFinite(bid)) return this.on.rejected(`field "quote.bid": bad ${this.ex.id} best bid/ask for ${symbol}: expected a positive number`);
    if (!(ask > 0) || !Number.isFinite(ask)) return this.on.rejected(`field "quote.ask": bad ${this.ex.id} best bid/ask for ${symbol}: expected a positive number`);
    const ts = Number(q.timestamp);
    this.on.quote(symbol, { tsMs: Number.isFinite(ts) && ts > 0 ? ts : undefined, bid, ask, bidSize: finiteOr0(q.bidVolume), askSize: finiteOr0(q.askVolume) });
  }
}

function sameCandle(a: Candle, b: Candle | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function finiteOr0(x: unknown): number {
  const n = Number(x);
  return x !== undefined && x !== null && Number.isFinite(n) && n >= 0 ? n : 0;
}

function badCandle(c: Candle): { field: string; why: string } | null {
  for (let k = 0; k < 6; k++) {
    const n = Number(c[k]);
    const name = OHLCV_FIELDS[k]!;
    if (c[k] === undefined || c[k] === null || !Number.isFinite(n)) return { field: name, why: 'not a number' };
    if (k >= 1 && k <= 4 && !(n > 0)) return { field: name, why: 'expected > 0' };
    if (k === 5 && n < 0) return { field: name, why: 'expected >= 0' };
  }
  if (Number(c[2]) < Number(c[3])) return { field: 'high', why: 'high below low' };
  return null;
}
