// A fake Binance spot market-data server on 127.0.0.1 speaking Binance's own protocol, for the real ccxt /
// ccxt.pro clients: REST GET /api/v3/exchangeInfo, /api/v3/klines, /api/v3/ticker/bookTicker, /api/v3/time,
// /api/v3/ping; WebSocket market streams at /ws[/<stream>] (raw payloads) and /stream?streams=a/b (combined
// `{stream, data}` payloads) with the live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS methods and their
// `{result, id}` answers. Payload shapes and error codes follow Binance's spot API docs
// (github.com/binance/binance-spot-api-docs: rest-api.md, web-socket-streams.md).
//
// Tests drive the market by hand (closeBar, formBar, trade, bookTicker) and switch faults on: drop every
// socket, send malformed frames, pause the streams (stale but connected), leave a closed bar out of the
// stream (a gap only REST knows), delay or fail REST answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { intervalMs, toRest, toStreamK, type Kline } from './market-klines.ts';
import { exchangeInfo, type FakeSymbol } from './market-payloads.ts';

interface Conn {
  readonly ws: WebSocket;
  readonly combined: boolean;
  readonly streams: Set<string>;
}

export interface RestRequest {
  readonly path: string;
  readonly query: Record<string, string>;
}

const DEFAULT_SYMBOLS: FakeSymbol[] = [
  { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
  { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
];

export class FakeBinanceMarket {
  readonly requests: RestRequest[] = [];
  /** Every SUBSCRIBE's params, in order (resubscriptions after a reconnect show up again). */
  readonly subscribes: string[][] = [];
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** Stream frames are not sent while paused (the socket stays open and answers pings). */
  paused = false;
  /** Milliseconds every klines answer waits (to catch a download mid-way). */
  klinesDelayMs = 0;
  /** The next n REST answers are this error (status, Binance error body, optional Retry-After seconds). */
  #failures: { status: number; code: number; msg: string; retryAfterS?: number; path?: string }[] = [];
  #symbols = new Map<string, FakeSymbol>();
  readonly #closed = new Map<string, Kline[]>();
  readonly #forming = new Map<string, Kline>();
  readonly #books = new Map<string, { bid: number; bidQty: number; ask: number; askQty: number; u: number }>();
  readonly #conns = new Set<Conn>();
  #tradeId = 1000;
  #updateId = 5000;

  private constructor(private readonly server: Server, private readonly wss: WebSocketServer, symbols: FakeSymbol[]) {
    for (const s of symbols) this.#symbols.set(s.symbol, s);
  }

  static async start(opts: { symbols?: FakeSymbol[] } = {}): Promise<FakeBinanceMarket> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeBinanceMarket(server, wss, opts.symbols ?? DEFAULT_SYMBOLS);
    server.on('request', (req, res) => fake.#rest(req, res));
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!/^\/(ws|stream)(\/|$)/.test(url.pathname)) return void socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => fake.#accept(ws, url));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The raw-stream endpoint, as ccxt.pro's `urls.api.ws.spot`. */
  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }
  get openSockets(): number {
    return this.#conns.size;
  }

  // ---- the market ----

  /** Stored closed klines (history REST serves); the stream is not told. */
  addHistory(symbol: string, interval: string, klines: readonly Kline[]): void {
    const list = this.#list(symbol, interval);
    for (const k of klines) list.push(k);
    list.sort((a, b) => a.openMs - b.openMs);
  }

  /** The closed klines REST serves for a symbol and interval. */
  history(symbol: string, interval: string): readonly Kline[] {
    return this.#list(symbol, interval);
  }

  /** An update of the still-forming bar (x=false): REST serves it as the last kline, as Binance does. */
  formBar(symbol: string, interval: string, k: Kline): void {
    this.#forming.set(`${symbol}|${interval}`, k);
    this.#publish(`${symbol.toLowerCase()}@kline_${interval}`, () => this.#klineEvent(symbol, interval, k, false));
  }

  /** Closes a bar: stored for REST and sent with x=true, unless `skipStream` (a gap only REST knows). */
  closeBar(symbol: string, interval: string, k: Kline, opts: { skipStream?: boolean } = {}): void {
    const key = `${symbol}|${interval}`;
    if (this.#forming.get(key)?.openMs === k.openMs) this.#forming.delete(key);
    this.#list(symbol, interval).push(k);
    if (!opts.skipStream) this.#publish(`${symbol.toLowerCase()}@kline_${interval}`, () => this.#klineEvent(symbol, interval, k, true));
  }

  trade(symbol: string, t: { price: number; qty: number; buyerIsMaker: boolean; timeMs: number }): number {
    const id = this.#tradeId++;
    this.#publish(`${symbol.toLowerCase()}@trade`, () => ({
      e: 'trade', E: t.timeMs + 1, s: symbol, t: id, p: t.price.toFixed(8), q: t.qty.toFixed(8), T: t.timeMs, m: t.buyerIsMaker, M: true,
    }));
    return id;
  }

  bookTicker(symbol: string, b: { bid: number; bidQty: number; ask: number; askQty: number }): void {
    const book = { ...b, u: this.#updateId++ };
    this.#books.set(symbol, book);
    this.#publish(`${symbol.toLowerCase()}@bookTicker`, () => ({
      u: book.u, s: symbol, b: b.bid.toFixed(8), B: b.bidQty.toFixed(8), a: b.ask.toFixed(8), A: b.askQty.toFixed(8),
    }));
  }

  // ---- faults ----

  /** Closes every socket abruptly (no close frame), as a network drop does. */
  dropSockets(): void {
    for (const c of this.#conns) c.ws.terminate();
  }

  /** Sends this text frame, as is, on every socket subscribed to `stream` (all sockets when omitted). */
  sendRaw(text: string, stream?: string): void {
    for (const c of this.#conns) if (stream === undefined || c.streams.has(stream)) c.ws.send(text);
  }

  /** The next `n` REST answers (on `path` only, when given) fail with this status and Binance error body. */
  failRest(n: number, status: number, code: number, msg: string, retryAfterS?: number, path?: string): void {
    for (let i = 0; i < n; i++) this.#failures.push({ status, code, msg, ...(retryAfterS === undefined ? {} : { retryAfterS }), ...(path === undefined ? {} : { path }) });
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---- protocol ----

  #list(symbol: string, interval: string): Kline[] {
    const key = `${symbol}|${interval}`;
    let l = this.#closed.get(key);
    if (!l) this.#closed.set(key, (l = []));
    return l;
  }

  #klineEvent(symbol: string, interval: string, k: Kline, closed: boolean): Record<string, unknown> {
    const tf = intervalMs(interval)!;
    return { e: 'kline', E: k.openMs + (closed ? tf : tf / 2), s: symbol, k: toStreamK(symbol, interval, k, tf, closed) };
  }

  #publish(stream: string, payload: () => Record<string, unknown>): void {
    if (this.paused) return;
    let text: string | undefined;
    let wrapped: string | undefined;
    for (const c of this.#conns) {
      if (!c.streams.has(stream)) continue;
      if (c.combined) c.ws.send((wrapped ??= JSON.stringify({ stream, data: payload() })));
      else c.ws.send((text ??= JSON.stringify(payload())));
    }
  }

  #accept(ws: WebSocket, url: URL): void {
    this.connections++;
    const combined = url.pathname.startsWith('/stream');
    const conn: Conn = { ws, combined, streams: new Set() };
    // A raw connection may name one stream in its path (/ws/btcusdt@trade); a combined one lists them.
    const named = combined ? (url.searchParams.get('streams') ?? '').split('/') : [url.pathname.split('/')[2] ?? ''];
    for (const s of named) if (this.#validStream(s)) conn.streams.add(s);
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
    ws.on('error', () => this.#conns.delete(conn));
    ws.on('message', (data) => this.#command(conn, String(data)));
  }

  #validStream(s: string): boolean {
    const m = /^([a-z0-9]+)@(trade|bookTicker|kline_(\w+))$/.exec(s);
    if (m === null) return false;
    if (!this.#symbols.has(m[1]!.toUpperCase())) return false;
    return m[3] === undefined || intervalMs(m[3]) !== undefined;
  }

  #command(conn: Conn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return void conn.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null }));
    }
    const id = msg.id ?? null;
    const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
    if (msg.method === 'SUBSCRIBE' || msg.method === 'UNSUBSCRIBE') {
      const bad = params.find((p) => !this.#validStream(p));
      if (bad !== undefined) return void conn.ws.send(JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown stream ${bad}` }, id }));
      if (msg.method === 'SUBSCRIBE') {
        this.subscribes.push(params);
        for (const p of params) conn.streams.add(p);
      } else {
        for (const p of params) conn.streams.delete(p);
      }
      return void conn.ws.send(JSON.stringify({ result: null, id }));
    }
    if (msg.method === 'LIST_SUBSCRIPTIONS') return void conn.ws.send(JSON.stringify({ result: [...conn.streams], id }));
    conn.ws.send(JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method ${String(msg.method)}` }, id }));
  }

  #rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight-1m': '1', ...headers });
      res.end(JSON.stringify(body));
    };
    const at = this.#failures.findIndex((f) => f.path === undefined || f.path === url.pathname);
    const failure = at < 0 ? undefined : this.#failures.splice(at, 1)[0];
    if (failure) {
      return send(failure.status, { code: failure.code, msg: failure.msg }, failure.retryAfterS === undefined ? {} : { 'retry-after': String(failure.retryAfterS) });
    }
    if (req.method !== 'GET') return send(405, { code: -1000, msg: 'An unknown error occured while processing the request.' });
    switch (url.pathname) {
      case '/api/v3/ping':
        return send(200, {});
      case '/api/v3/time':
        return send(200, { serverTime: Date.now() });
      case '/api/v3/exchangeInfo':
        return send(200, exchangeInfo([...this.#symbols.values()], Date.now()));
      case '/api/v3/ticker/bookTicker':
        return this.#bookTickerRest(query, send);
      case '/api/v3/klines': {
        const answer = (): void => this.#klines(query, send);
        if (this.klinesDelayMs > 0) setTimeout(answer, this.klinesDelayMs);
        else answer();
        return;
      }
      default:
        return send(404, { code: -1000, msg: `Unknown path ${url.pathname}` });
    }
  }

  #bookTickerRest(query: Record<string, string>, send: (s: number, b: unknown) => void): void {
    const row = (symbol: string): Record<string, string> => {
      const b = this.#books.get(symbol) ?? { bid: 0, bidQty: 0, ask: 0, askQty: 0 };
      return { symbol, bidPrice: b.bid.toFixed(8), bidQty: b.bidQty.toFixed(8), askPrice: b.ask.toFixed(8), askQty: b.askQty.toFixed(8) };
    };
    if (query.symbol === undefined) return send(200, [...this.#symbols.keys()].map(row));
    if (!this.#symbols.has(query.symbol)) return send(400, { code: -1121, msg: 'Invalid symbol.' });
    send(200, row(query.symbol));
  }

  #klines(query: Record<string, string>, send: (s: number, b: unknown) => void): void {
    const { symbol, interval } = query;
    if (symbol === undefined) return send(400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." });
    if (!this.#symbols.has(symbol)) return send(400, { code: -1121, msg: 'Invalid symbol.' });
    const tf = interval === undefined ? undefined : intervalMs(interval);
    if (tf === undefined) return send(400, { code: -1120, msg: 'Invalid interval.' });
    const limit = query.limit === undefined ? 500 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return send(400, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    const start = query.startTime === undefined ? undefined : Number(query.startTime);
    const end = query.endTime === undefined ? undefined : Number(query.endTime);
    const all = [...this.#list(symbol, interval!)];
    const forming = this.#forming.get(`${symbol}|${interval}`);
    if (forming && (all.length === 0 || forming.openMs > all[all.length - 1]!.openMs)) all.push(forming);
    let rows = all.filter((k) => (start === undefined || k.openMs >= start) && (end === undefined || k.openMs <= end));
    // Binance: with a startTime the first `limit` from it; without, the latest `limit`.
    rows = start === undefined ? rows.slice(-limit) : rows.slice(0, limit);
    send(200, rows.map((k) => toRest(k, tf)));
  }
}
