// The ccxt.pro exchange object behind the execution client: one instance for REST (orders, queries)
// and the user-data stream, with ccxt's rate limits on (enableRateLimit: Binance's published weights
// per endpoint, paced by rate-limit.ts's bucket), spot only, and URL overrides that point REST and the
// WebSocket API at a fake server in tests (or a regional endpoint in production).
import { pro, type Exchange } from 'ccxt';
import { ConfigError } from '../../core/errors.ts';
import { rewriteOrigins, rewriteWsOrigins } from './market-exchange.ts';
import { useCcxtBucket } from './rate-limit.ts';

export interface ExchangeOptions {
  readonly exchangeId: string;
  readonly apiKey: string;
  readonly secret: string;
  /** ccxt's `password`: the API passphrase some exchanges require with the key (OKX). */
  readonly password?: string;
  /** The venue's test network (Binance spot testnet). */
  readonly sandbox?: boolean;
  /** REST root ('http://127.0.0.1:1234'): every REST entry of `urls.api` that ccxt uses for spot goes there. */
  readonly baseUrl?: string;
  /** WebSocket API endpoint for the user-data stream ('ws://127.0.0.1:1234/ws-api/v3'); other exchanges take its origin and keep their paths (OKX: <origin>/ws/v5/private). */
  readonly streamUrl?: string;
  /** ccxt's per-request timeout (ms); a request past it is ambiguous. */
  readonly timeoutMs?: number;
  /** Binance recvWindow (ms): how old a signed request may be when it arrives. */
  readonly recvWindowMs?: number;
  /** ccxt's rate limiter on (default true). */
  readonly enableRateLimit?: boolean;
  /** Milliseconds per unit of request weight for ccxt's limiter (Binance default 50: 1,200 weight a minute). Tests against a local fake lower it. */
  readonly rateLimitMs?: number;
}

type ProCtor = new (config: Record<string, unknown>) => Exchange;

/** Makes the ccxt.pro exchange for `exchangeId` with spot defaults and the URL overrides. */
export function makeExchange(o: ExchangeOptions): Exchange {
  const Ctor = (pro as unknown as Record<string, ProCtor | undefined>)[o.exchangeId];
  if (Ctor === undefined) throw new ConfigError(`ccxt.pro has no exchange "${o.exchangeId}"`, { field: 'exchangeId' });
  const ex = new Ctor({
    apiKey: o.apiKey,
    secret: o.secret,
    ...(o.password !== undefined && o.password !== '' && { password: o.password }),
    enableRateLimit: o.enableRateLimit ?? true,
    timeout: o.timeoutMs ?? 10_000,
    ...(o.rateLimitMs !== undefined && { rateLimit: o.rateLimitMs }),
    options: {
      defaultType: 'spot',
      // Spot markets only: no futures exchangeInfo, no private currency list, no margin pairs.
      fetchMarkets: { types: ['spot'] },
      fetchCurrencies: false,
      fetchMargins: false,
      // Open orders of every symbol at once is what reconciliation needs (Binance weighs it 80).
      warnOnFetchOpenOrdersWithoutSymbol: false,
      fetchOpenOrders: { warnWithoutSymbol: false },
      ...(o.recvWindowMs !== undefined && { recvWindow: o.recvWindowMs }),
    },
  });
  // ccxt's pacing (rateLimit and per-endpoint costs), without its sleeps after an idle spell (rate-limit.ts).
  useCcxtBucket(ex);
  if (o.sandbox === true) ex.setSandboxMode(true);
  if (!ex.id.startsWith('binance')) {
    // Other exchanges (OKX): every REST origin is replaced, every WebSocket origin by the stream's, paths kept.
    pointOrigins(ex, o);
    // Their currency lists are private calls ccxt makes when keys are set (OKX /asset/currencies): not needed for spot orders.
    (ex.has as Record<string, unknown>).fetchCurrencies = false;
    return ex;
  }
  if (o.baseUrl !== undefined) {
    const root = o.baseUrl.replace(/\/+$/, '');
    const api = ex.urls.api as Record<string, unknown>;
    for (const [key, value] of Object.entries(api)) {
      if (typeof value !== 'string') continue;
      // 'https://api.binance.com/api/v3' -> root + '/api/v3'; keep each entry's path.
      const path = new URL(value).pathname;
      api[key] = root + path;
    }
  }
  if (o.streamUrl !== undefined) {
    const ws = (ex.urls.api as Record<string, unknown>).ws as Record<string, unknown> | undefined;
    const wsApi = ws?.['ws-api'] as Record<string, string> | undefined;
    if (wsApi !== undefined) wsApi.spot = o.streamUrl;
  }
  return ex;
}

function pointOrigins(ex: Exchange, o: ExchangeOptions): void {
  const urls = ex.urls as { api: unknown };
  if (o.baseUrl !== undefined) urls.api = rewriteOrigins(urls.api, o.baseUrl.replace(/\/+$/, ''));
  if (o.streamUrl !== undefined) {
    const api = urls.api as Record<string, unknown>;
    api.ws = rewriteWsOrigins(api.ws, new URL(o.streamUrl).origin.replace(/^http/, 'ws'));
  }
}
