// Bar history of any ccxt exchange over REST (fetchOHLCV), as a HistorySource (src/data/history-source.ts):
// markets loaded once (a failed load is retried with reload=true, since ccxt caches the failure), pages
// of closed bars checked at the boundary, transient failures (network, 5xx, 429) retried with backoff.
import { BaseError, DDoSProtection, type Exchange } from 'ccxt';
import { ConfigError, RetryableVenueError, VenueRejectedError } from '../../core/errors.ts';
import type { HistoryBar, HistoryPageRequest, HistorySource } from '../../data/history-source.ts';
import { redact, redactError } from '../shared/credentials.ts';
import { sleep, withRetry } from '../shared/retry.ts';
import { BINANCE_FAMILY, checkExchangeId, isRetryableRead, makeRestExchange, type MarketExchangeOptions } from './market-exchange.ts';
import { parseOhlcvRows } from './market-parse.ts';

export interface CcxtHistoryOptions extends MarketExchangeOptions {
  /** How the user named the venue (`binance`, `ccxt:kraken`); default `ccxt:<exchangeId>`. */
  readonly venue?: string;
  /** Attempts per page in all (default 6) and the backoff base/cap in ms (default 500 / 15 000). */
  readonly attempts?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (progress output). */
  readonly onRetry?: (reason: string, attempt: number, waitMs: number) => void;
}

const DEFAULT_PAGE = 500;

export class CcxtHistorySource implements HistorySource {
  readonly venue: string;
  readonly #o: CcxtHistoryOptions;
  readonly #ex: Exchange;
  #loaded = false;

  constructor(opts: CcxtHistoryOptions) {
    checkExchangeId(opts.exchangeId);
    this.#o = opts;
    this.venue = opts.venue ?? `ccxt:${opts.exchangeId}`;
    this.#ex = makeRestExchange(opts);
    if (!this.#ex.has.fetchOHLCV) throw new ConfigError(`${opts.exchangeId} has no candle history in ccxt (fetchOHLCV)`, { field: 'venue' });
  }

  get maxPageBars(): number {
    const features = this.#ex.features as { spot?: { fetchOHLCV?: { limit?: number } } } | undefined;
    const limit = features?.spot?.fetchOHLCV?.limit;
    return typeof limit === 'number' && limit > 0 ? limit : DEFAULT_PAGE;
  }

  async prepare(symbol: string, timeframe: string): Promise<{ symbol: string; timeframeMs: number }> {
    const ex = this.#ex;
    if (ex.timeframes !== undefined && !(timeframe in ex.timeframes)) {
      throw new ConfigError(`timeframe "${timeframe}" is not one of ${ex.id}'s: ${Object.keys(ex.timeframes).join(', ')}`, { field: '--timeframe' });
    }
    if (!this.#loaded) {
      // A failed loadMarkets() is cached by ccxt: every retry reloads.
      await this.#retry((attempt) => ex.loadMarkets(attempt > 1));
      this.#loaded = true;
    }
    const markets = ex.markets ?? {};
    let unified = symbol in markets ? symbol : undefined;
    // Also accept the venue's own id (BTCUSDT) for the unified symbol (BTC/USDT).
    unified ??= Object.values(markets).find((m) => m?.id === symbol || m?.id === symbol.toUpperCase())?.symbol;
    if (unified === undefined) {
      const near = Object.keys(markets).filter((s) => s.startsWith(symbol.split('/')[0]!.toUpperCase())).slice(0, 5);
      throw new ConfigError(`unknown symbol "${symbol}" at ${ex.id}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`, { field: '--symbol' });
    }
    return { symbol: unified, timeframeMs: ex.parseTimeframe(timeframe) * 1000 };
  }

  async fetchPage(req: HistoryPageRequest): Promise<HistoryBar[]> {
    const limit = Math.min(req.limit, this.maxPageBars);
    // `until` bounds the window where ccxt maps it (Binance: endTime); elsewhere an unknown param could reach the
    // venue's API as is, so the window is cut here instead.
    const params = BINANCE_FAMILY.has(this.#o.exchangeId) ? { until: req.toMs } : {};
    const raw = await this.#retry(() => this.#ex.fetchOHLCV(req.symbol, req.timeframe, req.fromMs, limit, params));
    const rows = parseOhlcvRows(raw, `${this.#ex.id} fetchOHLCV ${req.symbol} ${req.timeframe}`);
    const out: HistoryBar[] = [];
    for (const r of rows) {
      if (r[0] < req.fromMs || r[0] > req.toMs) continue;
      out.push({ tsMs: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5] });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#ex.close();
  }

  #retry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    const secrets = [this.#o.apiKey, this.#o.secret];
    return withRetry(fn, {
      attempts: this.#o.attempts ?? 6,
      baseMs: this.#o.retryBaseMs ?? 500,
      maxMs: this.#o.retryMaxMs ?? 15_000,
      isRetryable: isRetryableRead,
      // A 429's Retry-After (seconds), as the venue asked: retrying sooner only earns a ban.
      retryAfterMs: (e) => (e instanceof DDoSProtection ? retryAfterMs(this.#ex.last_response_headers) : undefined),
      sleep: this.#o.sleep ?? sleep,
      onRetry: (e, attempt, ms) => this.#o.onRetry?.(redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e), secrets), attempt, ms),
    }).catch((e: unknown) => {
      const r = redactError(e, secrets);
      const what = r instanceof Error ? `${r.name}: ${r.message}` : String(r);
      if (isRetryableRead(r)) throw new RetryableVenueError(`${this.venue} did not answer after ${this.#o.attempts ?? 6} attempts: ${what}`, { cause: r });
      if (r instanceof BaseError) throw new VenueRejectedError(`${this.venue} refused the request: ${what}`, { cause: r });
      throw r;
    });
  }
}

function retryAfterMs(headers: unknown): number | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after');
  const seconds = entry === undefined ? NaN : Number(entry[1]);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) * 1000 : undefined;
}

export function createCcxtHistorySource(opts: CcxtHistoryOptions): CcxtHistorySource {
  return new CcxtHistorySource(opts);
}
