// A fake OKX market-data server on 127.0.0.1 speaking OKX's v5 protocol, for the real ccxt / ccxt.pro
// clients (payloads from OKX's API v5 documentation, www.okx.com/docs-v5, as ccxt 4.5's okx.js reads them):
// REST GET /api/v5/public/instruments (instType), /api/v5/market/candles and /market/history-candles
// (instId, bar, before/after exclusive bounds, limit; newest first; `{code:"0", msg:"", data}`); WebSocket
// /ws/v5/public (tickers, trades, bbo-tbt) and /ws/v5/business (candle<bar>) with `{op:"subscribe", args}`
// answered by `{event:"subscribe", arg}` per channel, pushes `{arg, data:[...]}`, and the text `ping` ->
// `pong` keep-alive. A channel on the wrong endpoint is OKX's error 60018.
// Tests drive the market by hand (formBar, closeBar, trade, bbo) and switch faults on: drop every socket,
// close a bar without streaming it. A `privateApi` (test/fakes/okx/trade-api.ts: the signed trading REST and
// /ws/v5/private) may sit on the same port: it sees each request and upgrade first.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface OkxBar { readonly ts: number; readonly o: number; readonly h: number; readonly l: number; readonly c: number; readonly v: number }
export interface OkxInstrument { readonly instId: string; readonly base: string; readonly quote: string }

/** Trading endpoints on the same port: `rest` answers a request (true) or leaves it to the market fake. */
export interface OkxPrivateApi {
  rest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes the WebSocket upgrade of `path` (true) or leaves it. */
  upgrade(path: string, req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): boolean;
}

interface Conn { readonly ws: WebSocket; readonly endpoint: 'public' | 'business'; readonly channels: Set<string> }

const DEFAULT_INSTRUMENTS: OkxInstrument[] = [
  { instId: 'BTC-USDT', base: 'BTC', quote: 'USDT' },
  { instId: 'ETH-USDT', base: 'ETH', quote: 'USDT' },
];
const PUBLIC_CHANNELS = new Set(['tickers', 'trades', 'bbo-tbt', 'books5', 'books']);

export class FakeOkxMarket {
  readonly requests: { path: string; query: Record<string, string> }[] = [];
  /** Every subscribe's args as `endpoint channel:instId`, in order (again after a reconnect). */
  readonly subscribes: string[] = [];
  connections = 0;
  readonly #instruments: OkxInstrument[];
  readonly #closed = new Map<string, OkxBar[]>();
  readonly #forming = new Map<string, OkxBar>();
  readonly #conns = new Set<Conn>();
  #tradeId = 7000;

  private constructor(private readonly server: Server, instruments: OkxInstrument[]) {
    this.#instruments = instruments;
  }

  /** The instruments served (the trading fake trades these). */
  get instruments(): readonly OkxInstrument[] {
    return this.#instruments;
  }

  static async start(opts: { instruments?: OkxInstrument[]; privateApi?: OkxPrivateApi } = {}): Promise<FakeOkxMarket> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeOkxMarket(server, opts.instruments ?? DEFAULT_INSTRUMENTS);
    server.on('request', (req, res) => {
      if (opts.privateApi?.rest(req, res) !== true) fake.#rest(req, res);
    });
    server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (opts.privateApi?.upgrade(path, req, socket, head) === true) return;
      const endpoint = path === '/ws/v5/public' ? 'public' : path === '/ws/v5/business' ? 'business' : null;
      if (endpoint === null) return void socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => fake.#accept(ws, endpoint));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  /** The origin ccxt.pro's `urls.api.ws` is pointed at (the feed keeps OKX's /ws/v5 path). */
  get streamUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Open sockets subscribed to `channel` for `instId`. */
  subscribers(channel: string, instId: string): number {
    return [...this.#conns].filter((c) => c.channels.has(`${channel}:${instId}`)).length;
  }

  /** An update of the bar still forming (OKX `confirm: "0"`). */
  formBar(instId: string, bar: OkxBar): void {
    this.#forming.set(instId, bar);
    this.#push('candle1m', instId, [candleRow(bar, false)]);
  }

  /** The bar closes (`confirm: "1"`), kept for REST; `stream: false` leaves it out of the stream (a gap). */
  closeBar(instId: string, bar: OkxBar, opts: { stream?: boolean } = {}): void {
    const list = this.#closed.get(instId) ?? [];
    list.push(bar);
    this.#closed.set(instId, list);
    if (this.#forming.get(instId)?.ts === bar.ts) this.#forming.delete(instId);
    if (opts.stream ?? true) this.#push('candle1m', instId, [candleRow(bar, true)]);
  }

  trade(instId: string, t: { px: number; sz: number; side: 'buy' | 'sell'; ts: number }): string {
    const tradeId = String(++this.#tradeId);
    this.#push('trades', instId, [{ instId, tradeId, px: String(t.px), sz: String(t.sz), side: t.side, ts: String(t.ts), count: '1' }]);
    return tradeId;
  }

  /** Best bid/ask on `bbo-tbt` (and `tickers`, for a client subscribed there). */
  bbo(instId: string, q: { bid: number; bidSz: number; ask: number; askSz: number; ts: number }): void {
    this.#push('bbo-tbt', instId, [{ asks: [[String(q.ask), String(q.askSz), '0', '1']], bids: [[String(q.bid), String(q.bidSz), '0', '1']], ts: String(q.ts), seqId: 1 }]);
    this.#push('tickers', instId, [{
      instType: 'SPOT', instId, last: String(q.ask), lastSz: '0.1', askPx: String(q.ask), askSz: String(q.askSz), bidPx: String(q.bid), bidSz: String(q.bidSz),
      open24h: String(q.bid), high24h: String(q.ask), low24h: String(q.bid), sodUtc0: String(q.bid), sodUtc8: String(q.bid), volCcy24h: '1', vol24h: '1', ts: String(q.ts),
    }]);
  }

  /** A raw text frame to every socket (malformed data). */
  raw(text: string): void {
    for (const c of this.#conns) c.ws.send(text);
  }

  /** Drops every WebSocket connection (the server keeps listening). */
  dropAll(): void {
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  #push(channel: string, instId: string, data: unknown[]): void {
    const text = JSON.stringify({ arg: { channel, instId }, data });
    for (const c of this.#conns) if (c.channels.has(`${channel}:${instId}`)) c.ws.send(text);
  }

  #accept(ws: WebSocket, endpoint: 'public' | 'business'): void {
    this.connections++;
    const conn: Conn = { ws, endpoint, channels: new Set() };
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
    ws.on('message', (buf) => {
      const text = buf.toString();
      if (text === 'ping') return void ws.send('pong');
      let msg: { op?: string; args?: { channel?: string; instId?: string }[] };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return void ws.send(JSON.stringify({ event: 'error', code: '60012', msg: `Illegal request: ${text}` }));
      }
      if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe') return void ws.send(JSON.stringify({ event: 'error', code: '60012', msg: `Illegal request: ${text}` }));
      for (const arg of msg.args ?? []) {
        const channel = arg.channel ?? '';
        const instId = arg.instId ?? '';
        const here = channel.startsWith('candle') ? 'business' : PUBLIC_CHANNELS.has(channel) ? 'public' : null;
        if (here !== endpoint || !this.#instruments.some((i) => i.instId === instId)) {
          ws.send(JSON.stringify({ event: 'error', code: '60018', msg: `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`, connId: 'fake' }));
          continue;
        }
        if (msg.op === 'subscribe') {
          conn.channels.add(`${channel}:${instId}`);
          this.subscribes.push(`${endpoint} ${channel}:${instId}`);
        } else conn.channels.delete(`${channel}:${instId}`);
        ws.send(JSON.stringify({ event: msg.op, arg: { channel, instId }, connId: 'fake' }));
      }
    });
  }

  #rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query });
    const ok = (data: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: '0', msg: '', data }));
    };
    if (url.pathname === '/api/v5/public/instruments') {
      if (query.instType !== 'SPOT') return ok([]);
      return ok(this.#instruments.map((i) => ({
        instType: 'SPOT', instId: i.instId, uly: '', instFamily: '', baseCcy: i.base, quoteCcy: i.quote, settleCcy: '', ctVal: '', ctMult: '', ctValCcy: '',
        optType: '', stk: '', listTime: '1606468572000', expTime: '', lever: '10', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', ctType: '', state: 'live', maxLmtSz: '9999999999', maxMktSz: '1000000',
      })));
    }
    if (url.pathname === '/api/v5/market/candles' || url.pathname === '/api/v5/market/history-candles') {
      if (query.bar !== '1m') return this.#error(res, '51000', 'Parameter bar error');
      const before = query.before === undefined ? -Infinity : Number(query.before);
      const after = query.after === undefined ? Infinity : Number(query.after);
      // At most 300 rows an answer (the cap ccxt 4.5's okx.js assumes for both endpoints).
      const limit = Math.min(Number(query.limit ?? 100), 300);
      const bars = (this.#closed.get(query.instId ?? '') ?? []).map((b) => candleRow(b, true));
      const forming = this.#forming.get(query.instId ?? '');
      // The recent-candles endpoint includes the bar still forming (confirm "0"); history does not.
      if (forming !== undefined && !url.pathname.includes('history')) bars.push(candleRow(forming, false));
      const inRange = bars.filter((r) => Number(r[0]) > before && Number(r[0]) < after).reverse();
      return ok(inRange.slice(0, limit));
    }
    this.#error(res, '50030', `no such path ${url.pathname}`, 404);
  }

  #error(res: ServerResponse, code: string, msg: string, status = 400): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, msg, data: [] }));
  }
}

/** OKX's candle row: ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm (all strings). */
function candleRow(b: OkxBar, closed: boolean): string[] {
  const ccy = String(b.v * b.c);
  return [String(b.ts), String(b.o), String(b.h), String(b.l), String(b.c), String(b.v), ccy, ccy, closed ? '1' : '0'];
}
