// A fake Alpaca market-data stream on 127.0.0.1 (random port): `/v2/iex`, `/v2/sip` (stocks) and
// `/v1beta3/crypto/us`, msgpack frames as the real one sends them (arrays of {T: ...} objects; times as the
// msgpack timestamp extension): `success`/`connected` on open, `auth` -> `authenticated` (or error 402),
// `subscribe`/`unsubscribe` -> `subscription`, then bars ('b'), quotes ('q') and trades ('t') pushed by the
// test to the sockets subscribed to that channel and symbol. msgpack comes from @msgpack/msgpack, the
// SDK's own dependency.
import { createServer, type Server } from 'node:http';
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

  private constructor(
    readonly keyId: string,
    readonly secretKey: string,
  ) {
    this.#http = createServer((_req, res) => res.writeHead(404).end());
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
