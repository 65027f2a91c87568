// Yahoo's daily bars as a HistorySource (src/data/history-source.ts) for `sextant data download --venue
// yahoo`: one v8 chart request per page through yahoo-finance2's chart() (the library builds the request,
// reads Yahoo's JSON errors and checks the answer against its schema), then our own boundary check and
// the daily convention of chart-parse.ts. chart() needs no cookie or crumb (the library asks for one only
// for quote, quoteSummary, options and screener), so a download makes chart requests only.
import { format, debuglog } from 'node:util';
import createYahooFinance from 'yahoo-finance2/createYahooFinance';
import chart from 'yahoo-finance2/modules/chart';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { ConfigError, VenueRejectedError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import type { HistoryBar, HistoryPageRequest, HistorySource } from '../../data/history-source.ts';
import { withRetry } from '../shared/retry.ts';
import { findPayloadProblem, parseDailyChart, payloadError } from './chart-parse.ts';
import { YahooRetryableError, YahooTransport, type YahooTransportOptions } from './transport.ts';

const YahooFinance = createYahooFinance({ modules: { chart } });

export interface YahooHistoryOptions extends YahooTransportOptions {
  /** Attempts per page in all (default 6) and the backoff base/cap in ms (default 500 / 15 000). */
  readonly attempts?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (progress output). */
  readonly onRetry?: (reason: string, attempt: number, waitMs: number) => void;
}

/** Bars one page returns at most (a request covers the whole window: about 80 years of trading days). */
const MAX_PAGE = 20_000;
/** Yahoo's symbols: AAPL, BRK-B, ^GSPC, EURUSD=X, BTC-USD, 7203.T. */
const SYMBOL = /^[A-Z0-9^][A-Z0-9.^=-]{0,31}$/;
/** A daily row is stamped within a day of its trading day's 00:00 UTC; the window asked for is that much wider. */
const PAD_S = 2 * 86_400;

// The library's own log lines: its "Unsupported environment: Requires Node >= 22" notice (it runs on Node 20,
// see docs/venues/market-data.md) and debug lines go to NODE_DEBUG=sextant-yahoo; anything else to stderr.
const debug = debuglog('sextant-yahoo');
const logger = {
  debug: (...a: unknown[]) => debug(format(...a)),
  info: (...a: unknown[]) => debug(format(...a)),
  dir: (...a: unknown[]) => debug(format(...a)),
  warn: (...a: unknown[]) => (/Unsupported environment/.test(String(a[0])) ? debug(format(...a)) : process.stderr.write(`${format(...a)}\n`)),
  error: (...a: unknown[]) => process.stderr.write(`${format(...a)}\n`),
};

export class YahooHistorySource implements HistorySource {
  readonly venue = 'yahoo';
  readonly maxPageBars = MAX_PAGE;
  readonly transport: YahooTransport;
  readonly #yf: InstanceType<typeof YahooFinance>;
  readonly #o: YahooHistoryOptions;
  #skipped = 0;

  constructor(opts: YahooHistoryOptions = {}) {
    this.#o = opts;
    this.transport = new YahooTransport(opts);
    this.#yf = new YahooFinance({
      fetch: this.transport.fetch as typeof fetch,
      cookieJar: new ExtendedCookieJar(),
      logger,
      suppressNotices: ['yahooSurvey'],
      // Failures are thrown and turned into our errors below; the library's long explanations and its npm
      // registry version check (a request to registry.npmjs.org on a failed validation) are off.
      validation: { logErrors: false, logOptionsErrors: false },
      versionCheck: false,
    });
  }

  /** Rows Yahoo sent with a null (holidays, halts), left out so far. */
  get skipped(): number {
    return this.#skipped;
  }

  async prepare(symbol: string, timeframe: string): Promise<{ symbol: string; timeframeMs: number }> {
    if (timeframe !== '1d') throw new ConfigError(`Yahoo gives daily bars here: use --timeframe 1d (not "${timeframe}")`, { field: '--timeframe' });
    const s = symbol.trim().toUpperCase();
    if (!SYMBOL.test(s)) throw new ConfigError(`"${symbol}" is not a Yahoo symbol (AAPL, BRK-B, ^GSPC, EURUSD=X, BTC-USD, 7203.T)`, { field: '--symbol' });
    return { symbol: s, timeframeMs: MS_PER_DAY };
  }

  async fetchPage(req: HistoryPageRequest): Promise<HistoryBar[]> {
    const what = `${req.symbol} 1d`;
    const result = await withRetry(() => this.#chart(req), {
      attempts: this.#o.attempts ?? 6,
      baseMs: this.#o.retryBaseMs ?? 500,
      maxMs: this.#o.retryMaxMs ?? 15_000,
      isRetryable: (e) => e instanceof YahooRetryableError,
      retryAfterMs: (e) => (e instanceof YahooRetryableError ? e.retryAfterMs : undefined),
      ...(this.#o.sleep !== undefined && { sleep: this.#o.sleep }),
      onRetry: (e, attempt, ms) => this.#o.onRetry?.(e instanceof Error ? e.message : String(e), attempt, ms),
    });
    if (result === undefined) return [];
    const { bars, skipped } = parseDailyChart(result, what, req.fromMs, req.toMs);
    this.#skipped += skipped;
    return bars.slice(0, Math.min(req.limit, MAX_PAGE));
  }

  async close(): Promise<void> {}

  /** One chart() call; undefined when Yahoo says it has no data in the window. */
  async #chart(req: HistoryPageRequest): Promise<unknown> {
    this.transport.last = undefined;
    // Negative before 1970: Yahoo serves those days too (IBM from 1962).
    const period1 = Math.floor(req.fromMs / 1000) - PAD_S;
    const period2 = Math.floor(req.toMs / 1000) + PAD_S;
    try {
      return await this.#yf.chart(req.symbol, { period1, period2, interval: '1d', return: 'object' });
    } catch (e) {
      const ours = this.#explain(e, req.symbol);
      if (ours === undefined) return undefined;
      throw ours;
    }
  }

  /** The library's error as ours: unknown symbol, refusal, bad payload (naming the field), or as it was. */
  #explain(e: unknown, symbol: string): unknown {
    if (e instanceof YahooRetryableError) return e;
    const last = this.transport.last;
    const message = e instanceof Error ? e.message : String(e);
    if (last?.status === 404) return new ConfigError(`Yahoo has no symbol "${symbol}" (${message})`, { field: '--symbol' });
    // Yahoo's answer for a window before its first data (before a listing).
    if (last?.status === 400 && /data doesn.t exist/i.test(message)) return undefined;
    if (last !== undefined && last.status >= 400) return new VenueRejectedError(`Yahoo refused the chart of ${symbol}: HTTP ${last.status}: ${message}`);
    const what = `${symbol} 1d`;
    if (e instanceof Error && e.name === 'FailedYahooValidationError') {
      const first = (e as Error & { errors?: { instancePath?: string; message?: string; params?: { missing?: unknown[] } }[] }).errors?.[0];
      const path = ['chart.result.0', ...(first?.instancePath ?? '').split('/').filter((s) => s !== '')];
      // The library groups missing properties under their object: name the first of them.
      const missing = (first?.params?.missing ?? []).map(String);
      if (missing.length > 0) return payloadError(what, [...path, missing[0]!].join('.'), `missing${missing.length > 1 ? ` (also ${missing.slice(1).join(', ')})` : ''}`);
      return payloadError(what, path.join('.'), first?.message ?? message);
    }
    if (last !== undefined) {
      let body: unknown;
      try {
        body = JSON.parse(last.body);
      } catch {
        return payloadError(what, '(payload)', `not JSON: ${last.body.slice(0, 80)}`);
      }
      const problem = findPayloadProblem(body);
      if (problem !== undefined) return payloadError(what, problem.field, problem.message);
    }
    return e;
  }
}

export function createYahooHistorySource(opts: YahooHistoryOptions = {}): YahooHistorySource {
  return new YahooHistorySource(opts);
}
