// A fake Yahoo Finance chart API on 127.0.0.1 (random port): `GET /v8/finance/chart/{symbol}` with
// `period1`/`period2` (epoch seconds, rows with period1 <= t < period2), `interval=1d`, `events`, answered
// as Yahoo does: `{"chart":{"result":[{meta, timestamp, indicators: {quote: [{open, high, low, close,
// volume}], adjclose: [{adjclose}]}}], "error": null}}`, nulls in a row where the test put them (Yahoo's
// empty candles for holidays and halts); 404 `Not Found` for an unknown symbol; 400 `Data doesn't exist`
// for a window before a symbol's first row; a window without rows after it: `meta` and no `timestamp`.
// Payload shapes follow the answers recorded in yahoo-finance2's test fixtures
// (github.com/gadicc/node-yahoo-finance2, tests/http/chart-AAPL-2020-01-01-to-2020-01-03.json, MIT), built
// here from the test's rows, not copied. yahoo-finance2's chart() asks for no cookie or crumb, so no
// other endpoint is served: any other path is a 404 the request log shows.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One daily row; `t` is Yahoo's stamp (epoch seconds: the session's open). null: an empty candle. */
export interface YahooRow {
  readonly t: number;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number | null;
  readonly volume: number | null;
  readonly adjclose?: number | null;
}

export interface YahooListing {
  readonly rows: YahooRow[];
  /** Seconds east of UTC (New York in winter: -18000). */
  readonly gmtoffset: number;
  readonly timezone: string;
  readonly exchangeTimezoneName: string;
  readonly currency: string;
  readonly exchangeName: string;
  readonly instrumentType: string;
}

export interface ChartRequest {
  readonly symbol: string;
  readonly query: Record<string, string>;
}

/** A New York session's open (09:30 EST, 14:30 UTC) on a UTC day, as Yahoo stamps US daily rows in winter. */
export const nyOpen = (day: string): number => Date.parse(`${day}T14:30:00Z`) / 1000;

export class FakeYahoo {
  readonly #http: Server;
  #url = '';
  readonly listings = new Map<string, YahooListing>();
  /** An answer sent as is for a symbol's chart (malformed payloads). */
  readonly raw = new Map<string, { status: number; body: string }>();
  /** Every request (path and query); chart requests also in `charts`. */
  readonly log: string[] = [];
  readonly charts: ChartRequest[] = [];
  #failures: { status: number; retryAfterS?: number }[] = [];

  private constructor() {
    this.#http = createServer((req, res) => this.#serve(req, res));
  }

  static async start(): Promise<FakeYahoo> {
    const f = new FakeYahoo();
    await new Promise<void>((r) => f.#http.listen(0, '127.0.0.1', r));
    f.#url = `http://127.0.0.1:${(f.#http.address() as AddressInfo).port}`;
    return f;
  }

  get baseUrl(): string {
    return this.#url;
  }

  /** A US equity listed on NASDAQ (as Yahoo describes AAPL). */
  addUsEquity(symbol: string, rows: YahooRow[]): void {
    this.listings.set(symbol, { rows, gmtoffset: -18000, timezone: 'EST', exchangeTimezoneName: 'America/New_York', currency: 'USD', exchangeName: 'NMS', instrumentType: 'EQUITY' });
  }

  /** The next `n` chart requests are answered with `status` (a 5xx or 429). */
  failNext(n: number, status: number, retryAfterS?: number): void {
    for (let i = 0; i < n; i++) this.#failures.push({ status, ...(retryAfterS !== undefined && { retryAfterS }) });
  }

  close(): Promise<void> {
    this.#http.closeAllConnections();
    return new Promise((r) => this.#http.close(() => r()));
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.#url);
    this.log.push(`${req.method} ${u.pathname}${u.search}`);
    const m = /^\/v8\/finance\/chart\/([^/]+)$/.exec(u.pathname);
    if (req.method !== 'GET' || m === null) return send(res, 404, { finance: { result: null, error: { code: 'Not Found', description: 'HTTP 404 Not Found' } } });
    const symbol = decodeURIComponent(m[1]!).toUpperCase();
    const query = Object.fromEntries(u.searchParams);
    this.charts.push({ symbol, query });
    const fail = this.#failures.shift();
    if (fail !== undefined) {
      if (fail.retryAfterS !== undefined) res.setHeader('retry-after', String(fail.retryAfterS));
      res.writeHead(fail.status, { 'content-type': 'text/html' }).end(`<html><body>${fail.status}</body></html>`);
      return;
    }
    const raw = this.raw.get(symbol);
    if (raw !== undefined) {
      res.writeHead(raw.status, { 'content-type': 'application/json;charset=utf-8' }).end(raw.body);
      return;
    }
    const listing = this.listings.get(symbol);
    if (listing === undefined) return send(res, 404, { chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } });
    if (query.interval !== '1d') return send(res, 400, { chart: { result: null, error: { code: 'Bad Request', description: `Invalid input - interval=${query.interval} is not supported.` } } });
    const p1 = Number(query.period1);
    const p2 = Number(query.period2);
    if (!Number.isInteger(p1) || !Number.isInteger(p2)) return send(res, 400, { chart: { result: null, error: { code: 'Bad Request', description: 'Invalid input - period1 and period2 must be epoch seconds' } } });
    const rows = listing.rows.filter((r) => r.t >= p1 && r.t < p2);
    const first = listing.rows[0];
    if (first !== undefined && p2 <= first.t) {
      return send(res, 400, { chart: { result: null, error: { code: 'Bad Request', description: `Data doesn't exist for startDate = ${p1}, endDate = ${p2}` } } });
    }
    send(res, 200, { chart: { result: [chartResult(symbol, listing, rows)], error: null } });
  }
}

function chartResult(symbol: string, l: YahooListing, rows: readonly YahooRow[]): unknown {
  const last = l.rows[l.rows.length - 1];
  const period = (start: number, end: number) => ({ timezone: l.timezone, start, end, gmtoffset: l.gmtoffset });
  const day = last?.t ?? 0;
  const meta = {
    currency: l.currency, symbol, exchangeName: l.exchangeName, instrumentType: l.instrumentType,
    firstTradeDate: l.rows[0]?.t ?? null, regularMarketTime: day + 23_400, gmtoffset: l.gmtoffset, timezone: l.timezone,
    exchangeTimezoneName: l.exchangeTimezoneName, regularMarketPrice: last?.close ?? 0, chartPreviousClose: rows[0]?.open ?? 0, priceHint: 2,
    currentTradingPeriod: { pre: period(day - 19_800, day), regular: period(day, day + 23_400), post: period(day + 23_400, day + 37_800) },
    dataGranularity: '1d', range: '', validRanges: ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'],
  };
  // A window without rows: Yahoo sends the meta and empty indicators, no timestamp.
  if (rows.length === 0) return { meta, indicators: { quote: [{}], adjclose: [{}] } };
  return {
    meta,
    timestamp: rows.map((r) => r.t),
    indicators: {
      quote: [{ open: rows.map((r) => r.open), close: rows.map((r) => r.close), volume: rows.map((r) => r.volume), high: rows.map((r) => r.high), low: rows.map((r) => r.low) }],
      adjclose: [{ adjclose: rows.map((r) => r.adjclose ?? r.close) }],
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
}
