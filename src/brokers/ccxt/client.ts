// The live ExecutionClient for Binance spot (and other ccxt exchanges through the same calls), over the
// real ccxt / ccxt.pro library (docs/venues/binance.md). Commands return at once; their outcome comes back
// through the VenueOrderTracker, which turns what the venue says (REST answers, the user-data stream, a
// REST gap fill after a reconnect) into order events exactly once and never backwards.
// - Submit: checked locally (capabilities, market precision and limits), then sent once through
//   submitSafely with newClientOrderId = order.id; an ambiguous failure is resolved by looking the order
//   up by client order id (origClientOrderId) before any resend. Binance keeps client ids unique only
//   among open orders, so a blind resend of a filled order would be a second order.
// - Modify: Binance spot's cancel-replace (POST /api/v3/order/cancelReplace): same client order id,
//   new venue order id (capabilities.nativeModify = false).
// - Stream: watchOrders + watchMyTrades; after a drop, re-subscribe, then fetch missed fills and
//   states by REST.
// Other exchanges go through ccxt's unified calls (OKX tested, docs/venues/okx.md): the client order id in
// the venue's alphabet (client-ids.ts), a reply that only acknowledges (OKX's {ordId, sCode}) completed by
// a fetchOrder, OKX's native amend (same venue order id) for modify, the trades of an order by
// fetchOrderTrades and the account's by pages of 100 going back (OKX's `after` = billId).
import type { Exchange } from 'ccxt';
import { z } from 'zod';
import { ConfigError, RetryableVenueError } from '../../core/errors.ts';
import { ConnectionTracker } from '../../execution/connection.ts';
import type { ConnectionState, ExecutionCapabilities, ExecutionClient, ExecutionSink, InstrumentRules, OrderModification } from '../../execution/execution-client.ts';
import { modifyProblem, submitProblem } from '../../execution/order-checks.ts';
import { parseReport, type BalanceReport, type FillReport, type OrderStatusReport, type PositionReport } from '../../execution/reports.ts';
import type { Order } from '../../model/order.ts';
import { redact } from '../shared/credentials.ts';
import { VenueOrderTracker, type VenueFill } from '../shared/order-tracker.ts';
import { withRetry } from '../shared/retry.ts';
import { DEFAULT_SAFE_SUBMIT, submitSafely, type FailureKind, type SafeSubmitPolicy } from '../shared/safe-submit.ts';
import { classifyCcxtError, isRetryable, toSextantError } from './errors.ts';
import { makeExchange, type ExchangeOptions } from './exchange.ts';
import { FeePrices } from './fee-prices.ts';
import { CcxtBalanceSchema, CcxtOrderSchema, CcxtTradeSchema, chargedFee, clientIdOf, feeInQuote, fillReportOf, orderReportOf, parseVenue, tradeClientId, type CcxtOrder, type CcxtTrade } from './parse.ts';
import { clientIdCodec, type ClientIdCodec } from './client-ids.ts';
import { UserStream } from './stream.ts';
import { prepareOrder, type MarketLike, type PreparedOrder } from './symbols.ts';

export interface CcxtExecutionClientOptions extends ExchangeOptions {
  /** Name on reports and errors (default: the exchange id). */
  readonly venue?: string;
  /** Unified symbols the node trades ('BTC/USDT'): Binance answers trades and orders per symbol only. */
  readonly symbols?: readonly string[];
  /** ccxt market structures to use instead of loading them from the venue (tests, offline start). */
  readonly markets?: readonly Record<string, unknown>[];
  /** Milliseconds now, for events the client makes itself (connection changes, local rejections). */
  readonly clock?: () => number;
  readonly submitPolicy?: SafeSubmitPolicy;
  /** Attempts for a query or cancel that fails in a retryable way (default 4). */
  readonly queryAttempts?: number;
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  /** How often submits left unresolved are looked up again (default 1000 ms). */
  readonly resolveEveryMs?: number;
  /** How long a stream state ahead of its fills waits for the stream's trades before REST is asked (default 250 ms). */
  readonly fillWaitMs?: number;
  /** Operator log lines (credentials removed). */
  readonly log?: (line: string) => void;
  /**
   * The live feed's last price of a market ('BNB/USDT'), when it streams it: fees paid in a third asset are
   * valued at it (fee-prices.ts); otherwise at a REST ticker read through ccxt.
   */
  readonly lastPrice?: (symbol: string) => number | undefined;
  /** Assets the account may pay fees in besides the traded ones, priced at connect (default on Binance: BNB). */
  readonly feeAssets?: readonly string[];
  /** How long a REST price of a fee asset is used (default 30 s). */
  readonly feePriceTtlMs?: number;
}

export const CCXT_SPOT_CAPABILITIES: ExecutionCapabilities = Object.freeze({
  orderTypes: ['market', 'limit', 'stop', 'stop-limit'] as const,
  timeInForce: ['GTC', 'IOC', 'FOK'] as const,
  fractionalQty: true,
  shorting: false,
  reduceOnly: false,
  nativeModify: false,
  nativeBrackets: false,
  nativeOco: false,
  exitAttachments: false,
});

/**
 * OKX spot through ccxt: market and limit orders (IOC, FOK as OKX's ordType ioc / fok) and OKX's amend-order
 * (the venue order id is kept). Stops are OKX algo orders (another id space and endpoint, not wired here):
 * the node's OrderEmulator works them locally.
 */
export const CCXT_OKX_CAPABILITIES: ExecutionCapabilities = Object.freeze({
  ...CCXT_SPOT_CAPABILITIES,
  orderTypes: ['market', 'limit'] as const,
  nativeModify: true,
});

/** The capabilities the client declares for a ccxt exchange id. */
export function ccxtCapabilities(exchangeId: string): ExecutionCapabilities {
  return exchangeId === 'okx' || exchangeId === 'myokx' || exchangeId === 'okxus' ? CCXT_OKX_CAPABILITIES : CCXT_SPOT_CAPABILITIES;
}

const FullFillSchema = z.object({ price: z.string(), qty: z.string(), commission: z.string(), commissionAsset: z.string(), tradeId: z.union([z.number(), z.string()]) });
const FullReplySchema = z.object({ transactTime: z.number().optional(), fills: z.array(FullFillSchema).optional() });

interface Carried {
  readonly qty: number;
  readonly notional: number;
}

export class CcxtExecutionClient implements ExecutionClient {
  readonly venue: string;
  readonly capabilities: ExecutionCapabilities;
  readonly #ex: Exchange;
  /** Sextant client order ids as the venue takes them (OKX: alphanumerics only). */
  readonly #ids: ClientIdCodec;
  /** Binance's own parameters (newOrderRespType, stopPrice) are sent only to Binance. */
  readonly #binance: boolean;
  readonly #tracker: VenueOrderTracker;
  readonly #conn: ConnectionTracker;
  readonly #secrets: readonly string[];
  readonly #clock: () => number;
  readonly #stream: UserStream;
  /** Prices of third assets fees are paid in (BNB), to book those fees in the quote currency. */
  readonly #feePrices: FeePrices;
  readonly #ops = new Set<Promise<unknown>>();
  readonly #chains = new Map<string, Promise<void>>();
  /** Submits whose outcome the venue has not told yet (resolved by lookups, never by resending). */
  readonly #unresolved = new Map<string, number>();
  /** Client ids being cancel-replaced: the old venue order's cancel is not the order's end. */
  readonly #replacing = new Set<string>();
  /** Fills of venue orders a cancel-replace retired, per client id. */
  readonly #carried = new Map<string, Carried>();
  readonly #gapChecks = new Set<string>();
  /** Adopted orders whose venue id is not known yet. */
  readonly #adopted = new Set<string>();
  /** Trade ids booked before a restart (of adopted orders): never applied again. */
  readonly #booked = new Set<string>();
  #marketsLoaded = false;
  #resolveTimer: NodeJS.Timeout | null = null;
  #clockResync: Promise<unknown> | null = null;
  /** Anomalies and bad payloads seen (tests and operators read them). */
  readonly anomalies: string[] = [];

  /** Kept in a private field: the options hold the credentials, and nothing may serialize them. */
  readonly #opts: CcxtExecutionClientOptions;

  constructor(opts: CcxtExecutionClientOptions, sink: ExecutionSink) {
    this.#opts = opts;
    this.venue = opts.venue ?? opts.exchangeId;
    this.#secrets = [opts.apiKey, opts.secret, opts.password ?? ''].filter((s) => s.length > 0);
    this.#clock = opts.clock ?? Date.now;
    this.#ex = makeExchange(opts);
    this.#binance = this.#ex.id.startsWith('binance');
    this.capabilities = ccxtCapabilities(this.#ex.id);
    this.#ids = clientIdCodec(this.#ex.id);
    this.#tracker = new VenueOrderTracker(this.venue, sink, { onAnomaly: (a) => this.#note(`${a.kind} ${a.clientOrderId}: ${a.detail}`) });
    this.#conn = new ConnectionTracker('disconnected', (e) => sink.onConnectionState?.(e));
    this.#feePrices = new FeePrices({
      fetchLast: async (symbol) => {
        const t = (await withRetry(() => this.#ex.fetchTicker(symbol), this.#retryPolicy())) as { last?: number | null; close?: number | null };
        return t.last ?? t.close ?? undefined;
      },
      listed: (symbol) => this.#market(symbol) !== undefined,
      ...(opts.lastPrice !== undefined && { streamed: opts.lastPrice }),
      ...(opts.feePriceTtlMs !== undefined && { ttlMs: opts.feePriceTtlMs }),
      now: this.#clock,
      onError: (symbol, e) => this.#note(`fee price ${symbol}: ${this.#describe(e)}`),
    });
    this.#stream = new UserStream(this.#ex, {
      onOrders: (xs) => this.#onStreamOrders(xs),
      onTrades: (xs) => this.#onStreamTrades(xs),
      onUp: async () => {
        // Back: commands may go again at once; what was missed while away arrives as the gap fill finds it.
        this.#conn.set('connected', this.#clock());
        this.#track(this.#gapFill().catch((e: unknown) => this.#note(`gap fill: ${this.#describe(e)}`)));
      },
      onDown: (reason) => this.#conn.set('reconnecting', this.#clock(), reason),
      onError: (e) => this.#resyncOnClock(e),
      onBadReport: (e) => this.#note(`stream report dropped: ${this.#describe(e)}`),
    }, { describe: (e) => this.#describe(e), ...(opts.reconnectBaseMs !== undefined && { reconnectBaseMs: opts.reconnectBaseMs }), ...(opts.reconnectMaxMs !== undefined && { reconnectMaxMs: opts.reconnectMaxMs }) });
  }

  get connectionState(): ConnectionState {
    return this.#conn.state;
  }

  /** The order object this client tracks for a client order id (tests: settle on what the sink saw). */
  knownOrder(clientOrderId: string): Order | undefined {
    return this.#tracker.get(clientOrderId);
  }

  /** ccxt requires a passphrase (`password`) with this exchange's keys (OKX) and none was given. */
  get missingPassword(): boolean {
    return (this.#ex.requiredCredentials as { password?: boolean }).password === true && (this.#opts.password ?? '') === '';
  }

  /** Resolves when no command this client started is still in flight. */
  async idle(): Promise<void> {
    while (this.#ops.size > 0) await Promise.allSettled([...this.#ops]);
  }

  /** Commands and checks still in flight. */
  get inFlight(): number {
    return this.#ops.size;
  }

  /** Client order ids whose submit outcome is still unknown. */
  get unresolved(): readonly string[] {
    return [...this.#unresolved.keys()];
  }

  async connect(): Promise<void> {
    if (this.#conn.state !== 'disconnected') return;
    this.#conn.set('connecting', this.#clock());
    try {
      // ccxt.pro opens a plain ws:// socket (a local fake, a plain-text proxy) only with an http agent it loads on demand.
      if (this.#opts.streamUrl?.startsWith('ws://') === true) await this.#ex.loadHttpProxyAgent();
      await this.#loadMarkets();
      const unknown = (this.#opts.symbols ?? []).filter((sym) => this.#market(sym) === undefined);
      if (unknown.length > 0) throw new ConfigError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is not a market' : 'are not markets'} at ${this.venue} (symbols are ccxt's unified ones, e.g. BTC/USDT)`, { field: 'symbols' });
      await this.#prefetchFeePrices();
      await this.#stream.start();
      await this.#gapFill();
    } catch (e) {
      await this.#stream.stop();
      await this.#ex.close().catch(() => undefined);
      this.#conn.set('disconnected', this.#clock(), this.#describe(e));
      if (e instanceof ConfigError) throw e;
      throw toSextantError(e, this.venue, 'connect', this.#secrets);
    }
    this.#conn.set('connected', this.#clock());
    this.#resolveTimer = setInterval(() => this.#resolvePending(), this.#opts.resolveEveryMs ?? 1000);
    this.#resolveTimer.unref();
  }

  /** Before a graceful stop: commands in flight finish, then the gap fill reads what the stream has not told yet. */
  async settle(): Promise<void> {
    if (this.#conn.state !== 'connected') return;
    await this.idle();
    await this.#gapFill();
    await this.idle();
  }

  async disconnect(): Promise<void> {
    if (this.#conn.state === 'disconnected') return;
    if (this.#resolveTimer !== null) clearInterval(this.#resolveTimer);
    this.#resolveTimer = null;
    await this.#stream.stop();
    await this.#ex.close().catch(() => undefined);
    this.#conn.set('disconnected', this.#clock());
  }

  // ---- commands ---------------------------------------------------------------------------------

  submit(order: Order, nowMs: number): void {
    if (this.#tracker.has(order.id)) return this.#tracker.commandRejected('submit', order.id, `client order id ${order.id} was already submitted`, nowMs);
    if (!this.#conn.connected) return this.#tracker.rejected(order, `${this.venue} is not connected`, nowMs);
    const problem = submitProblem(order, this.capabilities, Infinity) ?? this.#ids.problem(order.id);
    if (problem !== null) return this.#tracker.rejected(order, problem, nowMs);
    const market = this.#market(order.symbol);
    if (market === undefined) return this.#tracker.rejected(order, `symbol: ${order.symbol} is not a market at ${this.venue}`, nowMs);
    const prepared = prepareOrder(market, order);
    if (!prepared.ok) return this.#tracker.rejected(order, prepared.reason, nowMs);
    this.#tracker.submitted(order, nowMs);
    this.#serial(order.id, () => this.#send(order, prepared.value));
  }

  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    if (!this.#conn.connected) return this.#tracker.commandRejected('modify', clientOrderId, `${this.venue} is not connected`, nowMs);
    const order = this.#tracker.get(clientOrderId);
    if (order === undefined) return this.#tracker.commandRejected('modify', clientOrderId, `unknown order ${clientOrderId}`, nowMs);
    this.#serial(clientOrderId, () => this.#modify(order, changes));
  }

  cancel(orderId: string, nowMs: number, reason?: string): void {
    if (!this.#conn.connected) return this.#tracker.commandRejected('cancel', orderId, `${this.venue} is not connected`, nowMs);
    const order = this.#tracker.get(orderId);
    if (order === undefined) return this.#tracker.commandRejected('cancel', orderId, `unknown order ${orderId}`, nowMs);
    this.#serial(orderId, () => this.#cancel(order, reason));
  }

  cancelAll(nowMs: number, symbol?: string): void {
    for (const o of this.#tracker.open()) if (symbol === undefined || o.symbol === symbol) this.cancel(o.id, nowMs, 'cancel all');
  }

  /**
   * After a restart: follows an order the venue is still working (restored and reconciled by the node)
   * without sending anything. Its venue id is looked up; the venue order's trades up to what the order
   * says has filled count as booked, later ones are applied.
   */
  adopt(order: Order): void {
    if (this.#tracker.has(order.id)) return;
    this.#tracker.add(order);
    this.#adopted.add(order.id);
    if (this.#conn.connected) this.#serial(order.id, () => this.#catchUpAdopted(order));
  }

  async #catchUpAdopted(order: Order): Promise<void> {
    const o = await withRetry(() => this.#signed(() => this.#fetchByClientId(order.symbol, order.id)), this.#retryPolicy());
    if (o === null) return this.#note(`adopted ${order.id} is not known at ${this.venue}`);
    this.#tracker.linkVenueId(order.id, o.id);
    const raw = await withRetry(() => this.#signed(() => this.#orderTrades(o)), this.#retryPolicy());
    const trades = raw.map((x) => parseVenue(CcxtTradeSchema, this.venue, 'trade', x)).sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
    let booked = 0;
    for (const t of trades) {
      if (booked + t.amount <= order.filledQty + 1e-9) {
        booked += t.amount;
        this.#booked.add(t.id);
      } else if (!this.#tracker.hasTrade(t.id)) this.#tracker.fill(this.#venueFill(t, order.id));
    }
    this.#adopted.delete(order.id);
    this.#applyOrder(order.id, o, 'rest');
  }

  // ---- queries ----------------------------------------------------------------------------------

  async queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    this.#requireConnected();
    const known = this.#tracker.get(clientOrderId);
    const symbols = known !== undefined ? [known.symbol] : this.#symbols();
    for (const s of symbols) {
      const o = await this.#query(`queryOrder ${clientOrderId}`, () => this.#fetchByClientId(s, clientOrderId));
      if (o !== null) return parseReport('OrderStatusReport', this.venue, orderReportOf(o, clientOrderId, this.#carried.get(clientOrderId)));
    }
    return null;
  }

  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    this.#requireConnected();
    const raw = await this.#query('openOrders', () => this.#ex.fetchOpenOrders(symbol));
    return raw.map((x) => {
      const o = parseVenue(CcxtOrderSchema, this.venue, 'order', x);
      const id = this.#clientIdOf(o) ?? o.id;
      return parseReport('OrderStatusReport', this.venue, orderReportOf(o, id, this.#carried.get(id)));
    });
  }

  async fillsSince(sinceMs: number): Promise<FillReport[]> {
    this.#requireConnected();
    const out: FillReport[] = [];
    for (const s of this.#symbols()) out.push(...(await this.#fillsOf(s, sinceMs)));
    out.sort((a, b) => a.tsEventMs - b.tsEventMs || Number(a.tradeId) - Number(b.tradeId));
    return out;
  }

  async positions(): Promise<PositionReport[]> {
    this.#requireConnected();
    const bal = await this.#balances();
    const out: PositionReport[] = [];
    for (const s of this.#symbols()) {
      const m = this.#market(s)!;
      const qty = bal.total[m.base] ?? 0;
      if (!(Math.abs(qty) > (m.limits.amount?.min ?? 1e-12) / 2)) continue;
      const trades = (await this.#trades(s, 0)).sort((a, b) => a.timestamp - b.timestamp);
      out.push(parseReport('PositionReport', this.venue, { symbol: s, qty, avgPrice: averageCost(trades, m), tsMs: Math.trunc(this.#clock()) }));
    }
    return out;
  }

  async balances(): Promise<BalanceReport[]> {
    this.#requireConnected();
    const b = await this.#balances();
    const ts = Math.trunc(this.#clock());
    const out: BalanceReport[] = [];
    for (const [currency, total] of Object.entries(b.total)) {
      if (total === null || total === undefined || total === 0) continue;
      const free = b.free[currency] ?? 0;
      const locked = b.used[currency] ?? total - free;
      out.push(parseReport('BalanceReport', this.venue, { currency, total: free + locked, free, locked, tsMs: ts }));
    }
    return out;
  }

  // ---- sending ----------------------------------------------------------------------------------

  async #send(order: Order, p: PreparedOrder): Promise<void> {
    const policy: SafeSubmitPolicy = this.#opts.submitPolicy ?? { ...DEFAULT_SAFE_SUBMIT, trustAbsentAfterMs: (this.#opts.recvWindowMs ?? 5000) + 1000 };
    const outcome = await submitSafely<CcxtOrder>({
      send: async () => {
        // A clock refusal (-1021) is definite: nothing was placed. Resync (in #signed) and send again at once.
        for (let attempt = 1; ; attempt++) {
          try {
            return parseVenue(CcxtOrderSchema, this.venue, 'order', await this.#signed(async () => this.#completed(await this.#createOrder(order, p), order.symbol)));
          } catch (e) {
            if (attempt >= 3 || classifyCcxtError(e).kind !== 'clock') throw e;
          }
        }
      },
      lookup: () => this.#signed(() => this.#fetchByClientId(order.symbol, order.id)),
      classify: (e) => this.#failureKind(e),
      retryAfterMs: (e) => classifyCcxtError(e, this.#secrets, this.#retryAfterMs()).retryAfterMs,
      policy,
      onAttempt: (what, detail) => this.#note(`submit ${order.id}: ${what} ${redact(detail, this.#secrets)}`),
    });
    const now = this.#clock();
    switch (outcome.kind) {
      case 'sent':
      case 'found':
        this.#unresolved.delete(order.id);
        this.#applyOrder(order.id, outcome.value, 'reply');
        return;
      case 'rejected':
        this.#tracker.status(order.id, 'rejected', now, { reason: classifyCcxtError(outcome.error, this.#secrets).reason });
        return;
      case 'unresolved':
        this.#note(`submit ${order.id} unresolved: ${redact(outcome.reason, this.#secrets)}`);
        this.#unresolved.set(order.id, now);
        return;
    }
  }

  #createOrder(order: Order, p: PreparedOrder): Promise<unknown> {
    const params = this.#orderParams(order.id, p.triggerPrice);
    if (order.type === 'limit' || order.type === 'stop-limit') params.timeInForce = order.tif;
    const type = order.type === 'limit' || order.type === 'stop-limit' ? 'limit' : 'market';
    return this.#ex.createOrder(order.symbol, type, order.side, p.amount, type === 'limit' ? p.price : undefined, params);
  }

  async #fetchByClientId(symbol: string, clientOrderId: string): Promise<CcxtOrder | null> {
    try {
      // ccxt's unified `clientOrderId` param (Binance: origClientOrderId).
      return parseVenue(CcxtOrderSchema, this.venue, 'order', await this.#ex.fetchOrder('', symbol, { clientOrderId: this.#ids.toVenue(clientOrderId) ?? clientOrderId }));
    } catch (e) {
      if (classifyCcxtError(e).kind === 'not-found') return null;
      throw e;
    }
  }

  /**
   * Parameters of a new order: the client order id (ccxt's unified `clientOrderId`; Binance's
   * newClientOrderId), a stop's trigger, and on Binance the FULL reply (with the fills made on arrival).
   */
  #orderParams(clientOrderId: string, triggerPrice: number | undefined): Record<string, unknown> {
    if (this.#binance) return { newClientOrderId: clientOrderId, newOrderRespType: 'FULL', ...(triggerPrice !== undefined && { stopPrice: triggerPrice }) };
    return { clientOrderId: this.#ids.toVenue(clientOrderId) ?? clientOrderId, ...(triggerPrice !== undefined && { triggerPrice }) };
  }

  #failureKind(e: unknown): FailureKind {
    const k = classifyCcxtError(e, this.#secrets).kind;
    if (k === 'ambiguous' || k === 'clock') return 'ambiguous';
    if (k === 'duplicate') return 'duplicate';
    return 'rejected';
  }

  async #modify(order: Order, m: OrderModification): Promise<void> {
    const now = (): number => this.#clock();
    const problem = modifyProblem(order, m, this.capabilities);
    if (order.isClosed) return this.#tracker.commandRejected('modify', order.id, `order ${order.id} is already ${order.status}`, now());
    if (problem !== null) return this.#tracker.commandRejected('modify', order.id, problem, now());
    const venueId = this.#tracker.venueIdOf(order.id);
    if (venueId === undefined) return this.#tracker.commandRejected('modify', order.id, `order ${order.id} has no venue order id yet`, now());
    const market = this.#market(order.symbol)!;
    const qty = m.qty ?? order.qty;
    const probe = { ...order, qty: qty - order.filledQty, limitPrice: m.limitPrice ?? order.limitPrice, stopPrice: m.stopPrice ?? order.stopPrice } as Order;
    const prepared = prepareOrder(market, probe);
    if (!prepared.ok) return this.#tracker.commandRejected('modify', order.id, prepared.reason, now());
    const p = prepared.value;
    if (this.capabilities.nativeModify) return this.#amend(order, m, qty, p.price);
    const type = order.type === 'limit' || order.type === 'stop-limit' ? 'limit' : 'market';
    const params = this.#orderParams(order.id, p.triggerPrice);
    if (type === 'limit') params.timeInForce = order.tif;
    const carried: Carried = { qty: order.filledQty, notional: order.filledQty * order.avgFillPrice };
    this.#replacing.add(order.id);
    try {
      const raw = await this.#signed(() => this.#ex.editOrder(venueId, order.symbol, type, order.side, p.amount, type === 'limit' ? p.price : undefined, params));
      const o = parseVenue(CcxtOrderSchema, this.venue, 'order', raw);
      this.#carried.set(order.id, carried);
      this.#tracker.linkVenueId(order.id, o.id);
      this.#tracker.amended(order.id, { ...(m.qty !== undefined && { qty: m.qty }), ...(m.limitPrice !== undefined && { limitPrice: m.limitPrice }), ...(m.stopPrice !== undefined && { stopPrice: m.stopPrice }) }, now());
      this.#replacing.delete(order.id);
      this.#applyOrder(order.id, o, 'reply');
    } catch (e) {
      this.#replacing.delete(order.id);
      const c = classifyCcxtError(e, this.#secrets);
      this.#tracker.commandRejected('modify', order.id, c.reason, now());
      // Whatever happened (the cancel half may have gone through), take the venue's word for the order.
      await this.#refresh(order).catch((x: unknown) => this.#note(`refresh ${order.id} after modify: ${this.#describe(x)}`));
    }
  }

  /**
   * A venue's own amend (OKX amend-order): the same venue order, its new total quantity (what has filled
   * included) and price. The reply only acknowledges; the order is read back.
   */
  async #amend(order: Order, m: OrderModification, qty: number, price: number | undefined): Promise<void> {
    const venueId = this.#tracker.venueIdOf(order.id)!;
    try {
      const type = order.type === 'limit' || order.type === 'stop-limit' ? 'limit' : 'market';
      const raw = await this.#signed(async () => this.#completed(await this.#ex.editOrder(venueId, order.symbol, type, order.side, m.qty !== undefined ? qty : undefined, m.limitPrice !== undefined ? price : undefined, {}), order.symbol));
      const o = parseVenue(CcxtOrderSchema, this.venue, 'order', raw);
      this.#tracker.amended(order.id, { ...(m.qty !== undefined && { qty: m.qty }), ...(m.limitPrice !== undefined && { limitPrice: m.limitPrice }), ...(m.stopPrice !== undefined && { stopPrice: m.stopPrice }) }, this.#clock());
      this.#applyOrder(order.id, o, 'reply');
    } catch (e) {
      this.#tracker.commandRejected('modify', order.id, classifyCcxtError(e, this.#secrets).reason, this.#clock());
      await this.#refresh(order).catch((x: unknown) => this.#note(`refresh ${order.id} after modify: ${this.#describe(x)}`));
    }
  }

  /** A reply that only acknowledges (no status: OKX's {ordId, clOrdId, sCode}) is completed by reading the order. */
  async #completed(raw: unknown, symbol: string): Promise<unknown> {
    const r = raw as { id?: unknown; status?: unknown } | null;
    if (this.#binance || r === null || typeof r !== 'object' || (r.status !== undefined && r.status !== null) || typeof r.id !== 'string' || r.id === '') return raw;
    return this.#ex.fetchOrder(r.id, symbol);
  }

  /** The trades of one venue order (Binance: myTrades by orderId; others: ccxt's fetchOrderTrades, 100 a page at most on OKX). */
  #orderTrades(o: CcxtOrder): Promise<unknown[]> {
    if (this.#binance) return this.#ex.fetchMyTrades(o.symbol, undefined, 1000, { orderId: o.id });
    return this.#ex.fetchOrderTrades(o.id, o.symbol, undefined, 100);
  }

  /** The Sextant client order id an order payload is about (the venue's spelling read back). */
  #clientIdOf(o: CcxtOrder): string | undefined {
    const id = clientIdOf(o);
    return id === undefined ? undefined : this.#ids.fromVenue(id);
  }

  /** The Sextant client order id a stream trade carries (Binance `c`, OKX `clOrdId`), if any. */
  #tradeClientId(t: CcxtTrade): string | undefined {
    const v = t.info?.clOrdId;
    const id = tradeClientId(t) ?? (typeof v === 'string' && v !== '' ? v : undefined);
    return id === undefined ? undefined : this.#ids.fromVenue(id);
  }

  async #cancel(order: Order, reason: string | undefined): Promise<void> {
    if (order.isClosed) return this.#tracker.commandRejected('cancel', order.id, `order ${order.id} is already ${order.status}`, this.#clock());
    if (this.#unresolved.has(order.id)) await this.#resolveOne(order.id);
    const venueId = this.#tracker.venueIdOf(order.id);
    try {
      const raw = await withRetry(() => this.#signed(async () => this.#completed(await this.#ex.cancelOrder(venueId ?? '', order.symbol, venueId === undefined ? { clientOrderId: this.#ids.toVenue(order.id) ?? order.id } : {}), order.symbol)), this.#retryPolicy());
      const o = parseVenue(CcxtOrderSchema, this.venue, 'order', raw);
      this.#applyOrder(order.id, o, 'reply', reason);
    } catch (e) {
      const c = classifyCcxtError(e, this.#secrets);
      // Unknown to the venue as a working order: it finished first (a fill won the race) or never arrived.
      await this.#refresh(order).catch((x: unknown) => this.#note(`refresh ${order.id} after cancel: ${this.#describe(x)}`));
      if (order.status !== 'canceled') this.#tracker.commandRejected('cancel', order.id, c.reason, this.#clock());
    }
  }

  /** Reads the order's state (and its fills, when the venue has more than heard) and applies it. */
  async #refresh(order: Order): Promise<void> {
    const o = await withRetry(() => this.#signed(() => this.#fetchByClientId(order.symbol, order.id)), this.#retryPolicy());
    if (o !== null) {
      if (this.#tracker.venueIdOf(order.id) === undefined) this.#tracker.linkVenueId(order.id, o.id);
      await this.#fillGapOf(order.id, o);
    }
  }

  /** Looks up a submit whose outcome is unknown; a definite absence past the send window rejects it. */
  async #resolveOne(clientOrderId: string): Promise<void> {
    const order = this.#tracker.get(clientOrderId);
    const since = this.#unresolved.get(clientOrderId);
    if (order === undefined || since === undefined) return;
    try {
      const o = await this.#signed(() => this.#fetchByClientId(order.symbol, clientOrderId));
      if (o !== null) {
        this.#unresolved.delete(clientOrderId);
        this.#applyOrder(clientOrderId, o, 'reply');
        await this.#fillGapOf(clientOrderId, o);
      } else if (this.#clock() - since > (this.#opts.recvWindowMs ?? 5000) + 1000) {
        this.#unresolved.delete(clientOrderId);
        this.#tracker.status(clientOrderId, 'rejected', this.#clock(), { reason: 'the order never reached the venue (its send window passed without it)' });
      }
    } catch (e) {
      this.#note(`resolve ${clientOrderId}: ${this.#describe(e)}`);
    }
  }

  #resolvePending(): void {
    for (const id of this.#unresolved.keys()) this.#serial(id, () => this.#resolveOne(id));
  }

  // ---- applying venue state ---------------------------------------------------------------------

  /**
   * Applies an order state: from a command's reply (which also lists the fills a FULL reply made on
   * arrival), from the stream (a state that says more has filled than heard is checked by REST if the
   * stream's trades do not arrive shortly), or from a REST read (its fills were fetched with it).
   */
  #applyOrder(clientOrderId: string, o: CcxtOrder, from: 'reply' | 'stream' | 'rest', reason?: string): void {
    const order = this.#tracker.get(clientOrderId);
    if (order === undefined) return;
    const current = this.#tracker.venueIdOf(clientOrderId);
    if (current === undefined) this.#tracker.linkVenueId(clientOrderId, o.id);
    else if (current !== o.id) return; // about a venue order a cancel-replace retired
    if (from === 'reply') for (const f of fullFills(o, (cost, asset, price, tradeId) => this.#commission(o.symbol, cost, asset, price, tradeId), this.#market(o.symbol)?.quote)) this.#tracker.fill({ ...f, clientOrderId });
    const ts = Math.trunc(o.lastUpdateTimestamp ?? o.timestamp);
    const cum = o.filled + (this.#carried.get(clientOrderId)?.qty ?? 0);
    switch (o.status) {
      case 'open':
        this.#tracker.status(clientOrderId, 'accepted', ts);
        break;
      case 'canceled':
      case 'cancelled':
        if (this.#replacing.has(clientOrderId)) return;
        this.#tracker.status(clientOrderId, 'canceled', ts, { reason: reason ?? 'canceled', cumFilledQty: cum });
        break;
      case 'expired':
        this.#tracker.status(clientOrderId, 'expired', ts, { reason: 'expired', cumFilledQty: cum });
        break;
      case 'rejected':
        this.#tracker.status(clientOrderId, 'rejected', ts, { reason: 'rejected by the venue', cumFilledQty: cum });
        break;
      case 'closed':
      case 'canceling':
        // Filled: the fills make the order filled. Cancel pending: wait for the venue's final word.
        break;
    }
    if (cum > order.filledQty + 1e-9 && from !== 'rest') this.#checkFillsLater(clientOrderId, o);
  }

  /** A state ahead of the fills heard: give the stream's trades a moment, then fetch what is still missing. */
  #checkFillsLater(clientOrderId: string, o: CcxtOrder): void {
    const key = `${o.id}:${o.filled}`;
    if (this.#gapChecks.has(key)) return;
    this.#gapChecks.add(key);
    const check = new Promise<void>((resolve) => setTimeout(resolve, this.#opts.fillWaitMs ?? 250)).then(async () => {
      const order = this.#tracker.get(clientOrderId);
      const cum = o.filled + (this.#carried.get(clientOrderId)?.qty ?? 0);
      if (order !== undefined && cum > order.filledQty + 1e-9 && this.#conn.state !== 'disconnected') await this.#fillGapOf(clientOrderId, o);
    });
    this.#track(check.catch((e: unknown) => this.#note(`fills of ${clientOrderId}: ${this.#describe(e)}`)).finally(() => this.#gapChecks.delete(key)));
  }

  #onStreamOrders(xs: readonly unknown[]): void {
    for (const x of xs) {
      try {
        const o = parseVenue(CcxtOrderSchema, this.venue, 'order', x);
        const id = this.#clientIdOf(o);
        const order = (id !== undefined ? this.#tracker.get(id) : undefined) ?? this.#tracker.byVenueId(o.id);
        if (order === undefined) continue;
        if (this.#unresolved.has(order.id)) this.#unresolved.delete(order.id);
        // Stream fills come through watchMyTrades; a state that says more has filled waits for them.
        this.#applyOrder(order.id, o, 'stream');
      } catch (e) {
        this.#note(`stream order dropped: ${this.#describe(e)}`);
      }
    }
  }

  #onStreamTrades(xs: readonly unknown[]): void {
    for (const x of xs) {
      try {
        const t = streamFeeSigned(parseVenue(CcxtTradeSchema, this.venue, 'trade', x));
        const id = this.#tradeClientId(t) ?? this.#tracker.byVenueId(t.order)?.id;
        if (id === undefined) {
          this.#note(`trade ${t.id} of unknown order ${t.order}`);
          continue;
        }
        if (!this.#booked.has(t.id)) this.#tracker.fill(this.#venueFill(t, id));
      } catch (e) {
        this.#note(`stream trade dropped: ${this.#describe(e)}`);
      }
    }
  }

  #venueFill(t: CcxtTrade, clientOrderId: string): VenueFill {
    return { tradeId: t.id, clientOrderId, qty: t.amount, price: t.price, commission: this.#tradeCommission(t), ...chargedFee(t.fee?.cost ?? 0, t.fee?.currency ?? undefined, this.#market(t.symbol)?.quote), liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker', tsEventMs: Math.trunc(t.timestamp) };
  }

  /** Fetches the trades of one venue order and applies those not heard yet. */
  async #fillGapOf(clientOrderId: string, o: CcxtOrder): Promise<void> {
    // An adopted order's catch-up first tells which of its trades were booked before the restart.
    if (this.#adopted.has(clientOrderId)) return;
    const raw = await withRetry(() => this.#signed(() => this.#orderTrades(o)), this.#retryPolicy());
    const trades = raw.map((x) => parseVenue(CcxtTradeSchema, this.venue, 'trade', x)).sort((a, b) => a.timestamp - b.timestamp);
    for (const t of trades) if (!this.#tracker.hasTrade(t.id) && !this.#booked.has(t.id)) this.#tracker.fill(this.#venueFill(t, clientOrderId));
    // A terminal state that waited for these fills is applied by the tracker; apply the state again for one that did not wait.
    this.#applyOrder(clientOrderId, o, 'rest');
  }

  /** After (re)subscribing: unresolved submits, then each working order's fills and state by REST. */
  async #gapFill(): Promise<void> {
    await Promise.all([...this.#unresolved.keys()].map((id) => this.#resolveOne(id)));
    await Promise.all([...this.#adopted].map((id) => this.#catchUpAdopted(this.#tracker.get(id)!).catch((e: unknown) => this.#note(`adopt ${id}: ${this.#describe(e)}`))));
    const open = this.#tracker.open().filter((o) => this.#tracker.venueIdOf(o.id) !== undefined);
    if (open.length === 0) return;
    // One list of the venue's open orders; only the orders that changed are read one by one.
    const listed = new Map<string, CcxtOrder>();
    for (const x of await this.#query('openOrders', () => this.#ex.fetchOpenOrders())) {
      const o = parseVenue(CcxtOrderSchema, this.venue, 'order', x);
      listed.set(o.id, o);
    }
    await Promise.all(
      open.map(async (order) => {
        const v = listed.get(this.#tracker.venueIdOf(order.id)!);
        try {
          // Not open any more (finished while away): its final state and trades.
          if (v === undefined) return await this.#refresh(order);
          if (v.filled + (this.#carried.get(order.id)?.qty ?? 0) > order.filledQty + 1e-9) return await this.#fillGapOf(order.id, v);
          this.#applyOrder(order.id, v, 'rest');
        } catch (e) {
          this.#note(`gap fill ${order.id}: ${this.#describe(e)}`);
        }
      }),
    );
  }

  /** The market's lot step, price tick and minimum amount (ccxt's TICK_SIZE precision), once markets are loaded. */
  instrumentRules(symbol: string): InstrumentRules | null {
    const m = this.#marketsLoaded ? this.#market(symbol) : undefined;
    if (m === undefined) return null;
    const positive = (x: number | undefined): number | undefined => (x !== undefined && x > 0 ? x : undefined);
    return { lotSize: positive(m.precision.amount), tickSize: positive(m.precision.price), minQty: positive(m.limits.amount?.min) };
  }

  // ---- helpers ----------------------------------------------------------------------------------

  async #loadMarkets(): Promise<void> {
    if (this.#marketsLoaded) return;
    if (this.#opts.markets !== undefined) this.#ex.setMarkets(this.#opts.markets as never);
    else await withRetry(() => this.#ex.loadMarkets(), this.#retryPolicy());
    this.#marketsLoaded = true;
  }

  /** Prices the fee assets of the traded markets' quotes before any fill can need them (one ticker each, paced). */
  async #prefetchFeePrices(): Promise<void> {
    const assets = this.#opts.feeAssets ?? (this.#binance ? ['BNB'] : []);
    const quotes = new Set(this.#symbols().map((s) => this.#market(s)!.quote));
    await Promise.all([...quotes].flatMap((q) => assets.filter((a) => a !== q).map((a) => this.#feePrices.prefetch(a, q))));
  }

  #tradeCommission(t: CcxtTrade): number {
    return this.#commission(t.symbol, t.fee?.cost ?? 0, t.fee?.currency ?? undefined, t.price, t.id);
  }

  /**
   * A fee as the venue charged it (`cost` of `asset`; no asset: the quote), in the quote currency. A fee in a
   * third asset with no price known yet is booked as 0 and said so (the price is being read for later fills).
   */
  #commission(symbol: string, cost: number, asset: string | undefined, price: number, tradeId: string): number {
    const m = this.#market(symbol);
    if (m === undefined) return 0;
    const v = feeInQuote(cost, asset ?? m.quote, price, m.base, m.quote, (a, q) => this.#feePrices.priceOf(a, q));
    if (v !== null) return v;
    this.#note(`fee of trade ${tradeId} (${cost} ${asset}) booked as 0 ${m.quote}: no price of ${asset}/${m.quote} yet`);
    return 0;
  }

  #market(symbol: string): MarketLike | undefined {
    const m = (this.#ex.markets as Record<string, MarketLike> | undefined)?.[symbol];
    return m;
  }

  #symbols(): string[] {
    const set = new Set<string>(this.#opts.symbols ?? []);
    for (const o of this.#tracker.open()) set.add(o.symbol);
    return [...set].filter((s) => this.#market(s) !== undefined);
  }

  async #fillsOf(symbol: string, sinceMs: number): Promise<FillReport[]> {
    const trades = await this.#trades(symbol, sinceMs);
    const ids = new Map<string, string>();
    const out: FillReport[] = [];
    for (const t of trades) {
      let id = this.#tracker.byVenueId(t.order)?.id ?? ids.get(t.order);
      if (id === undefined) {
        const raw = await this.#query(`order ${t.order}`, () => this.#ex.fetchOrder(t.order, symbol));
        const o = parseVenue(CcxtOrderSchema, this.venue, 'order', raw);
        id = this.#clientIdOf(o) ?? o.id;
        ids.set(t.order, id);
      }
      out.push(parseReport('FillReport', this.venue, fillReportOf(t, id, this.#tradeCommission(t), this.#market(symbol)?.quote)));
    }
    return out;
  }

  /**
   * Every trade of a symbol at or after `sinceMs`. Binance answers a `startTime` with at most the next
   * 24 hours, so a start within the last day uses it and anything older pages through the account's
   * trades by id from the first one (1,000 a page), keeping those at or after `sinceMs`.
   */
  async #trades(symbol: string, sinceMs: number): Promise<CcxtTrade[]> {
    if (!this.#binance) return this.#tradesBack(symbol, sinceMs);
    const out: CcxtTrade[] = [];
    const recent = sinceMs > 0 && this.#clock() - sinceMs < 23 * 3_600_000;
    let page = await this.#query('myTrades', () => this.#ex.fetchMyTrades(symbol, recent ? sinceMs : undefined, 1000, recent ? {} : { fromId: 0 }));
    for (;;) {
      const parsed = page.map((x) => parseVenue(CcxtTradeSchema, this.venue, 'trade', x));
      out.push(...parsed.filter((t) => t.timestamp >= sinceMs));
      if (parsed.length === 0) break;
      const last = Math.max(...parsed.map((t) => Number(t.id)));
      page = await this.#query('myTrades', () => this.#ex.fetchMyTrades(symbol, undefined, 1000, { fromId: last + 1 }));
    }
    return out;
  }

  /**
   * Every trade of a symbol at or after `sinceMs` on OKX: pages of 100, newest first, each older than the
   * last one's `billId` (OKX's `after`), until a page is empty or reaches before `sinceMs`. OKX keeps three
   * months of fills on this endpoint (fills-history).
   */
  async #tradesBack(symbol: string, sinceMs: number): Promise<CcxtTrade[]> {
    const out: CcxtTrade[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.#query('myTrades', () => this.#ex.fetchMyTrades(symbol, undefined, 100, after === undefined ? {} : { after }));
      const parsed = page.map((x) => parseVenue(CcxtTradeSchema, this.venue, 'trade', x));
      out.push(...parsed.filter((t) => t.timestamp >= sinceMs));
      // ccxt hands the page back oldest first: the next page goes on from the oldest bill.
      const bills = parsed.map((t) => t.info?.billId).filter((x): x is string => typeof x === 'string' && x !== '');
      if (parsed.length === 0 || bills.length < parsed.length || Math.min(...parsed.map((t) => t.timestamp)) < sinceMs) break;
      const oldest = bills.reduce((a, b) => (b.length < a.length || (b.length === a.length && b < a) ? b : a));
      if (oldest === after) break;
      after = oldest;
    }
    return out.sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
  }

  async #balances(): Promise<z.infer<typeof CcxtBalanceSchema>> {
    return parseVenue(CcxtBalanceSchema, this.venue, 'balance', await this.#query('balances', () => this.#ex.fetchBalance()));
  }

  /** A signed call; a clock refusal (-1021) resyncs the clock offset before the error goes on. */
  async #signed<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      await this.#resyncOnClock(e);
      throw e;
    }
  }

  /** After a clock refusal (Binance -1021), measures the offset to the venue's clock once (GET /api/v3/time). */
  async #resyncOnClock(e: unknown): Promise<void> {
    if (classifyCcxtError(e).kind !== 'clock') return;
    this.#clockResync ??= this.#measureClock().catch((x: unknown) => this.#note(`clock: ${this.#describe(x)}`)).finally(() => (this.#clockResync = null));
    await this.#clockResync;
  }

  /**
   * The offset to the venue's clock, taken at the midpoint of the request (ccxt's loadTimeDifference
   * takes the moment the answer arrived, which is late by the whole trip on a slow link). Signed
   * requests carry `now - timeDifference`.
   */
  async #measureClock(): Promise<void> {
    const sent = this.#ex.milliseconds();
    const server = await this.#ex.fetchTime();
    const back = this.#ex.milliseconds();
    if (server === undefined) return;
    this.#ex.options.timeDifference = Math.round((sent + back) / 2 - server);
  }

  async #query<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(() => this.#signed(fn), this.#retryPolicy());
    } catch (e) {
      throw toSextantError(e, this.venue, what, this.#secrets);
    }
  }

  #retryPolicy(): Parameters<typeof withRetry>[1] {
    return { attempts: this.#opts.queryAttempts ?? 4, baseMs: 100, maxMs: 2000, isRetryable: (e) => isRetryable(e), retryAfterMs: (e) => classifyCcxtError(e, [], this.#retryAfterMs()).retryAfterMs };
  }

  /** Retry-After of the last answer, in ms (ccxt keeps the last response's headers). */
  #retryAfterMs(): number | undefined {
    const h = (this.#ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers;
    const v = h?.['Retry-After'] ?? h?.['retry-after'];
    const s = v === undefined ? Number.NaN : Number(v);
    return Number.isFinite(s) ? s * 1000 : undefined;
  }

  #requireConnected(): void {
    if (!this.#conn.connected) throw new RetryableVenueError(`${this.venue} is not connected`);
  }

  /** Runs `fn` after whatever this order is already doing (submit before cancel), tracked for idle(). */
  #serial(id: string, fn: () => Promise<void>): void {
    const prev = this.#chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn).catch((e: unknown) => this.#note(`${id}: ${this.#describe(e)}`));
    this.#chains.set(id, next);
    this.#track(next.finally(() => {
      if (this.#chains.get(id) === next) this.#chains.delete(id);
    }));
  }

  #track(p: Promise<unknown>): void {
    this.#ops.add(p);
    void p.finally(() => this.#ops.delete(p));
  }

  #describe(e: unknown): string {
    return redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e), this.#secrets);
  }

  #note(line: string): void {
    const safe = redact(line, this.#secrets);
    if (this.anomalies.length < 10_000) this.anomalies.push(safe);
    this.#opts.log?.(`[${this.venue}] ${safe}`);
  }
}

/** The fills a Binance FULL reply lists (fills made on arrival), as tracker fills without a client id. */
function fullFills(o: CcxtOrder, inQuote: (cost: number, asset: string, price: number, tradeId: string) => number, quote: string | undefined): Omit<VenueFill, 'clientOrderId'>[] {
  const r = FullReplySchema.safeParse(o.info ?? {});
  if (!r.success || r.data.fills === undefined) return [];
  const ts = Math.trunc(r.data.transactTime ?? o.timestamp);
  return r.data.fills.map((f) => {
    const price = Number(f.price);
    const tradeId = String(f.tradeId);
    const cost = Number(f.commission);
    return { tradeId, qty: Number(f.qty), price, commission: inQuote(cost, f.commissionAsset, price, tradeId), ...chargedFee(cost, f.commissionAsset, quote), liquidity: 'taker' as const, tsEventMs: ts };
  });
}

/**
 * ccxt.pro's OKX trade from the orders channel keeps OKX's sign of `fillFee` (negative: charged), where its
 * REST trades (fills-history `fee`) are turned to a positive cost: the stream's is turned the same way.
 */
function streamFeeSigned(t: CcxtTrade): CcxtTrade {
  const raw = t.info?.fillFee;
  if (typeof raw !== 'string' || raw === '' || t.fee?.cost === undefined || t.fee.cost === null || t.fee.cost !== Number(raw)) return t;
  return { ...t, fee: { ...t.fee, cost: -t.fee.cost } };
}

/** Average cost of what a symbol's trades leave held (sells take out at the running average). */
function averageCost(trades: readonly CcxtTrade[], m: MarketLike): number {
  let qty = 0;
  let avg = 0;
  let last = 0;
  for (const t of trades) {
    last = t.price;
    const fee = t.fee?.currency === m.base ? (t.fee.cost ?? 0) : 0;
    if (t.side === 'buy') {
      const got = t.amount - fee;
      avg = qty + got > 0 ? (avg * qty + t.price * t.amount) / (qty + got) : avg;
      qty += got;
    } else {
      qty = Math.max(0, qty - t.amount);
      if (qty === 0) avg = 0;
    }
  }
  return avg > 0 ? avg : last;
}
