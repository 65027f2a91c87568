// ccxt exchange objects for market data (history over REST, live streams over ccxt.pro WebSockets),
// pointed at a compatible server when asked (`baseUrl`, `streamUrl`: a local fake, a proxy, a testnet).
import ccxt, { NetworkError, OperationFailed, type Exchange } from 'ccxt';
import { ConfigError } from '../../core/errors.ts';
import { useCcxtBucket } from './rate-limit.ts';

/** A market handed in instead of loaded from the venue (no exchangeInfo call). */
export interface MarketSpec {
  /** The unified symbol, `BTC/USDT`. */
  readonly symbol: string;
  /** The venue's id, `BTCUSDT`. */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
}

export interface MarketExchangeOptions {
  /** A ccxt exchange id (`binance`, `kraken`, ...). */
  readonly exchangeId: string;
  /** Replaces the scheme, host and port of every REST url of the exchange (`http://127.0.0.1:8080`). */
  readonly baseUrl?: string;
  /** The WebSocket market-stream url (binance family: `urls.api.ws.spot`; others: its origin replaces that of every ws url). */
  readonly streamUrl?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  readonly markets?: readonly MarketSpec[];
  /** ccxt's request timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** ccxt.pro's reconnect backoff (ms): first retry after `base`, doubling up to `max` (ccxt: 1000 / 60 000). */
  readonly wsBackoff?: { readonly base: number; readonly max: number };
}

/** Exchanges of the Binance family: same REST paths, stream names and payloads. */
export const BINANCE_FAMILY = new Set(['binance', 'binanceus']);

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

function exchangeClass(table: Record<string, unknown>, id: string, what: string): ExchangeClass {
  const C = Object.hasOwn(table, id) ? table[id] : undefined;
  if (typeof C !== 'function' || !ccxt.exchanges.includes(id)) {
    throw new ConfigError(`unknown ccxt exchange "${id}"${what} (ccxt ${ccxt.version} knows ${ccxt.exchanges.length}, e.g. binance, kraken, coinbase, okx, bybit)`, { field: 'exchange' });
  }
  return C as ExchangeClass;
}

/** Checks an exchange id before any network call (ConfigError naming it). */
export function checkExchangeId(id: string, opts: { readonly streaming?: boolean } = {}): void {
  exchangeClass(ccxt as unknown as Record<string, unknown>, id, '');
  if (opts.streaming) exchangeClass(ccxt.pro as unknown as Record<string, unknown>, id, ' with WebSocket streams (ccxt.pro)');
}

function config(o: MarketExchangeOptions): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (BINANCE_FAMILY.has(o.exchangeId)) {
    // Spot markets only (no futures exchangeInfo calls), and no private currency list: public data needs no keys.
    options.fetchMarkets = { types: ['spot'], loadAllOptions: false };
    options.fetchCurrencies = false;
    options.fetchMargins = false;
  }
  if (o.wsBackoff !== undefined) options.ws = { backoff: { base: o.wsBackoff.base, factor: 2, max: o.wsBackoff.max } };
  return {
    enableRateLimit: true,
    timeout: o.timeoutMs ?? 10_000,
    ...(o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.secret ? { secret: o.secret } : {}),
    options,
  };
}

/** Every REST url under `urls.api` with its origin replaced by `baseUrl` (WebSocket urls untouched). */
export function rewriteOrigins(node: unknown, base: string): unknown {
  if (typeof node === 'string') return /^https?:\/\//.test(node) ? node.replace(/^https?:\/\/[^/]+/, base) : node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'ws' ? v : rewriteOrigins(v, base);
  return out;
}

export function rewriteWsOrigins(node: unknown, origin: string): unknown {
  if (typeof node === 'string') return /^wss?:\/\//.test(node) ? node.replace(/^wss?:\/\/[^/]+/, origin) : node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewriteWsOrigins(v, origin)]));
}

function checkUrl(url: string, field: string, schemes: readonly string[]): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`not a url: "${url}"`, { field });
  }
  if (!schemes.includes(u.protocol)) throw new ConfigError(`"${url}" must start with ${schemes.map((s) => `${s}//`).join(' or ')}`, { field });
  return url.replace(/\/+$/, '');
}

function point(ex: Exchange, o: MarketExchangeOptions): void {
  const urls = ex.urls as { api: unknown };
  if (o.baseUrl !== undefined) urls.api = rewriteOrigins(urls.api, checkUrl(o.baseUrl, 'baseUrl', ['http:', 'https:']));
  if (o.streamUrl !== undefined) {
    const stream = checkUrl(o.streamUrl, 'streamUrl', ['ws:', 'wss:']);
    const api = urls.api as Record<string, unknown>;
    if (BINANCE_FAMILY.has(o.exchangeId)) api.ws = { ...(api.ws as Record<string, unknown>), spot: stream, margin: stream };
    // Other exchanges: the origin of every WebSocket url is replaced, the venue's paths kept (OKX:
    // wss://ws.okx.com:8443/ws/v5 -> ws://127.0.0.1:PORT/ws/v5, whose /public and /business ccxt adds).
    else api.ws = rewriteWsOrigins(api.ws, new URL(stream).origin.replace(/^http/, 'ws'));
  }
  if (o.markets !== undefined && o.markets.length > 0) {
    ex.setMarkets(o.markets.map((m) => ({
      id: m.id, lowercaseId: m.id.toLowerCase(), symbol: m.symbol, base: m.base, quote: m.quote, baseId: m.base, quoteId: m.quote,
      type: 'spot', spot: true, margin: false, swap: false, future: false, option: false, contract: false, active: true,
      precision: { amount: 1e-8, price: 1e-8 }, limits: { amount: {}, price: {}, cost: {} }, info: {},
    })));
  }
}

/** A REST exchange for history. */
export function makeRestExchange(o: MarketExchangeOptions): Exchange {
  const ex = new (exchangeClass(ccxt as unknown as Record<string, unknown>, o.exchangeId, ''))(config(o));
  point(ex, o);
  useCcxtBucket(ex);
  return ex;
}

/**
 * A ccxt.pro exchange (streams and REST) whose `handleMessage` is `tap`ped first: `tap` sees every decoded
 * frame and returns false to keep a frame from ccxt (one rejected at the boundary).
 */
export async function makeStreamingExchange(o: MarketExchangeOptions, tap: (message: unknown) => boolean): Promise<Exchange> {
  const Base = exchangeClass(ccxt.pro as unknown as Record<string, unknown>, o.exchangeId, ' with WebSocket streams (ccxt.pro)');
  const Tapped = class extends (Base as unknown as new (c: Record<string, unknown>) => Exchange & { handleMessage(client: unknown, message: unknown): void }) {
    override handleMessage(client: unknown, message: unknown): void {
      if (tap(message)) super.handleMessage(client, message);
    }
  };
  const ex = new Tapped(config(o));
  point(ex, o);
  useCcxtBucket(ex);
  // ccxt.pro reaches a plain ws:// server only through an http agent it loads on demand.
  if (o.streamUrl?.startsWith('ws://')) await ex.loadHttpProxyAgent();
  return ex;
}

/**
 * Worth another try for a read (market data is idempotent): ccxt's NetworkError family (timeouts, 5xx /
 * unavailable, DDoS protection, rate limits) and OperationFailed (the venue's own "internal error, try
 * again", such as Binance's -1001).
 */
export function isRetryableRead(e: unknown): boolean {
  return e instanceof NetworkError || e instanceof OperationFailed;
}
