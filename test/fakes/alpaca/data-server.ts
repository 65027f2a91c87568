// A fake Alpaca market data on 127.0.0.1 (random port): REST bars (`GET /v2/stocks/bars`,
// `/v1beta3/crypto/us/bars`, paged by `next_page_token`) and the stream: `/v2/iex`, `/v2/sip` (stocks) and
// `/v1beta3/crypto/us`, msgpack frames as the real one sends them (arrays of {T: ...} objects; times as the
// msgpack timestamp extension): `success`/`connected` on open, `auth` -> `authenticated` (or error 402),
// `subscribe`/`unsubscribe` -> `subscription`, then bars ('b'), quotes ('q') and trades ('t') pushed by the
// test to the sockets subscribed to that channel and symbol. msgpack comes from @msgpack/msgpack, the
// SDK's own dependency.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';

type Channel = 'trades' | 'quotes' | 'bars';
const CHANNELS: readonly Channel[] = ['trades', 'quotes', 'bars'];
const PATHS = new Set(['/v2/iex', '/v2/sip', '/v1beta3/crypto/us']);

interface Client {
  authed: boolean;
  readonly subs: Record<Channel, Set<string>>;
}

export class FakeAlpacaDataServer {
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #clients = new Map<WebSocket, Client>();
  #url = '';
  /** Subscribe requests received (a test checks re-subscription after a drop). */
  readonly subscribes: Record<string, unknown>[] = [];
  /** Historical bars served by GET /v2/stocks/bars and /v1beta3/crypto/us/bars, per symbol, oldest first. */
  readonly history = new Map<string, { t: number; o: number; h: number; l: number; c: number; v: number }[]>();
  /** REST requests (path and query), for paging tests. */
  readonly restLog: string[] = [];
  /** Bars per page at most (the API's `limit` caps it further). */
  pageSize = 1000;

  private constructor(
    readonly keyId: string,
    readonly secretKey: string,
  ) {
    this.#http = createServer((req, res) => this.#rest(req, res));
    this.#http.on('upgrade', (req, socket, head) => {
      if (!PATHS.has(new URL(req.url ?? '/', 'http://x').pathname)) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws));
    });
  }

  static async start(keyId = 'PKFAKEDATAKEY0000001', secretKey = 'fakeDataSecret00000000000000000000000001'): Promise<FakeAlpacaDataServer> {
    const s = new FakeAlpacaDataServer(keyId, secretKey);
    await new Promise<void>((r) => s.#http.listen(0, '127.0.0.1', r));
    s.#url = `ws://127.0.0.1:${(s.#http.address() as AddressInfo).port}`;
    return s;
  }

  get dataUrl(): string {
    return this.#url.replace(/^ws/, 'http');
  }
  get stockUrl(): string {
    return `${this.#url}/v2/iex`;
  }
  get cryptoUrl(): string {
    return `${this.#url}/v1beta3/crypto/us`;
  }

  /** Sockets authenticated and subscribed to something. */
  get subscribed(): number {
    return [...this.#clients.values()].filter((c) => c.authed && CHANNELS.some((ch) => c.subs[ch].size > 0)).length;
  }

  bar(symbol: string, b: { t: Date; o: number; h: number; l: number; c: number; v: number }): void {
    this.#push('bars', symbol, { T: 'b', S: symbol, ...b, n: 10, vw: b.c });
  }
  quote(symbol: string, q: { t: Date; bp: number; bs: number; ap: number; as: number }): void {
    this.#push('quotes', symbol, { T: 'q', S: symbol, bx: 'V', ax: 'V', c: ['R'], z: 'C', ...q });
  }
  trade(symbol: string, t: { t: Date; p: number; s: number; i: number; tks?: string }): void {
    this.#push('trades', symbol, { T: 't', S: symbol, x: 'V', c: ['@'], z: 'C', ...t });
  }
  /** Any frame, as is (bad-frame tests). */
  raw(channel: Channel, symbol: string, frame: Record<string, unknown>): void {
    this.#push(channel, symbol, frame);
  }

  dropAll(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropAll();
    this.#wss.close();
    await new Promise<void>((r) => this.#http.close(() => r()));
  }

  #rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.restLog.push(`${url.pathname}${url.search}`);
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    // Crypto data needs no credentials at Alpaca (the SDK sends none there); stocks do.
    const keyed = req.headers['apca-api-key-id'] !== undefined || url.pathname.startsWith('/v2/');
    if (keyed && (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secretKey)) return json(401, { code: 40110000, message: 'request is not authorized' });
    if (url.pathname !== '/v2/stocks/bars' && url.pathname !== '/v1beta3/crypto/us/bars') return json(404, { code: 40410000, message: 'endpoint not found' });
    const q = url.searchParams;
    const symbols = (q.get('symbols') ?? '').split(',').filter((x) => x !== '');
    const start = q.has('start') ? Date.parse(q.get('start')!) : -Infinity;
    const end = q.has('end') ? Date.parse(q.get('end')!) : Infinity;
    const limit = Math.min(Number(q.get('limit') ?? 1000), this.pageSize);
    const desc = q.get('sort') === 'desc';
    // One symbol per request here (what the adapter sends); the token is the offset into the range.
    const sym = symbols[0] ?? '';
    let list = (this.history.get(sym) ?? []).filter((b) => b.t >= start && b.t < end);
    if (desc) list = [...list].reverse();
    const offset = q.has('page_token') ? Number(Buffer.from(q.get('page_token')!, 'base64').toString()) : 0;
    const page = list.slice(offset, offset + limit);
    const next = offset + limit < list.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
    json(200, { bars: { [sym]: page.map((b) => ({ t: new Date(b.t).toISOString().replace('.000Z', 'Z'), o: b.o, h: b.h, l: b.l, c: b.c, v: b.v, n: 5, vw: b.c })) }, next_page_token: next, ...(url.pathname === '/v2/stocks/bars' && { currency: 'USD' }) });
  }

  #push(channel: Channel, symbol: string, frame: Record<string, unknown>): void {
    for (const [ws, c] of this.#clients) if (c.authed && c.subs[channel].has(symbol)) ws.send(encode([frame]));
  }

  #onSocket(ws: WebSocket): void {
    const c: Client = { authed: false, subs: { trades: new Set(), quotes: new Set(), bars: new Set() } };
    this.#clients.set(ws, c);
    const send = (frames: unknown[]): void => ws.send(encode(frames));
    ws.on('close', () => this.#clients.delete(ws));
    ws.on('message', (data: Buffer) => {
      let msg: Record<string, unknown>;
      try {
        msg = decode(data) as Record<string, unknown>;
      } catch {
        return send([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
      }
      if (msg.action === 'auth') {
        c.authed = msg.key === this.keyId && msg.secret === this.secretKey;
        if (c.authed) send([{ T: 'success', msg: 'authenticated' }]);
        else {
          send([{ T: 'error', code: 402, msg: 'auth failed' }]);
          ws.close();
        }
        return;
      }
      if (!c.authed) return send([{ T: 'error', code: 401, msg: 'not authenticated' }]);
      if (msg.action === 'subscribe' || msg.action === 'unsubscribe') {
        if (msg.action === 'subscribe') this.subscribes.push(msg);
        for (const ch of CHANNELS) {
          const list = Array.isArray(msg[ch]) ? (msg[ch] as string[]) : [];
          for (const s of list) {
            if (msg.action === 'subscribe') c.subs[ch].add(s);
            else c.subs[ch].delete(s);
          }
        }
        send([{ T: 'subscription', trades: [...c.subs.trades], quotes: [...c.subs.quotes], bars: [...c.subs.bars], updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: [], cancelErrors: [] }]);
      }
    });
    send([{ T: 'success', msg: 'connected' }]);
  }
}
