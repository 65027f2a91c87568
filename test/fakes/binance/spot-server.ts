// A fake Binance spot account on 127.0.0.1 speaking Binance's own protocol to the real ccxt / ccxt.pro
// clients: the signed REST trading and account endpoints under /api/v3 (order, openOrders, allOrders,
// myTrades, account, order/cancelReplace; plus time, ping, exchangeInfo) and the WebSocket API at
// /ws-api/v3 with the user-data stream subscription ccxt 4.5 uses (`userDataStream.subscribe.signature`;
// the REST listenKey endpoints were retired in 2026), pushing executionReport and
// outboundAccountPosition events wrapped as `{subscriptionId, event}`. Matching, cash and positions
// are the shared FakeExchange's; this file only translates (docs: Binance spot API rest-api.md,
// web-socket-api.md, user-data-stream.md, errors.md).
//
// Faults (spot-faults.ts) are switched on per request or at random: lost requests and answers, late
// answers, 429/418 with Retry-After, 5xx, malformed JSON, clock skew (-1021), user-data sockets dropped
// mid-fill, duplicated and reordered executionReports. `exchange.requests` logs every order request
// with whether it was accepted: the proof that no client order id was accepted twice.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeExchange, isWorking, type FakeFill, type FakeOrder, type FakeOrderRequest, type FakeType } from '../fake-exchange.ts';
import { exchangeInfo } from './market-payloads.ts';
import { checkSigned, splitSignature, wsSignedPayload } from './spot-auth.ts';
import { FaultPlan, seeded, type RestFault } from './spot-faults.ts';
import { accountInfo, accountPosition, cancelReply, dec, executionReport, myTrade, newOrderReply, orderInfo, type AssetBalance, type ExecType, type SpotSymbol } from './spot-payloads.ts';

export interface FakeBinanceSpotOptions {
  readonly symbols?: readonly SpotSymbol[];
  readonly quoteAsset?: string;
  readonly cash?: number;
  readonly commissionRate?: number;
  readonly apiKey?: string;
  readonly secret?: string;
  /** Seed of the fault plan's random choices. */
  readonly seed?: number;
  /** The venue's clock for order and trade times (default: the FakeExchange's own, a 2024 date advanced per quote). */
  readonly now?: () => number;
  /**
   * Fees charged in a third asset, as Binance's "pay fees with BNB": commissionRate of each fill's notional,
   * valued at `price` quote units per unit of `asset`, is taken from a balance of `balance` units of it (not
   * from the quote); <ASSET><QUOTE> is listed in exchangeInfo and its ticker (/api/v3/ticker/24hr) answers
   * `price` (feePrice changes it).
   */
  readonly feeAsset?: { readonly asset: string; readonly price: number; readonly balance: number };
}

/** A Binance error answer. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly data?: unknown,
  ) {
    super(msg);
  }
}

interface Conn {
  readonly ws: WebSocket;
  subscriptionId: number | null;
}

const LOT_STEP = 0.00001;
const TICK = 0.01;
const MIN_NOTIONAL = 5;
const SIGNED = new Set(['/api/v3/order', '/api/v3/openOrders', '/api/v3/allOrders', '/api/v3/myTrades', '/api/v3/account', '/api/v3/order/cancelReplace']);
const TYPES: Record<string, FakeType> = { MARKET: 'market', LIMIT: 'limit', LIMIT_MAKER: 'limit', STOP_LOSS: 'stop', STOP_LOSS_LIMIT: 'stop-limit' };
const EPS = 1e-9;

const missing = (p: string): ApiError => new ApiError(400, -1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`);
const onGrid = (x: number, step: number): boolean => Math.abs(Math.round(x / step) * step - x) <= EPS * Math.max(1, x);

export class FakeBinanceSpot {
  readonly exchange: FakeExchange;
  readonly faults: FaultPlan;
  readonly apiKey: string;
  readonly secret: string;
  /** Added to the server's wall clock (a client clock that drifted: -1021 beyond recvWindow). */
  skewMs = 0;
  /** User-data upgrades are refused while set (the venue is unreachable). */
  refuseStreams = false;
  /** Every REST request: method, path and parameters without the signature. */
  readonly log: { method: string; path: string; params: Record<string, string> }[] = [];
  /** Binance error codes answered, with how often (-1021 for a skewed clock, -2010, -2011, ...). */
  readonly errorCodes = new Map<number, number>();
  /** executionReports sent (each copy counted), and connections accepted on the WebSocket API. */
  reportsSent = 0;
  wsConnections = 0;
  readonly #symbols: Map<string, SpotSymbol>;
  readonly quoteAsset: string;
  readonly #conns = new Set<Conn>();
  readonly #reported = new Map<string, FakeOrder['status']>();
  readonly #cancelIds = new Map<string, string>();
  #held: Record<string, unknown>[] = [];
  #heldTimer: NodeJS.Timeout | null = null;
  #subscriptions = 0;
  #captured: FakeFill[] | null = null;
  /** Price of the fee asset in the quote (feeAsset), and what is left of it. */
  feePrice: number;
  #feeBalance: number;
  /** Fee asset charged per trade id (feeAsset only). */
  readonly #fees = new Map<string, number>();
  readonly #pending = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly opts: FakeBinanceSpotOptions,
  ) {
    const symbols = opts.symbols ?? [{ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }, { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' }];
    this.#symbols = new Map(symbols.map((s) => [s.symbol, s]));
    this.quoteAsset = opts.quoteAsset ?? symbols[0]!.quote;
    this.apiKey = opts.apiKey ?? 'fake-api-key';
    this.secret = opts.secret ?? 'fake-api-secret';
    this.feePrice = opts.feeAsset?.price ?? 0;
    this.#feeBalance = opts.feeAsset?.balance ?? 0;
    this.faults = new FaultPlan();
    if (opts.seed !== undefined) (this as { faults: FaultPlan }).faults = new FaultPlan(seeded(opts.seed));
    this.exchange = new FakeExchange({ symbols: [...this.#symbols.keys()], cash: opts.cash ?? 100_000, currency: this.quoteAsset, clientIds: 'open-orders', shorting: false, fractional: true, commissionRate: opts.feeAsset === undefined ? (opts.commissionRate ?? 0) : 0, cashOnly: true, ...(opts.now !== undefined && { now: opts.now }) });
    this.exchange.on('order', (o) => this.#onOrder(o));
    this.exchange.on('fill', (f, o) => {
      if (opts.feeAsset !== undefined) {
        // Charged as reported: Binance states (and takes) a commission to 8 decimals.
        const fee = Number(dec((f.qty * f.price * (opts.commissionRate ?? 0)) / this.feePrice));
        this.#fees.set(f.tradeId, fee);
        this.#feeBalance -= fee;
      }
      this.#captured?.push(f);
      this.#report(executionReport(o, 'TRADE', f.tsMs, this.#charged(f), this.#commissionAsset));
      this.#pushBalances();
    });
  }

  static async start(opts: FakeBinanceSpotOptions = {}): Promise<FakeBinanceSpot> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const fake = new FakeBinanceSpot(server, wss, opts);
    server.on('request', (req, res) => void fake.#rest(req, res));
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/ws-api/v3' || fake.refuseStreams) {
        socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => fake.#accept(ws));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  /** The WebSocket API endpoint, as ccxt.pro's `urls.api.ws['ws-api'].spot`. */
  get wsApiUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws-api/v3`;
  }

  /** Sets a symbol's (Binance id) best bid and ask; working orders execute against it. */
  quote(symbol: string, q: { bid: number; ask: number; bidSize?: number; askSize?: number }): void {
    this.exchange.quote(symbol, q);
  }

  /** Closes every WebSocket API connection (the venue dropped them). */
  dropStreams(): void {
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
  }

  /** Pushes a raw user-data event (a payload the venue should not have sent, in tests of the client's boundary). */
  injectEvent(event: Record<string, unknown>): void {
    this.#sendReport(event);
  }

  /** Subscribed user-data connections now. */
  get subscribers(): number {
    let n = 0;
    for (const c of this.#conns) if (c.subscriptionId !== null) n++;
    return n;
  }

  /** The asset fees are charged in. */
  get #commissionAsset(): string {
    return this.opts.feeAsset?.asset ?? this.quoteAsset;
  }

  /** A fill with the commission the venue charged (in the fee asset when there is one). */
  #charged(f: FakeFill): FakeFill {
    const fee = this.#fees.get(f.tradeId);
    return fee === undefined ? f : { ...f, commission: fee };
  }

  /** Balances per asset: the quote asset is the exchange's cash; a base asset is the position; then the fee asset. */
  balances(): AssetBalance[] {
    const cash = this.exchange.balance();
    const out: AssetBalance[] = [{ asset: this.quoteAsset, free: cash.free, locked: cash.locked }];
    const pos = new Map(this.exchange.positions().map((p) => [p.symbol, p.qty]));
    for (const s of this.#symbols.values()) {
      const qty = pos.get(s.symbol) ?? 0;
      const locked = this.exchange.openOrders(s.symbol).filter((o) => o.side === 'sell').reduce((a, o) => a + o.qty - o.filledQty, 0);
      out.push({ asset: s.base, free: qty - locked, locked });
    }
    if (this.opts.feeAsset !== undefined) out.push({ asset: this.opts.feeAsset.asset, free: this.#feeBalance, locked: 0 });
    return out;
  }

  async close(): Promise<void> {
    if (this.#heldTimer !== null) clearTimeout(this.#heldTimer);
    for (const r of this.#pending) r.destroy();
    this.dropStreams();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---- REST -------------------------------------------------------------------------------------

  async #rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const rawBody = await readBody(req);
    const params: Record<string, string> = {};
    for (const raw of [rawQuery, rawBody]) for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
    const { signature: _sig, ...logged } = params;
    this.log.push({ method, path: url.pathname, params: logged });
    const fault = this.faults.take(method, url.pathname);
    try {
      if (fault !== null && (await this.#faultBefore(fault, res))) return;
      if (SIGNED.has(url.pathname)) {
        const { signed, signature } = splitSignature(rawQuery + rawBody);
        const header = req.headers['x-mbx-apikey'];
        const failure = checkSigned({ apiKey: Array.isArray(header) ? header[0] : header, expectedKey: this.apiKey, secret: this.secret, signed, signature, timestamp: params.timestamp, recvWindow: params.recvWindow, serverNowMs: Date.now() + this.skewMs });
        if (failure !== null) throw new ApiError(failure.status, failure.code, failure.msg);
      }
      const body = this.#route(method, url.pathname, params);
      await this.#answer(res, 200, JSON.stringify(body), fault);
    } catch (e) {
      if (e instanceof ApiError) this.errorCodes.set(e.code, (this.errorCodes.get(e.code) ?? 0) + 1);
      if (e instanceof ApiError) return void (await this.#answer(res, e.status, JSON.stringify({ code: e.code, msg: e.message, ...(e.data !== undefined && { data: e.data }) }), fault));
      await this.#answer(res, 500, JSON.stringify({ code: -1000, msg: `An unknown error occurred while processing the request. ${String(e)}` }), null);
    }
  }

  /** Faults that strike before the request is carried out; true when the answer was given (or never will be). */
  async #faultBefore(f: RestFault, res: ServerResponse): Promise<boolean> {
    switch (f.kind) {
      case 'drop':
        this.#pending.add(res);
        return true;
      case '429':
        send(res, 429, JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' }), { 'Retry-After': String(f.retryAfterS ?? 1) });
        return true;
      case '418':
        send(res, 418, JSON.stringify({ code: -1003, msg: 'Way too many requests; IP(127.0.0.1) banned until 1700000000000. Please use WebSocket Streams for live updates to avoid bans.' }), { 'Retry-After': String(f.retryAfterS ?? 1) });
        return true;
      case '500':
        send(res, 500, '<html><body><h1>500 Internal Server Error</h1></body></html>', { 'Content-Type': 'text/html' });
        return true;
      case 'late':
        await new Promise((r) => setTimeout(r, f.delayMs ?? 1000));
        return false;
      case 'lost-reply':
      case 'delay':
      case '503':
      case 'malformed':
      case 'corrupt':
        return false;
    }
  }

  async #answer(res: ServerResponse, status: number, body: string, f: RestFault | null): Promise<void> {
    switch (f?.kind) {
      case 'lost-reply':
        this.#pending.add(res);
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, f.delayMs ?? 2000));
        break;
      case '503':
        return send(res, 503, JSON.stringify({ code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' }));
      case 'malformed':
        return send(res, 200, body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      case 'corrupt': {
        const parsed: unknown = JSON.parse(body);
        const changed = f.mutate?.(parsed);
        return send(res, status, JSON.stringify(changed === undefined ? parsed : changed));
      }
      case 'drop':
      case '429':
      case '418':
      case '500':
      case 'late':
      case undefined:
        break;
    }
    send(res, status, body);
  }

  #route(method: string, path: string, p: Record<string, string>): unknown {
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /api/v3/ping':
        return {};
      case 'GET /api/v3/time':
        return { serverTime: Date.now() + this.skewMs };
      case 'GET /api/v3/exchangeInfo':
        return exchangeInfo([...this.#symbols.values(), ...this.#feeMarket()], Date.now());
      case 'GET /api/v3/ticker/24hr':
        return this.#ticker(need(p, 'symbol'));
      case 'POST /api/v3/order':
        return this.#newOrder(p);
      case 'GET /api/v3/order':
        return orderInfo(this.#find(p, -2013, 'Order does not exist.'));
      case 'DELETE /api/v3/order':
        return this.#cancel(p);
      case 'GET /api/v3/openOrders':
        if (p.symbol !== undefined) this.#symbol(p.symbol);
        return this.exchange.openOrders(p.symbol).map(orderInfo);
      case 'DELETE /api/v3/openOrders': {
        const s = this.#symbol(need(p, 'symbol'));
        return this.exchange.openOrders(s.symbol).map((o) => this.#cancel({ symbol: s.symbol, orderId: o.venueOrderId }));
      }
      case 'GET /api/v3/allOrders':
        return this.#allOrders(p);
      case 'GET /api/v3/myTrades':
        return this.#myTrades(p);
      case 'GET /api/v3/account':
        return accountInfo(this.balances().filter((b) => p.omitZeroBalances !== 'true' || b.free + b.locked > 0), this.exchange.now(), this.opts.commissionRate ?? 0);
      case 'POST /api/v3/order/cancelReplace':
        return this.#cancelReplace(p);
      default:
        throw new ApiError(404, -1000, `Unknown endpoint ${key}`);
    }
  }

  #symbol(id: string): SpotSymbol {
    const s = this.#symbols.get(id);
    if (s === undefined) throw new ApiError(400, -1121, 'Invalid symbol.');
    return s;
  }

  #find(p: Record<string, string>, code: number, msg: string): FakeOrder {
    const s = this.#symbol(need(p, 'symbol'));
    if (p.orderId === undefined && p.origClientOrderId === undefined) throw new ApiError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    const o = this.exchange.order(p.orderId !== undefined ? { venueOrderId: p.orderId } : { clientOrderId: p.origClientOrderId! });
    if (o === undefined || o.symbol !== s.symbol) throw new ApiError(400, code, msg);
    return o;
  }

  /** Parses and checks a new order's parameters against the symbol's filters (exchangeInfo). */
  #request(p: Record<string, string>, clientOrderId: string): FakeOrderRequest {
    const s = this.#symbol(need(p, 'symbol'));
    const side = need(p, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw new ApiError(400, -1100, "Illegal characters found in parameter 'side'.");
    const rawType = need(p, 'type');
    if (p.trailingDelta !== undefined) throw new ApiError(400, -1013, 'Filter failure: TRAILING_DELTA');
    const type = TYPES[rawType];
    if (type === undefined) throw new ApiError(400, -1116, 'Invalid orderType.');
    if (p.quantity === undefined) throw missing(p.quoteOrderQty !== undefined ? 'quantity' : 'quantity');
    const qty = Number(p.quantity);
    if (!(qty > 0)) throw new ApiError(400, -1013, 'Filter failure: LOT_SIZE');
    if (!onGrid(qty, LOT_STEP)) throw new ApiError(400, -1013, 'Filter failure: LOT_SIZE');
    const limited = type === 'limit' || type === 'stop-limit';
    const price = limited ? Number(p.price ?? Number.NaN) : undefined;
    if (limited && p.price === undefined) throw missing('price');
    if (price !== undefined && (!(price > 0) || !onGrid(price, TICK))) throw new ApiError(400, -1013, 'Filter failure: PRICE_FILTER');
    const stop = type === 'stop' || type === 'stop-limit' ? Number(p.stopPrice ?? Number.NaN) : undefined;
    if (stop !== undefined && p.stopPrice === undefined) throw missing('stopPrice');
    if (stop !== undefined && (!(stop > 0) || !onGrid(stop, TICK))) throw new ApiError(400, -1013, 'Filter failure: PRICE_FILTER');
    const tif = rawType === 'LIMIT_MAKER' ? 'MAKER' : limited ? p.timeInForce : 'GTC';
    if (tif === undefined) throw missing('timeInForce');
    if (!['GTC', 'IOC', 'FOK', 'MAKER'].includes(tif)) throw new ApiError(400, -1115, 'Invalid timeInForce.');
    const q = this.exchange.quoteOf(s.symbol);
    const ref = price ?? stop ?? (side === 'BUY' ? q?.ask : q?.bid);
    if (ref !== undefined && qty * ref < MIN_NOTIONAL - EPS) throw new ApiError(400, -1013, 'Filter failure: NOTIONAL');
    if (q !== undefined && stop !== undefined && (side === 'BUY' ? q.ask >= stop : q.bid <= stop)) throw new ApiError(400, -2010, 'Stop price would trigger immediately.');
    if (q !== undefined && tif === 'MAKER' && (side === 'BUY' ? q.ask <= price! : q.bid >= price!)) throw new ApiError(400, -2010, 'Order would immediately match and take.');
    return { clientOrderId, symbol: s.symbol, side: side === 'BUY' ? 'buy' : 'sell', type, tif, qty, ...(price !== undefined && { limitPrice: price }), ...(stop !== undefined && { stopPrice: stop }) };
  }

  #place(r: FakeOrderRequest): { order: FakeOrder; fills: FakeFill[] } {
    this.#captured = [];
    try {
      const result = this.exchange.place(r);
      const fills = this.#captured;
      if (!result.ok) {
        if (result.code === 'duplicate') throw new ApiError(400, -2010, 'Duplicate order sent.');
        if (result.code === 'insufficient-funds' || result.code === 'insufficient-position') throw new ApiError(400, -2010, 'Account has insufficient balance for requested action.');
        throw new ApiError(400, -1013, `Filter failure: ${result.message}`);
      }
      return { order: result.order, fills };
    } finally {
      this.#captured = null;
    }
  }

  /** The fee asset's market, when it is not traded here. */
  #feeMarket(): SpotSymbol[] {
    const a = this.opts.feeAsset?.asset;
    return a === undefined || this.#symbols.has(`${a}${this.quoteAsset}`) ? [] : [{ symbol: `${a}${this.quoteAsset}`, base: a, quote: this.quoteAsset }];
  }

  /** GET /api/v3/ticker/24hr of the fee asset's market (its last price is feePrice). */
  #ticker(symbol: string): unknown {
    const m = this.#feeMarket().find((s) => s.symbol === symbol);
    if (m === undefined) throw new ApiError(400, -1121, 'Invalid symbol.');
    const px = String(this.feePrice);
    const now = Date.now();
    return { symbol, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: px, prevClosePrice: px, lastPrice: px, lastQty: '1', bidPrice: px, bidQty: '1', askPrice: px, askQty: '1', openPrice: px, highPrice: px, lowPrice: px, volume: '0', quoteVolume: '0', openTime: now - 86_400_000, closeTime: now, firstId: 0, lastId: 0, count: 0 };
  }

  #newOrder(p: Record<string, string>): unknown {
    const id = p.newClientOrderId ?? `web_${randomBytes(12).toString('hex')}`;
    const { order, fills } = this.#place(this.#request(p, id));
    const respType = p.newOrderRespType ?? (order.type === 'market' || order.type === 'limit' ? 'FULL' : 'ACK');
    return newOrderReply(order, respType, fills.map((f) => this.#charged(f)), this.#commissionAsset);
  }

  #cancel(p: Record<string, string>): unknown {
    const o = this.#find(p, -2011, 'Unknown order sent.');
    if (!isWorking(o)) throw new ApiError(400, -2011, 'Unknown order sent.');
    const cancelId = p.newClientOrderId ?? `cancel_${randomBytes(8).toString('hex')}`;
    this.#cancelIds.set(o.venueOrderId, cancelId);
    this.exchange.cancel({ venueOrderId: o.venueOrderId });
    return cancelReply(o, cancelId, this.exchange.now());
  }

  #cancelReplace(p: Record<string, string>): unknown {
    const mode = need(p, 'cancelReplaceMode');
    const failure = (status: number, code: number, msg: string, data: unknown): ApiError => new ApiError(status, code, msg, data);
    let canceled: unknown;
    try {
      const ref = { symbol: need(p, 'symbol'), ...(p.cancelOrderId !== undefined && { orderId: p.cancelOrderId }), ...(p.cancelOrigClientOrderId !== undefined && { origClientOrderId: p.cancelOrigClientOrderId }), ...(p.cancelNewClientOrderId !== undefined && { newClientOrderId: p.cancelNewClientOrderId }) };
      // The new order is checked before anything is canceled: a malformed one changes nothing.
      this.#request(p, p.newClientOrderId ?? 'check');
      canceled = this.#cancel(ref);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === -1102 || e.code === -1100 || e.code === -1116 || e.code === -1115 || e.code === -1013 || e.code === -1121) throw e;
      throw failure(400, -2022, 'Order cancel-replace failed.', { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse: { code: e.code, msg: e.message }, newOrderResponse: null });
    }
    void mode;
    try {
      const id = p.newClientOrderId ?? `web_${randomBytes(12).toString('hex')}`;
      const { order, fills } = this.#place(this.#request(p, id));
      return { cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse: canceled, newOrderResponse: newOrderReply(order, p.newOrderRespType ?? 'ACK', fills.map((f) => this.#charged(f)), this.#commissionAsset) };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      throw failure(409, -2021, 'Order cancel-replace partially failed.', { cancelResult: 'SUCCESS', newOrderResult: 'FAILURE', cancelResponse: canceled, newOrderResponse: { code: e.code, msg: e.message } });
    }
  }

  #allOrders(p: Record<string, string>): unknown {
    const s = this.#symbol(need(p, 'symbol'));
    const limit = Math.min(1000, Number(p.limit ?? 500));
    let list = this.exchange.allOrders(s.symbol);
    if (p.orderId !== undefined) list = list.filter((o) => Number(o.venueOrderId) >= Number(p.orderId));
    if (p.startTime !== undefined) list = list.filter((o) => o.createdMs >= Number(p.startTime));
    if (p.endTime !== undefined) list = list.filter((o) => o.createdMs <= Number(p.endTime));
    return (p.orderId !== undefined || p.startTime !== undefined ? list.slice(0, limit) : list.slice(-limit)).map(orderInfo);
  }

  #myTrades(p: Record<string, string>): unknown {
    const s = this.#symbol(need(p, 'symbol'));
    const limit = Math.min(1000, Number(p.limit ?? 500));
    let list = this.exchange.fills(0, s.symbol);
    if (p.orderId !== undefined) list = list.filter((f) => f.venueOrderId === p.orderId);
    if (p.fromId !== undefined) list = list.filter((f) => Number(f.tradeId) >= Number(p.fromId));
    if (p.startTime !== undefined) list = list.filter((f) => f.tsMs >= Number(p.startTime));
    if (p.endTime !== undefined) list = list.filter((f) => f.tsMs <= Number(p.endTime));
    const from = p.fromId !== undefined || p.startTime !== undefined;
    return (from ? list.slice(0, limit) : list.slice(-limit)).map((f) => myTrade(this.#charged(f), this.#commissionAsset));
  }

  // ---- user-data stream (WebSocket API) ----------------------------------------------------------

  #accept(ws: WebSocket): void {
    this.wsConnections++;
    const conn: Conn = { ws, subscriptionId: null };
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
    ws.on('error', () => this.#conns.delete(conn));
    ws.on('message', (raw) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return void ws.send(JSON.stringify({ id: null, status: 400, error: { code: -1100, msg: 'Illegal characters found in a parameter.' } }));
      }
      ws.send(JSON.stringify(this.#wsRequest(conn, msg)));
    });
  }

  #wsRequest(conn: Conn, msg: { id?: unknown; method?: unknown; params?: unknown }): Record<string, unknown> {
    const id = msg.id ?? null;
    const rateLimits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 2 }];
    const error = (status: number, code: number, m: string): Record<string, unknown> => ({ id, status, error: { code, msg: m }, rateLimits });
    const params = (typeof msg.params === 'object' && msg.params !== null ? msg.params : {}) as Record<string, unknown>;
    switch (msg.method) {
      case 'ping':
        return { id, status: 200, result: {}, rateLimits };
      case 'time':
        return { id, status: 200, result: { serverTime: Date.now() + this.skewMs }, rateLimits };
      case 'userDataStream.subscribe.signature': {
        const str = (k: string): string | undefined => (params[k] === undefined ? undefined : String(params[k]));
        const failure = checkSigned({ apiKey: str('apiKey'), expectedKey: this.apiKey, secret: this.secret, signed: wsSignedPayload(params), signature: str('signature'), timestamp: str('timestamp'), recvWindow: str('recvWindow'), serverNowMs: Date.now() + this.skewMs });
        if (failure !== null) return error(failure.status, failure.code, failure.msg);
        conn.subscriptionId = this.#subscriptions++;
        return { id, status: 200, result: { subscriptionId: conn.subscriptionId }, rateLimits };
      }
      case 'userDataStream.unsubscribe':
        conn.subscriptionId = null;
        return { id, status: 200, result: {}, rateLimits };
      default:
        return error(400, -1100, `Unknown method ${String(msg.method)}`);
    }
  }

  #onOrder(o: FakeOrder): void {
    const before = this.#reported.get(o.venueOrderId);
    if (before === o.status) return;
    let exec: ExecType | null = null;
    if (before === undefined) exec = 'NEW';
    else if (o.status === 'canceled') exec = 'CANCELED';
    else if (o.status === 'expired') exec = 'EXPIRED';
    this.#reported.set(o.venueOrderId, o.status);
    // Fills are reported by their own TRADE executionReport (the 'fill' event).
    if (exec === null) return;
    // A market order that fills on arrival still reports NEW first, as the order stood when it arrived.
    const shown = exec === 'NEW' ? { ...o, status: 'new' as const, filledQty: 0, avgFillPrice: 0 } : o;
    this.#report(executionReport(shown, exec, o.updatedMs, undefined, undefined, exec === 'CANCELED' ? this.#cancelIds.get(o.venueOrderId) : undefined));
    if (exec !== 'NEW') this.#pushBalances();
  }

  #pushBalances(): void {
    this.#broadcast(accountPosition(this.balances(), this.exchange.now()));
  }

  #report(event: Record<string, unknown>): void {
    if (this.faults.roll('dropBefore')) {
      this.dropStreams();
      return;
    }
    if (this.faults.roll('reorder')) {
      this.#held.push(event);
      this.#heldTimer ??= setTimeout(() => this.#flushHeld(), this.faults.stream?.holdMs ?? 30);
      return;
    }
    this.#sendReport(event);
    if (this.faults.roll('duplicate')) this.#sendReport(event);
    this.#flushHeld();
  }

  #flushHeld(): void {
    if (this.#heldTimer !== null) clearTimeout(this.#heldTimer);
    this.#heldTimer = null;
    const held = this.#held;
    this.#held = [];
    for (const e of held) this.#sendReport(e);
  }

  #sendReport(event: Record<string, unknown>): void {
    this.reportsSent++;
    this.#broadcast(event);
  }

  #broadcast(event: Record<string, unknown>): void {
    for (const c of this.#conns) if (c.subscriptionId !== null && c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify({ subscriptionId: c.subscriptionId, event }));
  }
}

function need(p: Record<string, string>, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw missing(name);
  return v;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', () => resolve(data));
  });
}

