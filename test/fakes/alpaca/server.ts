// A fake Alpaca Trading API on 127.0.0.1 (random port): the real paths and payloads of the Trading API v2
// over node:http, and the trade_updates WebSocket (authenticate, listen, then JSON frames sent as binary
// like the paper stream), both wrapping the shared FakeExchange matcher with client order ids unique
// for ever as Alpaca keeps them. Faults (faults.ts) are injected per request and per stream frame.
// The matcher's request log proves no client order id was ever accepted twice. Order classes (bracket, OTO,
// OCO; order-classes.ts): legs wait here, 'held', until their parent fills, then work in the matcher under
// the ids Alpaca gave them; a fill of one cancels the other.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeExchange, isWorking, type FakeFill, type FakeOrder, type FakeOrderRequest, type FakeQuote } from '../fake-exchange.ts';
import { AlpacaFaults, type RestFault } from './faults.ts';
import { heldLegJson, makeLegs, parseClassRequest, type FakeLeg } from './order-classes.ts';
import { accountJson, alpacaStatus, dec, fillActivity, isCryptoSymbol, orderJson, positionJson, time, uuidOf, type FillActivity, type OrderOverlay } from './payloads.ts';

export interface FakeAlpacaOptions {
  readonly symbols: readonly string[];
  readonly cash?: number;
  readonly currency?: string;
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly now?: () => number;
  readonly faults?: AlpacaFaults;
  /** Debug lines (upgrades, stream drops). */
  readonly log?: (line: string) => void;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface HttpLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number | 'no-answer';
  readonly fault?: string;
  /** The credential headers as received (a test checks they were Alpaca's and only there). */
  readonly keyId?: string;
  /** Wall-clock arrival (rate-limit tests). */
  readonly atMs: number;
  /** For order requests: the client order id sent. */
  readonly clientOrderId?: string;
}

const err = (status: number, code: number, message: string): Answer => ({ status, body: { code, message } });
const TIFS = new Set(['day', 'gtc', 'opg', 'cls', 'ioc', 'fok']);
const TYPES: Record<string, FakeOrder['type']> = { market: 'market', limit: 'limit', stop: 'stop', stop_limit: 'stop-limit', trailing_stop: 'trailing-stop' };
const DECIMAL = /^\d+(\.\d+)?$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class FakeAlpacaServer {
  readonly exchange: FakeExchange;
  readonly faults: AlpacaFaults;
  readonly httpLog: HttpLogEntry[] = [];
  readonly keyId: string;
  readonly secretKey: string;
  /** Trade update frames sent (duplicates included). */
  framesSent = 0;
  /** Rewrites a JSON answer before it is sent (bad-payload tests); identity when unset. */
  tamperRest: ((method: string, path: string, body: unknown) => unknown) | null = null;
  /** Rewrites a trade update frame's data before it is sent. */
  tamperFrame: ((data: Record<string, unknown>) => Record<string, unknown>) | null = null;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Set<Socket>();
  readonly #listeners = new Set<WebSocket>();
  readonly #overlay = new Map<string, OrderOverlay>();
  readonly #byUuid = new Map<string, string>();
  /** Alpaca ids decided before the matcher places the order (a leg keeps the id it had while held). */
  readonly #presetIds = new Map<string, string>();
  readonly #tifByClientId = new Map<string, string>();
  readonly #lastStatus = new Map<string, string>();
  readonly #replacing = new Set<string>();
  readonly #activities: FillActivity[] = [];
  /** Order classes: the parent's client order id -> its class and its legs; a leg's client order ids (its replacements' too) and id -> the leg. */
  readonly #classOf = new Map<string, string>();
  readonly #legsOf = new Map<string, FakeLeg[]>();
  readonly #legByClientId = new Map<string, FakeLeg>();
  readonly #legById = new Map<string, FakeLeg>();
  #buffer: string[] | null = null;
  #held: string | null = null;
  #down = false;
  #url = '';

  private constructor(opts: FakeAlpacaOptions) {
    this.keyId = opts.keyId ?? 'PKFAKEKEYID0000000001';
    this.secretKey = opts.secretKey ?? 'fakeSecretKey0000000000000000000000000001';
    this.faults = opts.faults ?? new AlpacaFaults();
    this.exchange = new FakeExchange({
      symbols: opts.symbols, cash: opts.cash ?? 100_000, currency: opts.currency ?? 'USD', clientIds: 'forever',
      shorting: true, fractional: true, commissionRate: 0, cashOnly: true, ...(opts.now !== undefined && { now: opts.now }),
    });
    this.exchange.on('order', (o) => this.#onOrder(o));
    this.exchange.on('fill', (f, o) => this.#onFill(f, o));
    this.#http = createServer((req, res) => void this.#handle(req, res));
    this.#http.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    this.#http.on('upgrade', (req, socket, head) => {
      opts.log?.(`fake: upgrade ${req.url} down=${this.#down}`);
      if (this.#down || new URL(req.url ?? '/', 'http://x').pathname !== '/stream') {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        opts.log?.('fake: upgraded');
        this.#onSocket(ws);
      });
    });
  }

  static async start(opts: FakeAlpacaOptions): Promise<FakeAlpacaServer> {
    const s = new FakeAlpacaServer(opts);
    await new Promise<void>((resolve) => s.#http.listen(0, '127.0.0.1', resolve));
    s.#url = `127.0.0.1:${(s.#http.address() as AddressInfo).port}`;
    return s;
  }

  get baseUrl(): string {
    return `http://${this.#url}`;
  }
  get streamUrl(): string {
    return `ws://${this.#url}/stream`;
  }

  quote(symbol: string, q: FakeQuote): void {
    this.exchange.quote(symbol, q);
  }

  /** The venue becomes unreachable: stream sockets close, new connections and requests are refused. */
  dropConnection(): void {
    this.#down = true;
    for (const ws of this.#wss.clients) ws.terminate();
  }

  restoreConnection(): void {
    this.#down = false;
  }

  /** Closes every stream socket (the client reconnects at once). */
  dropStreams(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  /** Client order ids the venue accepted more than once (must stay empty). */
  duplicateAcceptances(): string[] {
    return this.exchange.duplicateAcceptances();
  }

  /**
   * What Alpaca holds for a Sextant order: the orders sent under its id and its replacements
   * (`<id>~r<n>`), the one standing now (not replaced), and what they filled in all.
   */
  venueViewOf(baseId: string): { readonly standing: FakeOrder | null; readonly status: string | null; readonly filledQty: number; readonly orders: number } {
    const mine = this.exchange.allOrders().filter((o) => o.clientOrderId === baseId || o.clientOrderId.startsWith(`${baseId}~r`));
    const standing = mine.find((o) => this.#ov(o).replacedBy === null) ?? null;
    return { standing, status: standing === null ? null : alpacaStatus(standing, this.#ov(standing)), filledQty: mine.reduce((a, o) => a + o.filledQty, 0), orders: mine.length };
  }

  /** The Alpaca view of an order by client order id (tests compare it with what the client reports). */
  orderJsonByClientId(clientOrderId: string): Record<string, unknown> | null {
    const o = this.exchange.order({ clientOrderId });
    return o === undefined ? null : this.#json(o, true);
  }

  /** The legs of a bracket/OTO/OCO parent as Alpaca shows them now (held, or their matcher order). */
  legsOf(parentClientId: string): Record<string, unknown>[] {
    return (this.#legsOf.get(parentClientId) ?? []).map((l) => this.#legJson(l));
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#http.close(() => r()));
  }

  // --- HTTP ---

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (this.#down) {
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const key = header(req, 'apca-api-key-id');
    const atMs = Date.now();
    const cid = clientIdOf(raw) ?? url.searchParams.get('client_order_id') ?? undefined;
    const log = (status: HttpLogEntry['status'], fault?: string): void =>
      void this.httpLog.push({ method, path, status, atMs, ...(fault !== undefined && { fault }), ...(key !== undefined && { keyId: key }), ...(cid !== undefined && { clientOrderId: cid }) });
    if (key !== this.keyId || header(req, 'apca-api-secret-key') !== this.secretKey) {
      log(401);
      return send(res, err(401, 40110000, 'request is not authorized'));
    }
    const fault = this.faults.take(method, path);
    const answer = async (): Promise<Answer> => {
      try {
        const a = this.#route(method, path, url.searchParams, raw);
        return this.tamperRest === null || a.body === undefined || a.status >= 300 ? a : { ...a, body: this.tamperRest(method, path, a.body) };
      } catch (e) {
        return err(500, 50010000, `internal server error: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    if (fault === null) {
      const a = await answer();
      log(a.status);
      return send(res, a);
    }
    await this.#faulty(fault, req, res, answer, (s) => log(s, fault.kind));
  }

  async #faulty(f: RestFault, req: IncomingMessage, res: ServerResponse, answer: () => Promise<Answer>, log: (s: HttpLogEntry['status']) => void): Promise<void> {
    const hang = f.delayMs ?? 2_000;
    switch (f.kind) {
      case 'lost-request':
        log('no-answer');
        setTimeout(() => req.socket.destroy(), hang).unref();
        return;
      case 'late-request': {
        await sleep(hang);
        const a = await answer();
        log(a.status);
        return send(res, a);
      }
      case '429':
        log(429);
        return send(res, { ...err(429, 42910000, 'rate limit exceeded'), headers: { 'Retry-After': String(f.retryAfterS ?? 1), 'X-RateLimit-Limit': '200', 'X-RateLimit-Remaining': '0' } });
      case '500':
        log(500);
        return send(res, err(500, 50010000, 'internal server error'));
      case 'lost-reply': {
        await answer();
        log('no-answer');
        setTimeout(() => req.socket.destroy(), hang).unref();
        return;
      }
      case 'delay': {
        const a = await answer();
        log(a.status);
        await sleep(hang);
        return send(res, a);
      }
      case '503':
        await answer();
        log(503);
        return send(res, err(503, 50310000, 'service unavailable'));
      case 'malformed': {
        const a = await answer();
        log(a.status);
        const text = JSON.stringify(a.body ?? {});
        res.writeHead(a.status, { 'Content-Type': 'application/json' });
        res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
    }
  }

  #route(method: string, path: string, q: URLSearchParams, raw: string): Answer {
    if (path === '/v2/account' && method === 'GET') return { status: 200, body: this.#account() };
    if (path === '/v2/positions' && method === 'GET') return { status: 200, body: this.exchange.positions().map((p) => positionJson(p, this.#mid(p.symbol))) };
    if (path === '/v2/account/activities/FILL' && method === 'GET') return this.#fills(q);
    if (path === '/v2/orders:by_client_order_id' && method === 'GET') {
      const o = this.exchange.order({ clientOrderId: q.get('client_order_id') ?? '' });
      return o === undefined ? err(404, 40410000, 'order not found') : { status: 200, body: this.#json(o) };
    }
    if (path === '/v2/orders') {
      if (method === 'POST') return this.#submit(raw);
      if (method === 'GET') return this.#list(q);
      if (method === 'DELETE') {
        const canceled = this.exchange.cancelAll();
        return { status: 207, body: canceled.map((o) => ({ id: this.#ov(o).id, status: 200, body: this.#json(o) })) };
      }
    }
    const m = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (m !== null) {
      const venueId = this.#byUuid.get(decodeURIComponent(m[1]!));
      const o = venueId === undefined ? undefined : this.exchange.order({ venueOrderId: venueId });
      const held = this.#legById.get(decodeURIComponent(m[1]!));
      if (o === undefined && held !== undefined && held.matcherId === null) {
        if (method === 'GET') return { status: 200, body: heldLegJson(held) };
        if (method === 'DELETE') {
          if (held.heldStatus !== 'held') return err(422, 42210000, 'order is already in "canceled" state');
          this.#cancelLeg(held);
          return { status: 204 };
        }
        return err(422, 42210000, 'order is not in a replaceable state (held)');
      }
      if (o === undefined) return err(404, 40410000, 'order not found');
      if (method === 'GET') return { status: 200, body: this.#json(o, q.get('nested') === 'true') };
      if (method === 'DELETE') {
        if (!isWorking(o) || this.#ov(o).replacedBy !== null) return err(422, 42210000, `order is already in "${alpacaStatus(o, this.#ov(o))}" state`);
        this.exchange.cancel({ venueOrderId: o.venueOrderId });
        return { status: 204 };
      }
      if (method === 'PATCH') return this.#replace(o, raw);
    }
    return err(404, 40410000, `endpoint not found: ${method} ${path}`);
  }

  #submit(raw: string): Answer {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return err(400, 40010000, 'request body format is invalid');
    }
    const str = (k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : typeof b[k] === 'number' ? String(b[k]) : undefined);
    const symbol = str('symbol');
    const side = str('side');
    const type = str('type');
    const tif = str('time_in_force');
    const qty = str('qty');
    const cid = str('client_order_id') ?? uuidOf(`anon-${this.exchange.requests.length}-${raw}`);
    if (symbol === undefined) return err(422, 40010001, 'symbol is required');
    if (qty === undefined || !DECIMAL.test(qty) || !(Number(qty) > 0)) return err(422, 40010001, 'qty must be a positive number');
    if (side !== 'buy' && side !== 'sell') return err(422, 40010001, 'side must be buy or sell');
    if (type === undefined || TYPES[type] === undefined) return err(422, 40010001, `invalid order type: ${type}`);
    if (tif === undefined || !TIFS.has(tif)) return err(422, 40010001, `invalid time_in_force: ${tif}`);
    if (cid.length > 128) return err(422, 40010001, 'client_order_id must be no more than 128 characters');
    const price = (k: string): number | undefined | null => {
      const v = str(k);
      if (v === undefined) return undefined;
      return DECIMAL.test(v) && Number(v) > 0 ? Number(v) : null;
    };
    let limit = price('limit_price');
    const stop = price('stop_price');
    const trailPrice = price('trail_price');
    const trailPct = price('trail_percent');
    if (limit === null || stop === null || trailPrice === null || trailPct === null) return err(422, 40010001, 'prices must be positive decimals');
    const cls = parseClassRequest(b, { symbol, side, type, tif, qty, limit, crypto: isCryptoSymbol(symbol) });
    if (cls !== null && 'error' in cls) return err(422, 40010001, cls.error);
    // An OCO's parent is its take-profit: its limit price is take_profit.limit_price.
    if (cls?.orderClass === 'oco') limit ??= cls.takeProfit!.limitPrice;
    const t = TYPES[type]!;
    if ((t === 'limit' || t === 'stop-limit') && limit === undefined) return err(422, 40010001, 'limit_price is required for limit orders');
    if ((t === 'stop' || t === 'stop-limit') && stop === undefined) return err(422, 40010001, 'stop_price is required for stop orders');
    if (t === 'trailing-stop' && (trailPrice === undefined) === (trailPct === undefined)) return err(422, 40010001, 'trailing stop orders need exactly one of trail_price or trail_percent');
    const crypto = isCryptoSymbol(symbol);
    if (crypto && tif !== 'gtc' && tif !== 'ioc') return err(422, 40010001, 'invalid crypto time_in_force');
    if (crypto && (t === 'stop' || t === 'trailing-stop')) return err(422, 40010001, `crypto orders do not support ${type}`);
    if (!crypto && !Number.isInteger(Number(qty)) && tif !== 'day') return err(422, 40010001, 'fractional orders must be DAY orders');
    this.#tifByClientId.set(cid, tif);
    const req: FakeOrderRequest = {
      clientOrderId: cid, symbol, side, type: t, tif: tif === 'opg' || tif === 'cls' ? 'DAY' : tif.toUpperCase(), qty: Number(qty),
      ...(limit !== undefined && { limitPrice: limit }), ...(stop !== undefined && { stopPrice: stop }),
      ...(trailPrice !== undefined && { trailing: { kind: 'amount' as const, value: trailPrice } }),
      ...(trailPct !== undefined && { trailing: { kind: 'percent' as const, value: trailPct } }),
    };
    // Legs exist before the parent is placed: a parent filled on arrival activates them.
    const fresh = cls !== null && this.exchange.order({ clientOrderId: cid }) === undefined;
    if (fresh) {
      const legs = makeLegs(cid, cls, { symbol, side, qty: Number(qty), tif }, this.exchange.now());
      this.#classOf.set(cid, cls.orderClass);
      this.#legsOf.set(cid, legs);
      for (const l of legs) {
        this.#legByClientId.set(l.clientOrderId, l);
        this.#legById.set(l.id, l);
      }
    }
    const r = this.exchange.place(req);
    if (r.ok) {
      // An OCO's stop works from the start, beside its parent.
      if (cls?.orderClass === 'oco') for (const l of this.#legsOf.get(cid) ?? []) this.#activate(l);
      return { status: 200, body: this.#json(r.order, true) };
    }
    if (fresh) {
      for (const l of this.#legsOf.get(cid) ?? []) {
        this.#legByClientId.delete(l.clientOrderId);
        this.#legById.delete(l.id);
      }
      this.#classOf.delete(cid);
      this.#legsOf.delete(cid);
    }
    switch (r.code) {
      case 'duplicate':
        return err(422, 40010001, 'client_order_id must be unique');
      case 'insufficient-funds':
        return err(403, 40310000, 'insufficient buying power');
      case 'insufficient-position':
        return err(403, 40310000, 'insufficient qty available for order');
      case 'unknown-symbol':
        return err(422, 40010001, `asset "${symbol}" not found`);
      case 'invalid':
      case 'unknown-order':
      case 'finished':
        return err(422, 40010001, r.message);
    }
  }

  /** PATCH: Alpaca replaces the order with a new one (new id, new client order id); the old one ends 'replaced'. */
  #replace(old: FakeOrder, raw: string): Answer {
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return err(400, 40010000, 'request body format is invalid');
    }
    const ov = this.#ov(old);
    if (!isWorking(old) || ov.replacedBy !== null) return err(422, 42210000, `order is not in a replaceable state (${alpacaStatus(old, ov)})`);
    const num = (k: string): number | undefined | null => (b[k] === undefined || b[k] === null ? undefined : typeof b[k] === 'string' && DECIMAL.test(b[k]) && Number(b[k]) > 0 ? Number(b[k]) : null);
    const qty = num('qty');
    const limit = num('limit_price');
    const stop = num('stop_price');
    if (qty === null || limit === null || stop === null) return err(422, 40010001, 'qty and prices must be positive decimals');
    if (limit !== undefined && old.type !== 'limit' && old.type !== 'stop-limit') return err(422, 40010001, 'limit_price is only for limit orders');
    if (stop !== undefined && old.type !== 'stop' && old.type !== 'stop-limit') return err(422, 40010001, 'stop_price is only for stop orders');
    const cid = typeof b.client_order_id === 'string' ? b.client_order_id : uuidOf(`replace-${old.venueOrderId}-${raw}`);
    if (this.exchange.order({ clientOrderId: cid }) !== undefined) {
      this.exchange.requests.push({ tsMs: this.exchange.now(), clientOrderId: cid, accepted: false, code: 'duplicate' });
      return err(422, 40010001, 'client_order_id must be unique');
    }
    // The replacement is for what is left (or the quantity asked); the old order's fills stay with it.
    const req: FakeOrderRequest = {
      clientOrderId: cid, symbol: old.symbol, side: old.side, type: old.type, tif: old.tif, qty: qty ?? old.qty - old.filledQty,
      ...((limit ?? old.limitPrice) !== null && { limitPrice: (limit ?? old.limitPrice)! }),
      ...((stop ?? (old.type === 'trailing-stop' ? null : old.stopPrice)) !== null && { stopPrice: (stop ?? old.stopPrice)! }),
      ...(old.trailing !== null && { trailing: old.trailing }),
    };
    this.#tifByClientId.set(cid, ov.tif);
    // A replaced leg stays its parent's leg.
    const leg = this.#legByClientId.get(old.clientOrderId);
    if (leg !== undefined) this.#legByClientId.set(cid, leg);
    this.#replacing.add(old.venueOrderId);
    this.#buffer = [];
    this.exchange.cancel({ venueOrderId: old.venueOrderId });
    const r = this.exchange.place(req);
    const buffered = this.#buffer;
    this.#buffer = null;
    this.#replacing.delete(old.venueOrderId);
    if (!r.ok) {
      this.#broadcast(this.#frame('canceled', old));
      for (const f of buffered) this.#broadcast(f);
      return err(r.code === 'insufficient-funds' ? 403 : 422, 40010001, r.message);
    }
    ov.replacedBy = this.#ov(r.order).id;
    ov.replacedAtMs = this.exchange.now();
    if (leg !== undefined) leg.matcherId = r.order.venueOrderId;
    this.#ov(r.order).replaces = ov.id;
    this.#broadcast(this.#frame('replaced', old));
    for (const f of buffered) this.#broadcast(f);
    return { status: 200, body: this.#json(r.order) };
  }

  #list(q: URLSearchParams): Answer {
    const status = q.get('status') ?? 'open';
    const limit = Math.min(500, Number(q.get('limit') ?? 50));
    const symbols = q.get('symbols')?.split(',').filter((s) => s !== '');
    const after = q.has('after') ? Date.parse(q.get('after')!) : -Infinity;
    const until = q.has('until') ? Date.parse(q.get('until')!) : Infinity;
    // Flat (nested=false): legs are orders of their own, held ones included. Nested: legs ride in their
    // parent's `legs`, and a parent counts as open while any of its legs is.
    const nested = q.get('nested') === 'true';
    const rows: { readonly createdMs: number; readonly symbol: string; readonly open: boolean; readonly json: () => unknown }[] = [];
    for (const o of this.exchange.allOrders()) {
      if (nested && this.#legByClientId.has(o.clientOrderId)) continue;
      const legs = nested ? (this.#legsOf.get(o.clientOrderId) ?? []) : [];
      const open = (isWorking(o) && this.#ov(o).replacedBy === null) || legs.some((l) => this.#legOpen(l));
      rows.push({ createdMs: o.createdMs, symbol: o.symbol, open, json: () => this.#json(o, nested) });
    }
    if (!nested) for (const l of this.#legById.values()) if (l.matcherId === null) rows.push({ createdMs: l.createdMs, symbol: l.symbol, open: l.heldStatus === 'held', json: () => heldLegJson(l) });
    let list = rows
      .filter((r) => (status === 'all' || (status === 'open') === r.open) && (symbols === undefined || symbols.includes(r.symbol)) && r.createdMs > after && r.createdMs < until)
      .sort((a, b) => a.createdMs - b.createdMs);
    if ((q.get('direction') ?? 'desc') === 'desc') list = list.reverse();
    return { status: 200, body: list.slice(0, limit).map((r) => r.json()) };
  }

  // --- order classes ---

  /** An order as Alpaca shows it: with its class, and (`withLegs`: a parent) its legs. */
  #json(o: FakeOrder, withLegs = false): Record<string, unknown> {
    const j = orderJson(o, this.#ov(o));
    const leg = this.#legByClientId.get(o.clientOrderId);
    const cls = leg?.orderClass ?? this.#classOf.get(o.clientOrderId);
    if (cls === undefined) return j;
    const legs = leg === undefined ? this.#legsOf.get(o.clientOrderId) : undefined;
    // A leg is one order from its parent's request on, held or working: it keeps the time it was created
    // (a replacement of it is a new order, with its own).
    const created = leg !== undefined && leg.clientOrderId === o.clientOrderId ? { created_at: time(leg.createdMs) } : {};
    return { ...j, ...created, order_class: cls, legs: withLegs && legs !== undefined ? legs.map((l) => this.#legJson(l)) : null };
  }

  #legJson(l: FakeLeg): Record<string, unknown> {
    const m = l.matcherId === null ? undefined : this.exchange.order({ venueOrderId: l.matcherId });
    return m === undefined ? heldLegJson(l) : this.#json(m);
  }

  #legOpen(l: FakeLeg): boolean {
    const m = l.matcherId === null ? undefined : this.exchange.order({ venueOrderId: l.matcherId });
    return m === undefined ? l.heldStatus === 'held' : isWorking(m) && this.#ov(m).replacedBy === null;
  }

  /** A held leg starts working (its parent filled): placed in the matcher under the id Alpaca gave it. */
  #activate(l: FakeLeg, qty = l.qty): void {
    if (l.matcherId !== null || l.heldStatus !== 'held') return;
    l.qty = qty;
    this.#tifByClientId.set(l.clientOrderId, l.tif);
    this.#presetIds.set(l.clientOrderId, l.id);
    const r = this.exchange.place({
      clientOrderId: l.clientOrderId, symbol: l.symbol, side: l.side, type: l.type, tif: l.tif.toUpperCase(), qty,
      ...(l.limitPrice !== null && { limitPrice: l.limitPrice }), ...(l.stopPrice !== null && { stopPrice: l.stopPrice }),
    });
    if (r.ok) l.matcherId = r.order.venueOrderId;
    else this.#cancelLeg(l);
  }

  /** Cancels a leg: held, it ends here ('canceled' on the stream); working, in the matcher. */
  #cancelLeg(l: FakeLeg): void {
    if (l.matcherId !== null) {
      const m = this.exchange.order({ venueOrderId: l.matcherId });
      if (m !== undefined && isWorking(m)) this.exchange.cancel({ venueOrderId: m.venueOrderId });
      return;
    }
    if (l.heldStatus !== 'held') return;
    l.heldStatus = 'canceled';
    l.updatedMs = this.exchange.now();
    this.#broadcast(JSON.stringify({ stream: 'trade_updates', data: { event: 'canceled', timestamp: time(l.updatedMs), order: heldLegJson(l) } }));
  }

  /** After a fill that completed an order: a bracket/OTO parent's legs start; a leg's siblings (an OCO's parent too) are canceled. */
  #afterFill(o: FakeOrder): void {
    if (o.qty - o.filledQty > 1e-9) return;
    const legs = this.#legsOf.get(o.clientOrderId);
    if (legs !== undefined) {
      const oco = this.#classOf.get(o.clientOrderId) === 'oco';
      queueMicrotask(() => {
        for (const l of legs) {
          if (oco) this.#cancelLeg(l);
          else this.#activate(l);
        }
      });
    }
    const leg = this.#legByClientId.get(o.clientOrderId);
    if (leg !== undefined) {
      queueMicrotask(() => {
        for (const other of this.#legsOf.get(leg.parentClientId) ?? []) if (other !== leg) this.#cancelLeg(other);
        const parent = leg.orderClass === 'oco' ? this.exchange.order({ clientOrderId: leg.parentClientId }) : undefined;
        if (parent !== undefined && isWorking(parent)) this.exchange.cancel({ venueOrderId: parent.venueOrderId });
      });
    }
  }

  /** A parent that ended before filling: its held legs end too (or start for what it filled). */
  #afterEnd(o: FakeOrder): void {
    const legs = this.#legsOf.get(o.clientOrderId);
    if (legs === undefined || this.#classOf.get(o.clientOrderId) === 'oco') return;
    queueMicrotask(() => {
      for (const l of legs) {
        if (o.filledQty > 1e-9) this.#activate(l, o.filledQty);
        else this.#cancelLeg(l);
      }
    });
  }

  #fills(q: URLSearchParams): Answer {
    const after = q.has('after') ? Date.parse(q.get('after')!) : -Infinity;
    const until = q.has('until') ? Date.parse(q.get('until')!) : Infinity;
    const size = Math.min(100, Number(q.get('page_size') ?? 100));
    let list = this.#activities.filter((a) => a.tsMs > after && a.tsMs < until);
    if ((q.get('direction') ?? 'desc') === 'desc') list = [...list].reverse();
    const token = q.get('page_token');
    if (token !== null) {
      const i = list.findIndex((a) => a.id === token);
      list = i < 0 ? [] : list.slice(i + 1);
    }
    return { status: 200, body: list.slice(0, size).map((a) => a.json) };
  }

  #account(): Record<string, unknown> {
    const value = this.exchange.positions().reduce((a, p) => a + p.qty * (this.#mid(p.symbol) ?? p.avgPrice), 0);
    return accountJson(this.exchange.balance(), value, uuidOf('account'));
  }

  #mid(symbol: string): number | undefined {
    const q = this.exchange.quoteOf(symbol);
    return q === undefined ? undefined : (q.bid + q.ask) / 2;
  }

  #ov(o: FakeOrder): OrderOverlay {
    let ov = this.#overlay.get(o.venueOrderId);
    if (ov === undefined) {
      ov = { id: this.#presetIds.get(o.clientOrderId) ?? uuidOf(`order:${o.venueOrderId}`), assetId: uuidOf(o.symbol), tif: this.#tifByClientId.get(o.clientOrderId) ?? o.tif.toLowerCase(), replacedBy: null, replaces: null, replacedAtMs: null };
      this.#overlay.set(o.venueOrderId, ov);
      this.#byUuid.set(ov.id, o.venueOrderId);
    }
    return ov;
  }

  // --- trade_updates ---

  #onSocket(ws: WebSocket): void {
    let authed = false;
    const reply = (frame: unknown): void => ws.send(Buffer.from(JSON.stringify(frame)));
    ws.on('message', (data) => {
      let msg: { action?: string; data?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return reply({ stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate' } });
      }
      if (msg.action === 'authenticate') {
        authed = msg.data?.key_id === this.keyId && msg.data?.secret_key === this.secretKey;
        reply({ stream: 'authorization', data: { status: authed ? 'authorized' : 'unauthorized', action: 'authenticate' } });
        if (!authed) ws.close();
        return;
      }
      if (msg.action === 'listen') {
        if (!authed) return reply({ stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } });
        const streams = Array.isArray(msg.data?.streams) ? (msg.data.streams as unknown[]).filter((s) => s === 'trade_updates') : [];
        if (streams.length > 0) this.#listeners.add(ws);
        else this.#listeners.delete(ws);
        reply({ stream: 'listening', data: { streams } });
      }
    });
    ws.on('close', () => this.#listeners.delete(ws));
  }

  #frame(event: string, o: FakeOrder, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ stream: 'trade_updates', data: { event, timestamp: time(o.updatedMs), order: this.#json(o), ...extra } });
  }

  #onOrder(o: FakeOrder): void {
    const prev = this.#lastStatus.get(o.venueOrderId);
    this.#lastStatus.set(o.venueOrderId, o.status);
    if (prev === undefined) {
      this.#broadcast(this.#frame('pending_new', o));
      this.#broadcast(this.#frame('new', o));
      return;
    }
    if (prev === o.status) return;
    if (o.status === 'canceled' && !this.#replacing.has(o.venueOrderId)) this.#broadcast(this.#frame('canceled', o));
    if (o.status === 'expired') this.#broadcast(this.#frame('expired', o));
    if ((o.status === 'canceled' && !this.#replacing.has(o.venueOrderId)) || o.status === 'expired') this.#afterEnd(o);
  }

  #onFill(f: FakeFill, o: FakeOrder): void {
    const ov = this.#ov(o);
    this.#activities.push(fillActivity(f, o, ov.id));
    const pos = this.exchange.positions().find((p) => p.symbol === o.symbol)?.qty ?? 0;
    const event = o.qty - o.filledQty > 1e-9 ? 'partial_fill' : 'fill';
    this.#lastStatus.set(o.venueOrderId, o.status);
    const frame = JSON.stringify({
      stream: 'trade_updates',
      data: { event, execution_id: uuidOf(`exec:${f.tradeId}`), timestamp: time(f.tsMs), price: dec(f.price), qty: dec(f.qty), position_qty: dec(pos), order: this.#json(o) },
    });
    this.#afterFill(o);
    if (this.#buffer === null && this.faults.roll('dropOnFill')) {
      this.dropStreams();
      return;
    }
    this.#broadcast(frame);
  }

  #broadcast(frame: string): void {
    if (this.#buffer !== null) {
      this.#buffer.push(frame);
      return;
    }
    if (this.#held === null && this.faults.roll('reorder')) {
      this.#held = frame;
      setTimeout(() => this.#releaseHeld(), 20).unref();
      return;
    }
    this.#send(frame);
    this.#releaseHeld();
  }

  #releaseHeld(): void {
    const h = this.#held;
    this.#held = null;
    if (h !== null) this.#send(h);
  }

  #send(frame: string): void {
    if (this.tamperFrame !== null) {
      const f = JSON.parse(frame) as { stream: string; data: Record<string, unknown> };
      frame = JSON.stringify({ ...f, data: this.tamperFrame(f.data) });
    }
    const times = this.faults.roll('duplicate') ? 2 : 1;
    for (let i = 0; i < times; i++) {
      for (const ws of this.#listeners) ws.send(Buffer.from(frame));
      this.framesSent++;
    }
  }
}

function clientIdOf(raw: string): string | undefined {
  if (raw === '') return undefined;
  try {
    const b = JSON.parse(raw) as { client_order_id?: unknown };
    return typeof b.client_order_id === 'string' ? b.client_order_id : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function send(res: ServerResponse, a: Answer): void {
  if (res.destroyed) return;
  if (a.body === undefined) {
    res.writeHead(a.status, a.headers);
    res.end();
    return;
  }
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
  res.end(text);
}
