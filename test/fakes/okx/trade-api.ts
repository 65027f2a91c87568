// OKX's v5 trading API for spot cash accounts, faked over the shared matching engine (test/fakes/fake-exchange.ts),
// for the real ccxt / ccxt.pro okx client. It sits on the port of the fake market server (market-server.ts,
// `privateApi`), so one base URL and one stream origin serve market data and trading, as OKX's hosts do.
// Shapes follow OKX's API v5 documentation (www.okx.com/docs-v5: "Trade" REST, "Account" balance, the private
// WebSocket's login and "Order channel") as ccxt 4.5's okx.js and pro/okx.js read them:
// - REST signing: OK-ACCESS-KEY, OK-ACCESS-PASSPHRASE, OK-ACCESS-TIMESTAMP (ISO, within 30 s of the server)
//   and OK-ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + method + path?query + body)); failures are
//   OKX's 50111 (key), 50105 (passphrase), 50113 (sign), 50102 (timestamp) with HTTP 401.
// - POST /api/v5/trade/order and /trade/batch-orders (ccxt's default: one order in a list), /trade/cancel-order,
//   /trade/amend-order: replies `{code, msg, data:[{ordId, clOrdId, sCode, sMsg}]}` (code "1" when it failed:
//   51000 parameter, 51001 instrument, 51008 balance, 51016 duplicated clOrdId, 51400-51402 cancel,
//   51503/51509 amend); GET /trade/order (51603 when unknown), /trade/orders-pending, /trade/fills-history
//   (newest first, at most 100, `after`/`before` by billId, `begin`/`end` by time, `ordId`), /account/balance,
//   /public/time.
// - clOrdId: 1-32 letters and digits, unique among working orders.
// - /ws/v5/private: `{op:"login", args:[{apiKey, passphrase, timestamp (s), sign}]}` with sign =
//   base64(HMAC(secret, timestamp + "GET/users/self/verify")) -> `{event:"login", code:"0"}` (60009 otherwise);
//   `{op:"subscribe", args:[{channel:"orders", instType}]}` only after login (60011 before); the orders channel
//   pushes the order's state at each change, and one push per fill carrying tradeId, fillPx, fillSz, fillFee
//   (negative: charged), fillFeeCcy, fillTime and execType.
// Simplification: the fake's engine charges commission in the quote currency, so every fee here is in USDT (OKX
// charges a spot buy in the base currency); the balances add up either way.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeExchange, isWorking, type FakeFill, type FakeOrder, type FakeRefusal } from '../fake-exchange.ts';
import type { OkxInstrument, OkxPrivateApi } from './market-server.ts';

export interface OkxTradeOptions {
  readonly apiKey?: string;
  readonly secret?: string;
  readonly passphrase?: string;
  readonly cash?: number;
  readonly commissionRate?: number;
  /** The venue's clock for orders and fills (default: the engine's own, a 2024 date moved by each quote). */
  readonly now?: () => number;
}

interface PrivateConn { readonly ws: WebSocket; loggedIn: boolean; orders: boolean }

type Json = Record<string, unknown>;

const CLORDID = /^[A-Za-z0-9]{1,32}$/;

export class FakeOkxTrading implements OkxPrivateApi {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
  readonly exchange: FakeExchange;
  /** Every signed REST call as `METHOD path`, in order. */
  readonly calls: string[] = [];
  /** Every login attempt on /ws/v5/private and whether it was accepted. */
  readonly logins: boolean[] = [];
  /** Refuse new private sockets (the link is down). */
  refuseStreams = false;
  /** How long a subscription to the orders channel takes to be in place (and acknowledged) after it is asked. */
  subscribeDelayMs = 0;
  /** Called after each accepted login (tests act in the moment before the subscription is in place). */
  onLogin: (() => void) | null = null;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #conns = new Set<PrivateConn>();
  readonly #byInst: Map<string, OkxInstrument>;
  /** billId of each fill, by trade id (ascending with time). */
  readonly #bills = new Map<string, string>();
  /** The fill the engine just made, pushed with its order's next state. */
  #justFilled: FakeFill | null = null;
  #bill = 800_000_000;

  constructor(instruments: readonly OkxInstrument[], opts: OkxTradeOptions = {}) {
    this.apiKey = opts.apiKey ?? 'okx-fake-key';
    this.secret = opts.secret ?? 'okx-fake-secret';
    this.passphrase = opts.passphrase ?? 'okx-fake-passphrase';
    this.#byInst = new Map(instruments.map((i) => [i.instId, i]));
    this.exchange = new FakeExchange({
      symbols: instruments.map((i) => i.instId), cash: opts.cash ?? 100_000, currency: 'USDT', clientIds: 'open-orders',
      fractional: true, cashOnly: true, commissionRate: opts.commissionRate ?? 0.001, ...(opts.now !== undefined && { now: opts.now }),
    });
    this.exchange.on('fill', (f) => {
      this.#bills.set(f.tradeId, String(++this.#bill));
      this.#justFilled = f;
    });
    this.exchange.on('order', (o) => {
      const f = this.#justFilled?.venueOrderId === o.venueOrderId ? this.#justFilled : null;
      this.#justFilled = null;
      this.#pushOrder(o, f);
    });
  }

  /** Sets an instrument's best bid and ask in the matcher (working orders execute against it). */
  quote(instId: string, q: { bid: number; ask: number; bidSize?: number; askSize?: number }): void {
    this.exchange.quote(instId, q);
  }

  /** Drops every private socket (the fake keeps serving REST). */
  dropStreams(): void {
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
  }

  /** Private sockets logged in and subscribed to the orders channel. */
  get orderSubscribers(): number {
    return [...this.#conns].filter((c) => c.loggedIn && c.orders).length;
  }

  close(): void {
    this.dropStreams();
    this.#wss.close();
  }

  // ---- OkxPrivateApi ---------------------------------------------------------------------------

  upgrade(path: string, req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (path !== '/ws/v5/private') return false;
    if (this.refuseStreams) {
      socket.destroy();
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    return true;
  }

  rest(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/api/v5/public/time') {
      send(res, 200, { code: '0', msg: '', data: [{ ts: String(Date.now()) }] });
      return true;
    }
    if (!path.startsWith('/api/v5/trade/') && !path.startsWith('/api/v5/account/')) return false;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const bad = this.#authProblem(req, url, body);
      if (bad !== null) return send(res, 401, { code: bad.code, msg: bad.msg, data: [] });
      this.calls.push(`${req.method} ${path}`);
      const query = Object.fromEntries(url.searchParams);
      try {
        send(res, 200, this.#route(req.method ?? 'GET', path, query, body === '' ? {} : JSON.parse(body)));
      } catch (e) {
        send(res, 400, { code: '50000', msg: `Body can not be empty or not JSON: ${String(e)}`, data: [] });
      }
    });
    return true;
  }

  // ---- REST ------------------------------------------------------------------------------------

  #authProblem(req: IncomingMessage, url: URL, body: string): { code: string; msg: string } | null {
    const h = (k: string): string => String(req.headers[k] ?? '');
    if (h('ok-access-key') !== this.apiKey) return { code: '50111', msg: 'Invalid OK-ACCESS-KEY' };
    if (h('ok-access-passphrase') !== this.passphrase) return { code: '50105', msg: 'Invalid OK-ACCESS-PASSPHRASE' };
    const ts = h('ok-access-timestamp');
    const signed = `${ts}${req.method ?? 'GET'}${url.pathname}${url.search}${body}`;
    if (!sameText(hmacBase64(this.secret, signed), h('ok-access-sign'))) return { code: '50113', msg: 'Invalid Sign' };
    const t = Date.parse(ts);
    if (!Number.isFinite(t) || Math.abs(Date.now() - t) > 30_000) return { code: '50102', msg: 'Timestamp request expired' };
    return null;
  }

  #route(method: string, path: string, q: Record<string, string>, body: unknown): Json {
    const key = `${method} ${path}`;
    switch (key) {
      case 'POST /api/v5/trade/order':
        return this.#placeAll([body as Json]);
      case 'POST /api/v5/trade/batch-orders':
        return this.#placeAll(Array.isArray(body) ? (body as Json[]) : [body as Json]);
      case 'POST /api/v5/trade/cancel-order':
        return this.#cancel(body as Json);
      case 'POST /api/v5/trade/amend-order':
        return this.#amend(body as Json);
      case 'GET /api/v5/trade/order': {
        const o = this.#find(q);
        if (o === undefined || o.symbol !== q.instId) return { code: '51603', msg: 'Order does not exist', data: [] };
        return ok([this.#orderJson(o, null)]);
      }
      case 'GET /api/v5/trade/orders-pending':
        return ok(this.exchange.openOrders(q.instId).filter(() => q.instType === undefined || q.instType === 'SPOT').reverse().slice(0, Math.min(Number(q.limit ?? 100), 100)).map((o) => this.#orderJson(o, null)));
      case 'GET /api/v5/trade/fills-history':
      case 'GET /api/v5/trade/fills':
        return ok(this.#fills(q));
      case 'GET /api/v5/account/balance':
        return ok([this.#balance()]);
      default:
        return { code: '50030', msg: `No permission to use this API: ${key}`, data: [] };
    }
  }

  #placeAll(reqs: Json[]): Json {
    const data = reqs.map((r) => this.#place(r));
    const failed = data.filter((d) => d.sCode !== '0').length;
    return { code: failed === 0 ? '0' : failed === data.length ? '1' : '2', msg: failed === 0 ? '' : 'All operations failed', data };
  }

  #place(r: Json): Json {
    const clOrdId = str(r.clOrdId);
    const fail = (sCode: string, sMsg: string): Json => ({ ordId: '', clOrdId, tag: str(r.tag), ts: String(Date.now()), sCode, sMsg });
    if (clOrdId !== '' && !CLORDID.test(clOrdId)) return fail('51000', 'Parameter clOrdId error');
    const inst = this.#byInst.get(str(r.instId));
    if (inst === undefined) return fail('51001', "Instrument ID doesn't exist.");
    if (str(r.tdMode) !== 'cash') return fail('51000', 'Parameter tdMode error');
    const side = str(r.side);
    if (side !== 'buy' && side !== 'sell') return fail('51000', 'Parameter side error');
    const ordType = str(r.ordType);
    const sz = Number(r.sz);
    if (!(sz > 0)) return fail('51000', 'Parameter sz error');
    const px = Number(r.px);
    const limited = ordType === 'limit' || ordType === 'post_only' || ordType === 'ioc' || ordType === 'fok';
    if (!limited && ordType !== 'market') return fail('51000', 'Parameter ordType error');
    if (limited && !(px > 0)) return fail('51000', 'Parameter px error');
    let qty = sz;
    // A spot market buy's sz is in the quote currency unless tgtCcy says base_ccy.
    if (ordType === 'market' && side === 'buy' && str(r.tgtCcy) !== 'base_ccy') {
      const ask = this.exchange.quoteOf(inst.instId)?.ask;
      if (ask === undefined) return fail('51000', 'Parameter sz error');
      qty = sz / ask;
    }
    const tif = ordType === 'ioc' ? 'IOC' : ordType === 'fok' ? 'FOK' : 'GTC';
    const res = this.exchange.place({ clientOrderId: clOrdId === '' ? `okx${Date.now()}${Math.random().toString(36).slice(2, 8)}` : clOrdId, symbol: inst.instId, side, type: limited ? 'limit' : 'market', tif, qty, ...(limited && { limitPrice: px }) });
    if (!res.ok) return fail(...refusal(res.code, res.message));
    return { ordId: res.order.venueOrderId, clOrdId, tag: str(r.tag), ts: String(Date.now()), sCode: '0', sMsg: 'Order placed' };
  }

  #cancel(r: Json): Json {
    const o = this.#find({ ordId: str(r.ordId), clOrdId: str(r.clOrdId) });
    const one = (sCode: string, sMsg: string): Json => ({ code: sCode === '0' ? '0' : '1', msg: '', data: [{ ordId: o?.venueOrderId ?? str(r.ordId), clOrdId: o?.clientOrderId ?? str(r.clOrdId), ts: String(Date.now()), sCode, sMsg }] });
    if (o === undefined || o.symbol !== str(r.instId)) return one('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist');
    if (o.status === 'filled') return one('51402', 'Order cancellation failed as the order has been completed.');
    if (!isWorking(o)) return one('51401', 'Order cancellation failed as the order has been canceled.');
    this.exchange.cancel({ venueOrderId: o.venueOrderId });
    return one('0', '');
  }

  #amend(r: Json): Json {
    const o = this.#find({ ordId: str(r.ordId), clOrdId: str(r.clOrdId) });
    const one = (sCode: string, sMsg: string): Json => ({ code: sCode === '0' ? '0' : '1', msg: '', data: [{ ordId: o?.venueOrderId ?? str(r.ordId), clOrdId: o?.clientOrderId ?? str(r.clOrdId), reqId: str(r.reqId), ts: String(Date.now()), sCode, sMsg }] });
    if (o === undefined || o.symbol !== str(r.instId)) return one('51503', 'Order modification failed as the order does not exist.');
    if (!isWorking(o)) return one('51509', 'Modification failed as the order has been canceled or completed.');
    const m: { qty?: number; limitPrice?: number } = {};
    if (r.newSz !== undefined) m.qty = Number(r.newSz);
    if (r.newPx !== undefined) m.limitPrice = Number(r.newPx);
    if (o.type === 'market' || (m.qty === undefined && m.limitPrice === undefined)) return one('51000', 'Parameter newSz error');
    const res = this.exchange.modify({ venueOrderId: o.venueOrderId }, m);
    if (!res.ok) return one('51000', `Parameter newSz error: ${res.message}`);
    return one('0', '');
  }

  #find(q: { ordId?: string; clOrdId?: string }): FakeOrder | undefined {
    if (q.ordId !== undefined && q.ordId !== '') return this.exchange.order({ venueOrderId: q.ordId });
    if (q.clOrdId !== undefined && q.clOrdId !== '') return this.exchange.order({ clientOrderId: q.clOrdId });
    return undefined;
  }

  #fills(q: Record<string, string>): Json[] {
    const limit = Math.min(Number(q.limit ?? 100), 100);
    const rows = this.exchange
      .fills()
      .filter((f) => (q.instId === undefined || f.symbol === q.instId) && (q.ordId === undefined || f.venueOrderId === q.ordId))
      .filter((f) => (q.begin === undefined || f.tsMs >= Number(q.begin)) && (q.end === undefined || f.tsMs <= Number(q.end)))
      .filter((f) => (q.after === undefined || Number(this.#bills.get(f.tradeId)) < Number(q.after)) && (q.before === undefined || Number(this.#bills.get(f.tradeId)) > Number(q.before)))
      .reverse();
    return rows.slice(0, limit).map((f) => ({
      instType: 'SPOT', instId: f.symbol, tradeId: f.tradeId, ordId: f.venueOrderId, clOrdId: f.clientOrderId, billId: this.#bills.get(f.tradeId)!, subType: f.side === 'buy' ? '1' : '2', tag: '',
      fillPx: num(f.price), fillSz: num(f.qty), fillIdxPx: '', fillPnl: '0', fillPxVol: '', fillPxUsd: '', fillMarkVol: '', fillFwdPx: '', fillMarkPx: '',
      side: f.side, posSide: 'net', execType: f.liquidity === 'maker' ? 'M' : 'T', feeCcy: 'USDT', fee: num(-f.commission), feeRate: '', ts: String(f.tsMs), fillTime: String(f.tsMs),
    }));
  }

  #balance(): Json {
    const cash = this.exchange.balance();
    const details: Json[] = [{ ccy: 'USDT', eq: num(cash.total), cashBal: num(cash.total), availBal: num(cash.free), frozenBal: num(cash.locked), ordFrozen: num(cash.locked), uTime: String(Date.now()) }];
    for (const p of this.exchange.positions()) {
      const base = this.#byInst.get(p.symbol)!.base;
      const frozen = this.exchange.openOrders(p.symbol).filter((o) => o.side === 'sell').reduce((a, o) => a + o.qty - o.filledQty, 0);
      details.push({ ccy: base, eq: num(p.qty), cashBal: num(p.qty), availBal: num(p.qty - frozen), frozenBal: num(frozen), ordFrozen: num(frozen), uTime: String(Date.now()) });
    }
    return { uTime: String(Date.now()), totalEq: num(cash.total), adjEq: '', details };
  }

  /** OKX's order object (GET /trade/order, orders-pending, the orders channel); `fill` adds the push's trade fields. */
  #orderJson(o: FakeOrder, fill: FakeFill | null): Json {
    const fees = this.exchange.fills().filter((f) => f.venueOrderId === o.venueOrderId).reduce((a, f) => a + f.commission, 0);
    const ordType = o.type === 'market' ? 'market' : o.tif === 'IOC' ? 'ioc' : o.tif === 'FOK' ? 'fok' : 'limit';
    return {
      instType: 'SPOT', instId: o.symbol, tgtCcy: 'base_ccy', ccy: '', ordId: o.venueOrderId, clOrdId: o.clientOrderId, tag: '', px: o.limitPrice === null ? '' : num(o.limitPrice), pxUsd: '', pxVol: '', pxType: '',
      sz: num(o.qty), pnl: '0', ordType, side: o.side, posSide: 'net', tdMode: 'cash', accFillSz: num(o.filledQty), avgPx: o.filledQty > 0 ? num(o.avgFillPrice) : '',
      fillPx: fill === null ? '' : num(fill.price), tradeId: fill === null ? '' : fill.tradeId, fillSz: fill === null ? '0' : num(fill.qty), fillTime: fill === null ? '' : String(fill.tsMs),
      fillFee: fill === null ? '0' : num(-fill.commission), fillFeeCcy: fill === null ? '' : 'USDT', execType: fill === null ? '' : fill.liquidity === 'maker' ? 'M' : 'T',
      state: stateOf(o), lever: '', attachAlgoClOrdId: '', tpTriggerPx: '', tpTriggerPxType: '', tpOrdPx: '', slTriggerPx: '', slTriggerPxType: '', slOrdPx: '',
      feeCcy: 'USDT', fee: num(-fees), rebateCcy: 'USDT', rebate: '0', source: '', category: 'normal', reduceOnly: 'false', cancelSource: o.status === 'canceled' ? '1' : '', quickMgnType: '', stpId: '', stpMode: '',
      uTime: String(o.updatedMs), cTime: String(o.createdMs),
    };
  }

  // ---- /ws/v5/private ----------------------------------------------------------------------------

  #accept(ws: WebSocket): void {
    const conn: PrivateConn = { ws, loggedIn: false, orders: false };
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
    ws.on('message', (buf) => {
      const text = buf.toString();
      if (text === 'ping') return void ws.send('pong');
      let msg: { op?: string; args?: Json[] };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return void ws.send(JSON.stringify({ event: 'error', code: '60012', msg: `Illegal request: ${text}` }));
      }
      if (msg.op === 'login') {
        const a = msg.args?.[0] ?? {};
        const ts = str(a.timestamp);
        const good = a.apiKey === this.apiKey && a.passphrase === this.passphrase && Math.abs(Date.now() / 1000 - Number(ts)) <= 30 && sameText(hmacBase64(this.secret, `${ts}GET/users/self/verify`), str(a.sign));
        this.logins.push(good);
        if (!good) return void ws.send(JSON.stringify({ event: 'error', code: '60009', msg: 'Login failed.', connId: 'fake' }));
        conn.loggedIn = true;
        ws.send(JSON.stringify({ event: 'login', code: '0', msg: '', connId: 'fake' }));
        return void this.onLogin?.();
      }
      if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe') return void ws.send(JSON.stringify({ event: 'error', code: '60012', msg: `Illegal request: ${text}` }));
      for (const arg of msg.args ?? []) {
        if (!conn.loggedIn) {
          ws.send(JSON.stringify({ event: 'error', code: '60011', msg: 'Please log in', connId: 'fake' }));
          continue;
        }
        const channel = str(arg.channel);
        const instType = str(arg.instType);
        if (channel !== 'orders' || !['SPOT', 'ANY'].includes(instType)) {
          ws.send(JSON.stringify({ event: 'error', code: '60018', msg: `Wrong URL or channel:${channel},instType:${instType} doesn't exist.`, connId: 'fake' }));
          continue;
        }
        const done = (): void => {
          conn.orders = msg.op === 'subscribe';
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: msg.op, arg: { channel, instType }, connId: 'fake' }));
        };
        if (this.subscribeDelayMs > 0) setTimeout(done, this.subscribeDelayMs);
        else done();
      }
    });
  }

  #pushOrder(o: FakeOrder, fill: FakeFill | null): void {
    const text = JSON.stringify({ arg: { channel: 'orders', instType: 'SPOT', uid: '44705892343619584' }, data: [this.#orderJson(o, fill)] });
    for (const c of this.#conns) if (c.loggedIn && c.orders && c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }
}

function stateOf(o: FakeOrder): string {
  switch (o.status) {
    case 'new':
      return 'live';
    case 'partially-filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'canceled':
    case 'expired':
    case 'rejected':
      // An IOC/FOK remainder ends as canceled at OKX.
      return 'canceled';
  }
}

function refusal(code: FakeRefusal, message: string): [string, string] {
  switch (code) {
    case 'duplicate':
      return ['51016', 'Duplicated clOrdId'];
    case 'insufficient-funds':
    case 'insufficient-position':
      return ['51008', `Order failed. Insufficient balance. (${message})`];
    case 'unknown-symbol':
      return ['51001', "Instrument ID doesn't exist."];
    case 'invalid':
    case 'unknown-order':
    case 'finished':
      return ['51000', `Parameter sz error (${message})`];
  }
}

function ok(data: unknown[]): Json {
  return { code: '0', msg: '', data };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function hmacBase64(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
/** A decimal string as OKX writes amounts (no exponent, float noise cut at 12 places). */
const num = (x: number): string => String(Number(x.toFixed(12)));
