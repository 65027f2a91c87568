// Alpaca as an ExecutionClient (docs/venues/alpaca.md): orders through the Trading API v2 and the SDK's
// generated Api classes (rest.ts), what happens to them from the trade_updates stream (stream.ts) into
// the shared VenueOrderTracker, which applies each fill once and never moves an order backwards.
// - submit: client_order_id = order.id, sent through submitSafely: an ambiguous failure (timeout, 5xx,
//   429, a dropped link, an unreadable answer) is looked up by client order id before anything is sent
//   again. Alpaca keeps client order ids for ever, so a late copy of a send is refused there too.
// - modify: Alpaca replaces (PATCH) an order with a new one (new venue id, new client order id): sent as
//   `<id>~r<n>` so it maps back to the same Sextant order; capabilities say nativeModify: false.
// - a dropped stream reports 'reconnecting'; once the SDK has reconnected and listens again, every open
//   order is read back by REST and missed fills are taken from the FILL activities (gap fill).
// - an entry whose exits are a stop-loss and/or a take-profit at a price (a stock) goes as one bracket or
//   OTO request (order-class.ts); its legs are Sextant orders `<entry>-sl`/`<entry>-tp` from the moment it
//   is sent (held at Alpaca until the entry fills), found again by that id after a restart.
// - a strategy's ctx.bracket is one such request too: its children `<entry>-tp`/`-sl` arrive in the same
//   turn as their entry, while the entry waits to be sent (#unsent), and ride in its request when Alpaca can
//   take them (takesNatively; the reason is logged when it cannot and the OrderEmulator holds them).
// - a strategy's ctx.oco likewise: its take-profit (a reduce-only limit in an OCO group) waits for the end of
//   the turn, and its stop-loss `<take-profit>-sl` rides in its request as Alpaca's 'oco' leg.
import { InvariantError, RetryableVenueError } from '../../core/errors.ts';
import type { Order } from '../../model/order.ts';
import { ConnectionTracker } from '../../execution/connection.ts';
import type { ConnectionState, ExecutionCapabilities, ExecutionClient, ExecutionSink, OrderModification } from '../../execution/execution-client.ts';
import { modifyProblem, submitProblem } from '../../execution/order-checks.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from '../../execution/reports.ts';
import { readCredentials, redact } from '../shared/credentials.ts';
import { VenueOrderTracker, type TrackerAnomaly } from '../shared/order-tracker.ts';
import { TokenBucket } from '../shared/rate-limiter.ts';
import { DEFAULT_SAFE_SUBMIT, submitSafely, type SafeSubmitPolicy } from '../shared/safe-submit.ts';
import { AlpacaRejectedError, AlpacaRetryableError, classifySubmitFailure, retryAfterOf, toVenueError } from './errors.ts';
import {
  ALPACA_TIF_OF, ALPACA_TYPE_OF, AlpacaPayloadError, NOTHING_CARRIED, VENUE, legsOf, orderReport, parseTradeUpdate, replaceClientId, splitClientId, tradeIdOf,
  type AlpacaFillActivity, type AlpacaOrder, type Carried,
} from './parse.ts';
import { AlpacaRest, carriedOf, decimalString, type NewOrderBody, type OrderChain } from './rest.ts';
import { ADVANCED_CLASSES, bracketLegProblem, classFields, legId, legOrders, nativeExitsProblem, ocoFields, ocoLegProblem, ocoParentProblem, parseLegId, roleOf, takesExitsNatively } from './order-class.ts';
import { TradeStream } from './stream.ts';
import { fromAlpacaSymbol, isCrypto, toAlpacaSymbol } from './symbols.ts';

export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
export const ALPACA_LIVE_URL = 'https://api.alpaca.markets';

export interface AlpacaClientOptions {
  /** Default: env APCA_API_KEY_ID. */
  readonly keyId?: string;
  /** Default: env APCA_API_SECRET_KEY. */
  readonly secretKey?: string;
  /** Paper trading (default true). Live needs `paper: false` said out loud. */
  readonly paper?: boolean;
  /** Trading API host (default from `paper`). */
  readonly baseUrl?: string;
  /** trade_updates WebSocket (default: the host's /stream). */
  readonly streamUrl?: string;
  /** Milliseconds now, for events the venue does not time. */
  readonly clock?: () => number;
  /** Where credentials are read from when not given (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Per REST request (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** REST requests in flight at once; the rest queue before their timeout starts (default 16). */
  readonly maxInFlight?: number;
  /** Request budget (default Alpaca's 200 a minute, 200 at once). */
  readonly rateLimit?: { readonly capacity: number; readonly refillPerSecond: number };
  /** Stream reconnect backoff (default 1 s doubling to 30 s). */
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  /** Stream keepalive ping (default 10 s). */
  readonly pingIntervalMs?: number;
  readonly safeSubmit?: SafeSubmitPolicy;
  /** Reads: attempts and backoff (default 4, 200 ms to 5 s). */
  readonly readRetry?: { readonly attempts: number; readonly baseMs: number; readonly maxMs: number };
  /**
   * An order whose submit stayed unresolved and that Alpaca still does not know this long after is
   * rejected ('never reached Alpaca') at the next gap fill (default 60 s).
   */
  readonly unknownAfterMs?: number;
  /** How long a fill Alpaca reports may take to arrive on the stream before it is read back (default 2 s). */
  readonly fillGraceMs?: number;
  /** How far this clock and Alpaca's may differ: gap fills read activities from this much earlier (default 60 s). */
  readonly clockSlackMs?: number;
  /** Operator log (every line redacted). */
  readonly log?: (line: string) => void;
}

export const ALPACA_CAPABILITIES: ExecutionCapabilities = Object.freeze<ExecutionCapabilities>({
  orderTypes: ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop'],
  // Alpaca's opg/cls (auction orders) have no Sextant TIF; GTD does not exist there.
  timeInForce: ['DAY', 'GTC', 'IOC', 'FOK'],
  fractionalQty: true,
  shorting: true,
  reduceOnly: false,
  // PATCH replaces the order: new venue order id (and a new client order id, mapped back).
  nativeModify: false,
  // Alpaca's bracket/OCO/OTO are one request for a whole group, in some shapes only (docs/venues/alpaca.md):
  // an entry's exits at a price, a ctx.bracket's children riding in their entry's request, a ctx.oco's stop
  // in its take-profit's. takesNatively says which orders; the OrderEmulator holds every other linked order.
  nativeBrackets: false,
  nativeOco: false,
  exitAttachments: false,
  partialNative: ['nativeBrackets', 'nativeOco', 'exitAttachments'],
});

/** What the generic checks see for an entry Alpaca takes with its exits. */
const WITH_NATIVE_EXITS: ExecutionCapabilities = Object.freeze({ ...ALPACA_CAPABILITIES, exitAttachments: true });
/** What the generic checks see for a bracket child riding in its entry's request (a closing leg). */
const AS_LEG: ExecutionCapabilities = Object.freeze({ ...ALPACA_CAPABILITIES, nativeBrackets: true, nativeOco: true, reduceOnly: true });

interface ChainState {
  /** The replacement number of the Alpaca order standing for the Sextant order (0: the original). */
  seq: number;
  /** Fills of the orders it replaced, by their venue order id. */
  readonly replaced: Map<string, Carried>;
}

const NO_REPLACED: ReadonlyMap<string, Carried> = new Map();

export class AlpacaExecutionClient implements ExecutionClient {
  readonly venue = VENUE;
  readonly capabilities = ALPACA_CAPABILITIES;
  readonly #conn: ConnectionTracker;
  readonly #tracker: VenueOrderTracker;
  readonly #rest: AlpacaRest;
  readonly #clock: () => number;
  readonly #keyId: string;
  readonly #secretKey: string;
  readonly #streamUrl: string;
  readonly #opts: AlpacaClientOptions;
  #stream: TradeStream | null = null;
  #connecting: Promise<void> | null = null;
  readonly #chains = new Map<string, ChainState>();
  /** Every Alpaca order id seen for a tracked order (originals and replacements) -> Sextant order id. */
  readonly #baseOfVenueId = new Map<string, string>();
  /** Orders of other sessions met in the FILL activities: Alpaca order id -> Sextant id and symbol. */
  readonly #owners = new Map<string, { readonly baseId: string; readonly symbol: string }>();
  /** Sextant order id -> when its submit ended without a definite answer. */
  readonly #unresolved = new Map<string, number>();
  /** Per order: the command in flight (a cancel or modify waits for the submit before it). */
  readonly #pending = new Map<string, Promise<void>>();
  readonly #tasks = new Set<Promise<unknown>>();
  /** Native bracket/OTO entries -> their legs' Sextant orders. */
  readonly #legsOfEntry = new Map<string, Order[]>();
  /** Orders that may carry ctx.bracket children, from their submit until their send starts (the same turn). */
  readonly #unsent = new Map<string, Order>();
  /** Orders adopted at a restart -> what they had filled then (their earlier FILL activities are booked already). */
  readonly #adoptedFilled = new Map<string, number>();
  #resync: Promise<void> | null = null;
  #resyncAgain = false;
  readonly anomalies: TrackerAnomaly[] = [];

  constructor(opts: AlpacaClientOptions, sink: ExecutionSink) {
    this.#opts = opts;
    const env = opts.env ?? process.env;
    const creds = opts.keyId !== undefined && opts.secretKey !== undefined ? { key: opts.keyId, secret: opts.secretKey } : readCredentials(env, 'APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', { required: true, what: 'Alpaca' })!;
    this.#keyId = creds.key;
    this.#secretKey = creds.secret;
    const paper = opts.paper ?? true;
    const baseUrl = (opts.baseUrl ?? (paper ? ALPACA_PAPER_URL : ALPACA_LIVE_URL)).replace(/\/+$/, '');
    this.#streamUrl = opts.streamUrl ?? `${baseUrl.replace(/^http/, 'ws')}/stream`;
    this.#clock = opts.clock ?? Date.now;
    this.#conn = new ConnectionTracker('disconnected', (e) => sink.onConnectionState?.(e));
    this.#tracker = new VenueOrderTracker(VENUE, sink, { onAnomaly: (a) => this.#anomaly(a) });
    const rate = opts.rateLimit ?? { capacity: 200, refillPerSecond: 200 / 60 };
    const retry = opts.readRetry ?? { attempts: 4, baseMs: 200, maxMs: 5_000 };
    this.#rest = new AlpacaRest({
      baseUrl, keyId: this.#keyId, secretKey: this.#secretKey, timeoutMs: opts.requestTimeoutMs ?? 10_000,
      bucket: new TokenBucket(rate), readAttempts: retry.attempts, retryBaseMs: retry.baseMs, retryMaxMs: retry.maxMs,
      ...(opts.maxInFlight !== undefined && { maxInFlight: opts.maxInFlight }),
    });
  }

  get connectionState(): ConnectionState {
    return this.#conn.state;
  }

  // --- link ---

  async connect(): Promise<void> {
    if (this.#conn.state === 'connected') return;
    if (this.#connecting !== null) return this.#connecting;
    this.#connecting = this.#open().finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  async #open(): Promise<void> {
    this.#conn.set('connecting', this.#clock());
    try {
      await this.#rest.account(); // credentials and reachability, before the stream
      const stream = new TradeStream(
        {
          url: this.#streamUrl, keyId: this.#keyId, secretKey: this.#secretKey,
          initialReconnectMs: this.#opts.reconnect?.initialMs ?? 1_000, maxReconnectMs: this.#opts.reconnect?.maxMs ?? 30_000,
          handshakeTimeoutMs: Math.max(5_000, this.#opts.requestTimeoutMs ?? 10_000), pingIntervalMs: this.#opts.pingIntervalMs ?? 10_000,
          log: (line) => this.#log(line),
        },
        {
          onUpdate: (d) => this.#onUpdate(d),
          onDown: (reason) => this.#onDown(reason),
          onUp: () => this.#onUp(),
          onError: (m) => this.#streamError(m),
          onFatal: (m) => this.#onFatal(m),
        },
      );
      this.#stream = stream;
      await stream.start();
      this.#conn.set('connected', this.#clock());
      // Orders tracked from before a disconnect may have moved meanwhile.
      if (this.#tracker.open().length > 0) this.#track(this.resync());
    } catch (e) {
      this.#stream?.stop();
      this.#stream = null;
      const err = toVenueError(e, 'connect', this.#secrets());
      this.#conn.set('disconnected', this.#clock(), err.message);
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    if (this.#connecting !== null) await this.#connecting.catch(() => undefined);
    this.#stream?.stop();
    this.#stream = null;
    this.#conn.set('disconnected', this.#clock());
  }

  #onDown(reason: string): void {
    if (this.#conn.state === 'connected') this.#conn.set('reconnecting', this.#clock(), reason);
  }

  #onUp(): void {
    // Listening again: take commands again, and read back what moved while the stream was away (what
    // the gap fill finds and what the stream says from now on meet in the tracker, each once).
    if (this.#conn.state === 'reconnecting') this.#conn.set('connected', this.#clock());
    this.#scheduleResync();
  }

  #onFatal(message: string): void {
    if (this.#conn.state === 'connecting') return; // connect() reports it
    this.#stream?.stop();
    this.#stream = null;
    this.#conn.set('disconnected', this.#clock(), message);
    this.#log(message);
  }

  #streamError(message: string): void {
    this.#log(`stream: ${message}`);
    // A frame we could not read may have been a fill: read the open orders back.
    if (/failed to (decode|process)/.test(message) && this.#conn.state === 'connected') this.#scheduleResync();
  }

  // --- commands ---

  /**
   * Whether Alpaca takes this order as it is although the capability flags say no: an entry with native
   * exits, a ctx.bracket child that can ride in its entry's request (its entry is waiting to be sent), a
   * ctx.oco take-profit that can be an 'oco' order, or its stop riding in that take-profit's request.
   */
  takesNatively(order: Order): boolean {
    if (order.request.exits !== undefined) return takesExitsNatively(order);
    if (order.links.parentId === undefined && order.links.ocoGroup === undefined) return false;
    const problem = order.links.parentId !== undefined ? this.#ridingProblem(order) : this.#ocoProblem(order).problem;
    if (problem !== null) this.#log(`${order.links.parentId !== undefined ? 'bracket child' : 'oco order'} ${order.id} is emulated, not sent as an alpaca leg: ${problem}`);
    return problem === null;
  }

  /**
   * Why Alpaca cannot take this order natively although a capability flag says no (null when it can, or
   * when the order needs no such flag): the reason the OrderEmulator holds it.
   */
  nativeProblem(order: Order): string | null {
    if (order.request.exits !== undefined) return nativeExitsProblem(order);
    if (order.links.parentId !== undefined) return this.#ridingProblem(order);
    if (order.links.ocoGroup !== undefined) return this.#ocoProblem(order).problem;
    return null;
  }

  /** An order of an OCO group without a parent: the stop leg of a take-profit waiting here, or a take-profit that can carry one; why not. */
  #ocoProblem(order: Order): { readonly tpId: string | null; readonly problem: string | null } {
    const named = parseLegId(order.id);
    const tp = named?.role === 'sl' ? this.#unsent.get(named.entryId) : undefined;
    if (tp !== undefined && tp.links.ocoGroup === order.links.ocoGroup && tp.links.parentId === undefined) {
      return { tpId: tp.id, problem: ocoLegProblem(order, tp, this.#legsOfEntry.get(tp.id) ?? []) ?? submitProblem(order, AS_LEG, 0) };
    }
    if (order.type === 'stop' || order.type === 'stop-limit') {
      return { tpId: null, problem: `ocoGroup: a stop rides in its take-profit's alpaca oco request (named ${named === null ? '<take-profit>-sl' : order.id}), and no such take-profit is waiting here to be sent with it` };
    }
    return { tpId: null, problem: ocoParentProblem(order) ?? submitProblem(order, AS_LEG, 0) };
  }

  /** Why a bracket child cannot ride in its entry's request (null: it can). */
  #ridingProblem(order: Order): string | null {
    const parentId = order.links.parentId!;
    const entry = this.#unsent.get(parentId);
    if (entry === undefined) return `parentId: its entry ${parentId} is not waiting here to be sent with it (sent already, refused, or not an alpaca bracket entry)`;
    return bracketLegProblem(order, entry, this.#legsOfEntry.get(parentId) ?? []) ?? submitProblem(order, AS_LEG, 0);
  }

  submit(order: Order, nowMs: number): void {
    if (this.#tracker.has(order.id)) {
      this.#tracker.commandRejected('submit', order.id, `duplicate client order id ${order.id}: an order with this id was already sent`, nowMs);
      return;
    }
    if (this.#conn.state !== 'connected') {
      this.#tracker.rejected(order, `not connected to alpaca (${this.#conn.state})`, nowMs);
      return;
    }
    const parentId = order.links.parentId;
    if (parentId !== undefined && this.#unsent.has(parentId)) return this.#ride(order, parentId, this.#ridingProblem(order), nowMs);
    if (parentId === undefined && order.links.ocoGroup !== undefined) {
      // A take-profit that can carry its stop as an alpaca oco leg (sent at the end of the turn), or that stop.
      const { tpId, problem } = this.#ocoProblem(order);
      if (tpId !== null) return this.#ride(order, tpId, problem, nowMs);
      if (problem !== null) return this.#tracker.rejected(order, problem, nowMs);
      this.#tracker.submitted(order, nowMs);
      this.#chains.set(order.id, { seq: 0, replaced: new Map() });
      this.#unsent.set(order.id, order);
      this.#serial(order.id, () => this.#send(order));
      return;
    }
    const withExits = order.request.exits !== undefined;
    const problem = (withExits ? nativeExitsProblem(order) : null) ?? submitProblem(order, withExits ? WITH_NATIVE_EXITS : this.capabilities, 0) ?? alpacaProblem(order);
    if (problem !== null) {
      this.#tracker.rejected(order, problem, nowMs);
      return;
    }
    this.#tracker.submitted(order, nowMs);
    this.#chains.set(order.id, { seq: 0, replaced: new Map() });
    if (withExits) this.#openLegs(order, nowMs);
    else this.#unsent.set(order.id, order); // children arriving this turn ask it (bracketLegProblem says whether it can carry them)
    this.#serial(order.id, () => this.#send(order));
  }

  /** A ctx.bracket child (or ctx.oco stop) joins its entry's (take-profit's) request as a leg, sent with it. */
  #ride(leg: Order, entryId: string, problem: string | null, nowMs: number): void {
    if (problem !== null) {
      this.#tracker.rejected(leg, problem, nowMs);
      return;
    }
    this.#tracker.submitted(leg, nowMs);
    this.#chains.set(leg.id, { seq: 0, replaced: new Map() });
    this.#legsOfEntry.set(entryId, [...(this.#legsOfEntry.get(entryId) ?? []), leg]);
  }

  /** The legs of a native entry become Sextant orders now: the store has them before any of them can fill. */
  #openLegs(entry: Order, nowMs: number): void {
    const legs = legOrders(entry, nowMs).filter((l) => !this.#tracker.has(l.id));
    this.#legsOfEntry.set(entry.id, legs);
    for (const leg of legs) {
      this.#tracker.submitted(leg, nowMs);
      this.#chains.set(leg.id, { seq: 0, replaced: new Map() });
    }
  }

  /** Ends the legs of an entry that never became an order at Alpaca (they never existed there either). */
  #rejectLegs(entryId: string, reason: string): void {
    for (const leg of this.#legsOfEntry.get(entryId) ?? []) if (leg.isOpen) this.#tracker.rejected(leg, `${reason} (its entry ${entryId})`, this.#clock());
  }

  /** Links a native entry's legs to Alpaca's (by type) and applies their state (held: accepted). */
  async #linkLegs(entryId: string, parent: AlpacaOrder): Promise<void> {
    if (!this.#legsOfEntry.has(entryId)) return;
    let legs = legsOf(parent);
    if (legs.length === 0) legs = legsOf((await this.#rest.orderById(parent.id, true)) ?? parent);
    for (const v of legs) {
      const id = legId(entryId, roleOf(v));
      if (!this.#tracker.has(id)) continue;
      const chain = await this.#rest.follow(v, NO_REPLACED);
      if (this.#applyChain(id, chain)) this.#checkLater(id, chain.order.filled_qty);
    }
  }

  async #send(order: Order): Promise<void> {
    // From here on no child joins the request.
    this.#unsent.delete(order.id);
    const legs = order.request.exits !== undefined ? legOrders(order, 0) : (this.#legsOfEntry.get(order.id) ?? []);
    const oco = order.links.ocoGroup !== undefined && order.links.parentId === undefined;
    const body = { ...orderBody(order), ...(legs.length > 0 && (oco ? ocoFields(order, legs[0]!, decimalString) : classFields(legs, decimalString))) };
    const outcome = await submitSafely<AlpacaOrder>({
      send: () => this.#rest.submitOrder(body),
      lookup: () => this.#rest.orderByClientId(order.id),
      classify: classifySubmitFailure,
      retryAfterMs: retryAfterOf,
      policy: this.#opts.safeSubmit ?? DEFAULT_SAFE_SUBMIT,
      onAttempt: (what, detail) => this.#log(`submit ${order.id}: ${what} ${detail}`),
    });
    switch (outcome.kind) {
      case 'sent':
      case 'found':
        this.#unresolved.delete(order.id);
        if (this.#applyChain(order.id, await this.#rest.follow(outcome.value, NO_REPLACED))) this.#checkLater(order.id, outcome.value.filled_qty);
        await this.#linkLegs(order.id, outcome.value);
        return;
      case 'rejected':
        this.#tracker.rejected(order, outcome.reason, this.#clock());
        this.#rejectLegs(order.id, outcome.reason);
        return;
      case 'unresolved':
        // Never resent blindly: it stays submitted until a gap fill finds it (or finds it never arrived).
        this.#unresolved.set(order.id, this.#clock());
        this.#log(`submit ${order.id} unresolved: ${outcome.reason}`);
        return;
    }
  }

  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    const order = this.#tracker.get(clientOrderId);
    const refuse = (reason: string): void => this.#tracker.commandRejected('modify', clientOrderId, reason, nowMs);
    if (order === undefined) return refuse(`unknown order ${clientOrderId}`);
    if (order.isClosed) return refuse(`order ${clientOrderId} is already ${order.status}`);
    if (this.#conn.state !== 'connected') return refuse(`not connected to alpaca (${this.#conn.state})`);
    const problem = modifyProblem(order, changes, this.capabilities);
    if (problem !== null) return refuse(problem);
    this.#serial(clientOrderId, () => this.#replace(order, changes));
  }

  async #replace(order: Order, changes: OrderModification): Promise<void> {
    const refuse = (reason: string): void => this.#tracker.commandRejected('modify', order.id, reason, this.#clock());
    const venueId = this.#tracker.venueIdOf(order.id);
    if (order.isClosed) return refuse(`order ${order.id} is already ${order.status}`);
    if (venueId === undefined) return refuse(`order ${order.id} is not known at alpaca yet`);
    const chain = this.#chainOf(order.id);
    const seq = chain.seq + 1;
    const cid = replaceClientId(order.id, seq);
    // A replacing order is sent for what is left (its quantity said whenever something has filled):
    // Alpaca's replacement starts with nothing filled; the replaced order keeps its fills.
    const newQty = changes.qty ?? (order.filledQty > 0 ? order.qty : undefined);
    const body = {
      clientOrderId: cid,
      ...(newQty !== undefined && { qty: decimalString(newQty - order.filledQty) }),
      ...(changes.limitPrice !== undefined && { limitPrice: decimalString(changes.limitPrice) }),
      ...(changes.stopPrice !== undefined && { stopPrice: decimalString(changes.stopPrice) }),
    };
    let replacement: AlpacaOrder | null;
    try {
      replacement = await this.#rest.replaceOrder(venueId, body);
    } catch (e) {
      if (e instanceof AlpacaRejectedError) return refuse(e.message);
      // Ambiguous: the replacement's client order id says whether it happened (Alpaca refuses a second one).
      replacement = await this.#rest.orderByClientId(cid).catch(() => null);
      if (replacement === null) {
        this.#scheduleResync();
        return refuse(`replace of ${order.id} not confirmed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.#baseOfVenueId.set(replacement.id, order.id);
    if (chain.seq >= seq) {
      // The stream told of the replacement first and its terms were taken then.
      this.#syncTerms(order, replacement, Math.max(carriedOf(chain.replaced).qty, order.filledQty));
      return;
    }
    chain.seq = seq;
    this.#tracker.linkVenueId(order.id, replacement.id);
    this.#tracker.amended(order.id, changes, this.#clock());
  }

  /**
   * After a restart: follows an order Alpaca is working (reconciled from the store), legs included; the
   * next gap fill links it to its Alpaca order (a leg through its entry) and applies what it missed.
   */
  adopt(order: Order): void {
    if (this.#tracker.has(order.id)) return;
    this.#tracker.add(order);
    this.#chainOf(order.id);
    this.#adoptedFilled.set(order.id, order.filledQty);
    if (this.#conn.state === 'connected') this.#scheduleResync();
  }

  cancel(orderId: string, nowMs: number, _reason?: string): void {
    const order = this.#tracker.get(orderId);
    const refuse = (reason: string): void => this.#tracker.commandRejected('cancel', orderId, reason, nowMs);
    if (order === undefined) return refuse(`unknown order ${orderId}`);
    if (order.isClosed) return refuse(`order ${orderId} is already ${order.status}`);
    if (this.#conn.state !== 'connected') return refuse(`not connected to alpaca (${this.#conn.state})`);
    this.#serial(orderId, () => this.#cancel(order));
  }

  async #cancel(order: Order): Promise<void> {
    const refuse = (reason: string): void => this.#tracker.commandRejected('cancel', order.id, reason, this.#clock());
    if (order.isClosed) return refuse(`order ${order.id} is already ${order.status}`);
    const venueId = this.#tracker.venueIdOf(order.id);
    if (venueId === undefined) return refuse(`order ${order.id} is not known at alpaca yet`);
    try {
      // The cancel itself is confirmed by the stream's 'canceled' (a fill may still win the race).
      await this.#rest.cancelOrder(venueId);
    } catch (e) {
      const err = toVenueError(e, 'cancel', this.#secrets());
      // 422: no longer cancelable (filled meanwhile); read it back so the order shows why.
      await this.#refresh(order.id).catch(() => undefined);
      refuse(err.message);
    }
  }

  cancelAll(nowMs: number, symbol?: string): void {
    if (this.#conn.state !== 'connected') {
      for (const o of this.#tracker.open()) if (symbol === undefined || o.symbol === symbol) this.#tracker.commandRejected('cancel', o.id, `not connected to alpaca (${this.#conn.state})`, nowMs);
      return;
    }
    this.#track(
      (async () => {
        if (symbol === undefined) {
          await this.#rest.cancelAllOrders();
          return;
        }
        const open = await this.#rest.openOrders(toAlpacaSymbol(symbol));
        await Promise.all(open.map((o) => this.#rest.cancelOrder(o.id).catch((e: unknown) => this.#log(`cancelAll ${o.client_order_id}: ${toVenueError(e, 'cancel', this.#secrets()).message}`))));
      })().catch((e: unknown) => this.#log(`cancelAll: ${toVenueError(e, 'cancel all', this.#secrets()).message}`)),
    );
  }

  // --- queries ---

  async queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    this.#mustBeConnected('queryOrder');
    const chain = await this.#call(() => this.#current(clientOrderId), 'query order');
    return chain === null ? null : orderReport(chain.order, carriedOf(chain.replaced), clientOrderId);
  }

  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    this.#mustBeConnected('openOrders');
    return this.#call(async () => {
      const open = await this.#rest.openOrders(symbol === undefined ? undefined : toAlpacaSymbol(symbol));
      const out: OrderStatusReport[] = [];
      for (const o of open) out.push(orderReport(o, o.replaces ? carriedOf(await this.#rest.replacedBefore(o)) : NOTHING_CARRIED, await this.#sextantIdOf(o)));
      return out;
    }, 'open orders');
  }

  async fillsSince(sinceMs: number): Promise<FillReport[]> {
    this.#mustBeConnected('fillsSince');
    return this.#call(async () => {
      const acts = await this.#rest.fillActivities(sinceMs - 1);
      const out: FillReport[] = [];
      for (const a of acts) {
        if (a.transaction_time < sinceMs) continue;
        const owner = await this.#ownerOf(a.order_id);
        out.push({
          tradeId: tradeIdOf(a.order_id, a.cum_qty),
          clientOrderId: owner?.baseId ?? a.order_id,
          venueOrderId: a.order_id,
          symbol: owner?.symbol ?? fromAlpacaSymbol(a.symbol),
          side: a.side === 'buy' ? 'buy' : 'sell',
          qty: a.qty,
          price: a.price,
          commission: 0,
          liquidity: 'taker',
          tsEventMs: a.transaction_time,
        });
      }
      return out;
    }, 'fills');
  }

  async positions(): Promise<PositionReport[]> {
    this.#mustBeConnected('positions');
    return this.#call(async () => {
      const ts = this.#clock();
      return (await this.#rest.positions())
        .filter((p) => p.qty !== 0)
        .map((p) => ({ symbol: fromAlpacaSymbol(p.symbol, p.asset_class), qty: (p.side === 'short' ? -1 : 1) * Math.abs(p.qty), avgPrice: p.avg_entry_price, tsMs: ts }));
    }, 'positions');
  }

  async balances(): Promise<BalanceReport[]> {
    this.#mustBeConnected('balances');
    return this.#call(async () => {
      const a = await this.#rest.account();
      // Cash is the total; what buying power does not cover is held for open orders (0 on margin).
      const locked = Math.max(0, Math.min(a.cash, a.cash - a.buying_power));
      return [{ currency: a.currency, total: a.cash, free: a.cash - locked, locked, tsMs: this.#clock() }];
    }, 'balances');
  }

  // --- gap fill ---

  /**
   * Reads every open tracked order back from Alpaca and applies what it missed: statuses, and fills
   * from the FILL activities (each applied once: the tracker knows the trade ids it has heard). Runs
   * after every reconnect; safe to call at any time (calls made while one runs coalesce into one more).
   */
  resync(): Promise<void> {
    if (this.#resync !== null) {
      this.#resyncAgain = true;
      return this.#resync;
    }
    const run = async (): Promise<void> => {
      do {
        this.#resyncAgain = false;
        await this.#resyncOnce().catch((e: unknown) => this.#log(`gap fill: ${toVenueError(e, 'gap fill', this.#secrets()).message}`));
      } while (this.#resyncAgain);
    };
    this.#resync = run().finally(() => (this.#resync = null));
    return this.#resync;
  }

  /** Resolves once every command and gap fill started so far has finished (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  async #resyncOnce(): Promise<void> {
    const open = this.#tracker.open();
    if (open.length === 0) return;
    // One paged list answers for the orders still open at Alpaca; the others are read one by one.
    const venueOpen = new Map<string, AlpacaOrder>();
    for (const o of await this.#rest.openOrders()) venueOpen.set(splitClientId(o.client_order_id).baseId, o);
    let needFillsFrom = Infinity;
    await eachLimited(open, 8, async (order) => {
      const listed = venueOpen.get(order.id);
      const chain = listed !== undefined ? await this.#chainFromOpen(order.id, listed) : await this.#currentTracked(order.id);
      if (chain === null) {
        const since = this.#unresolved.get(order.id);
        if (since !== undefined && this.#clock() - since >= (this.#opts.unknownAfterMs ?? 60_000)) {
          this.#unresolved.delete(order.id);
          const reason = 'alpaca never received the order (its submit was unresolved and alpaca does not know it)';
          this.#tracker.rejected(order, reason, this.#clock());
          this.#rejectLegs(order.id, reason);
        }
        return;
      }
      if (this.#unresolved.delete(order.id)) await this.#linkLegs(order.id, chain.order);
      if (this.#applyChain(order.id, chain)) needFillsFrom = Math.min(needFillsFrom, order.createdMs, chain.order.created_at);
    });
    if (needFillsFrom !== Infinity) await this.#gapFill(needFillsFrom);
  }

  /** The chain of an order Alpaca lists as open (the replaced orders it points back to read when unknown). */
  async #chainFromOpen(baseId: string, o: AlpacaOrder): Promise<OrderChain> {
    const known = this.#chains.get(baseId)?.replaced ?? NO_REPLACED;
    const replaced = o.replaces && !known.has(o.replaces) ? await this.#rest.replacedBefore(o) : known;
    return this.#remember(baseId, { order: o, replaced });
  }

  #scheduleResync(): void {
    this.#track(this.resync());
  }

  async #refresh(baseId: string): Promise<void> {
    const chain = await this.#currentTracked(baseId);
    if (chain === null) return;
    const order = this.#tracker.get(baseId);
    if (order !== undefined && this.#applyChain(baseId, chain)) await this.#gapFill(Math.min(order.createdMs, chain.order.created_at));
  }

  /** The Alpaca order standing for a tracked Sextant order now (by venue id when known), or null. */
  async #currentTracked(baseId: string): Promise<OrderChain | null> {
    const venueId = this.#tracker.venueIdOf(baseId);
    const start = venueId !== undefined ? await this.#rest.orderById(venueId) : null;
    if (start !== null) return this.#remember(baseId, await this.#rest.follow(start, this.#chains.get(baseId)?.replaced ?? NO_REPLACED));
    return this.#current(baseId);
  }

  /** By client order id: the latest replacement this process knows of, else the original, followed to now. */
  async #current(baseId: string): Promise<OrderChain | null> {
    const known = this.#chains.get(baseId);
    if (known !== undefined && known.seq > 0) {
      const latest = await this.#rest.orderByClientId(replaceClientId(baseId, known.seq));
      if (latest !== null) return this.#remember(baseId, await this.#rest.follow(latest, known.replaced));
    }
    const first = (await this.#rest.orderByClientId(baseId)) ?? (await this.#legByName(baseId));
    return first === null ? null : this.#remember(baseId, await this.#rest.follow(first, NO_REPLACED));
  }

  /** A bracket/OTO leg by its Sextant name `<entry>-sl`/`-tp`: the entry by client order id, then its leg of that role. */
  async #legByName(id: string): Promise<AlpacaOrder | null> {
    const leg = parseLegId(id);
    if (leg === null) return null;
    const entry = await this.#rest.orderByClientId(leg.entryId);
    if (entry === null || !ADVANCED_CLASSES.has(entry.order_class ?? '')) return null;
    let legs = legsOf(entry);
    if (legs.length === 0) legs = legsOf((await this.#rest.orderById(entry.id, true)) ?? entry);
    return legs.find((l) => roleOf(l) === leg.role) ?? null;
  }

  /**
   * The Sextant order id behind an Alpaca order: its client order id, or, for a leg (whose client order
   * id Alpaca made), `<entry>-sl`/`-tp` from its parent.
   */
  async #sextantIdOf(o: AlpacaOrder): Promise<string> {
    const own = splitClientId(o.client_order_id).baseId;
    if (!ADVANCED_CLASSES.has(o.order_class ?? '') || this.#tracker.has(own) || parseLegId(own) !== null) return own;
    const known = this.#baseOfVenueId.get(o.id) ?? this.#owners.get(o.id)?.baseId;
    if (known !== undefined) return known;
    if (legsOf(o).length > 0) return own; // a parent
    const parent = await this.#rest.parentOfLeg(o);
    const id = parent === null ? own : legId(splitClientId(parent.client_order_id).baseId, roleOf(o));
    this.#owners.set(o.id, { baseId: id, symbol: fromAlpacaSymbol(o.symbol, o.asset_class) });
    return id;
  }

  #remember(baseId: string, chain: OrderChain): OrderChain {
    if (!this.#tracker.has(baseId)) return chain;
    const state = this.#chainOf(baseId);
    const { seq } = splitClientId(chain.order.client_order_id);
    if (seq >= state.seq) state.seq = seq;
    for (const [id, c] of chain.replaced) {
      state.replaced.set(id, c);
      this.#baseOfVenueId.set(id, baseId);
    }
    this.#baseOfVenueId.set(chain.order.id, baseId);
    return chain;
  }

  /**
   * Applies the venue's view of a tracked order: its venue id, its terms when a replace this process did
   * not see confirmed went through, and any status it has reached. True when Alpaca has filled more than
   * the fills heard so far (the caller fetches them from the FILL activities).
   */
  #applyChain(baseId: string, chain: OrderChain): boolean {
    const order = this.#tracker.get(baseId);
    if (order === undefined) return false;
    this.#remember(baseId, chain);
    this.#tracker.linkVenueId(baseId, chain.order.id);
    const carried = carriedOf(chain.replaced);
    if (!order.isClosed) this.#syncTerms(order, chain.order, carried.qty);
    const r = orderReport(chain.order, carried);
    const ts = this.#clock();
    const behind = r.filledQty > order.filledQty + 1e-9;
    switch (r.status) {
      case 'submitted':
        return behind;
      case 'accepted':
      case 'partially-filled':
      case 'pending-update':
      case 'pending-cancel':
      case 'triggered':
      case 'filled':
        this.#tracker.status(baseId, 'accepted', ts);
        return behind;
      case 'canceled':
      case 'expired':
      case 'rejected':
        // Waits in the tracker for fills not heard yet (cumFilledQty), applied once they are.
        this.#tracker.status(baseId, r.status, ts, { cumFilledQty: r.filledQty, reason: r.reason || `${r.status} at alpaca` });
        return behind;
    }
  }

  /** A replacement Alpaca made that this process did not see confirmed: take its terms as the order's. */
  #syncTerms(order: Order, venue: AlpacaOrder, carriedQty: number): void {
    if (splitClientId(venue.client_order_id).seq === 0) return; // never replaced: the terms are the ones sent
    const m: { qty?: number; limitPrice?: number; stopPrice?: number } = {};
    const qty = carriedQty + venue.qty;
    if (Math.abs(qty - order.qty) > 1e-9 && qty > order.filledQty + 1e-9) m.qty = qty;
    if (venue.limit_price !== null && venue.limit_price !== order.limitPrice) m.limitPrice = venue.limit_price;
    if (order.type !== 'trailing-stop' && venue.stop_price !== null && venue.stop_price !== order.stopPrice) m.stopPrice = venue.stop_price;
    if (m.qty !== undefined || m.limitPrice !== undefined || m.stopPrice !== undefined) this.#tracker.amended(order.id, m, this.#clock());
  }

  /** Fills Alpaca reported (`filledQty` in all) that the stream has not brought after a grace period: read them back. */
  #checkLater(baseId: string, filledQty: number): void {
    const t = setTimeout(() => {
      const order = this.#tracker.get(baseId);
      if (order !== undefined && order.filledQty < filledQty - 1e-9 && this.#conn.state === 'connected') this.#track(this.#refresh(baseId));
    }, this.#opts.fillGraceMs ?? 2_000);
    t.unref();
  }

  /** Applies the FILL activities since a time (with slack for the clocks): each trade id once. */
  async #gapFill(fromMs: number): Promise<void> {
    for (const a of await this.#rest.fillActivities(fromMs - (this.#opts.clockSlackMs ?? 60_000))) this.#applyActivity(a);
  }

  #applyActivity(a: AlpacaFillActivity): void {
    const baseId = this.#baseOfVenueId.get(a.order_id);
    if (baseId === undefined || !this.#tracker.has(baseId)) return;
    // What an adopted order had filled at the restart is booked already (from the store).
    const adopted = this.#adoptedFilled.get(baseId);
    if (adopted !== undefined && a.cum_qty <= adopted + 1e-9 && this.#chainOf(baseId).seq === 0) return;
    this.#tracker.fill({ tradeId: tradeIdOf(a.order_id, a.cum_qty), clientOrderId: baseId, qty: a.qty, price: a.price, commission: 0, liquidity: 'taker', tsEventMs: a.transaction_time });
  }

  // --- the stream ---

  #onUpdate(data: Record<string, unknown>): void {
    let u;
    try {
      u = parseTradeUpdate(data);
    } catch (e) {
      this.#log(`stream: ${redact(e instanceof Error ? e.message : String(e), this.#secrets())}`);
      this.#scheduleResync();
      return;
    }
    const o = u.order;
    let { baseId, seq } = splitClientId(o.client_order_id);
    if (!this.#tracker.has(baseId)) {
      // A bracket/OTO leg goes by Alpaca's own client order id: known by its Alpaca id once linked.
      const leg = this.#baseOfVenueId.get(o.id);
      if (leg !== undefined && this.#tracker.has(leg)) {
        baseId = leg;
        seq = 0;
      } else {
        // A leg of ours heard before its entry's answer linked it: read back.
        if (ADVANCED_CLASSES.has(o.order_class ?? '') && this.#legsOfEntry.size > 0) this.#scheduleResync();
        return; // another session's or a manual order: reconciliation's business
      }
    }
    const chain = this.#chainOf(baseId);
    this.#baseOfVenueId.set(o.id, baseId);
    if (seq > chain.seq && u.event !== 'rejected') {
      // A replacement heard before its PATCH answer (or one whose answer was lost): it stands for the
      // order now; take its terms before any of its fills (fills of the replaced one are all heard or
      // still to come under its own trade ids).
      chain.seq = seq;
      this.#tracker.linkVenueId(baseId, o.id);
      const order = this.#tracker.get(baseId)!;
      if (!order.isClosed) this.#syncTerms(order, o, Math.max(carriedOf(chain.replaced).qty, order.filledQty));
    }
    const current = seq === chain.seq;
    const ts = u.timestamp ?? this.#clock();
    switch (u.event) {
      case 'fill':
      case 'partial_fill':
        if (u.qty === null || u.price === null || !(u.qty > 0) || !(u.price > 0)) {
          this.#log(`stream: ${u.event} of ${o.client_order_id} without qty/price; reading it back`);
          this.#scheduleResync();
          return;
        }
        this.#tracker.fill({ tradeId: tradeIdOf(o.id, o.filled_qty), clientOrderId: baseId, qty: u.qty, price: u.price, commission: 0, liquidity: 'taker', tsEventMs: ts });
        return;
      case 'new':
      case 'held':
        if (current) this.#tracker.status(baseId, 'accepted', ts);
        return;
      case 'replaced':
        chain.replaced.set(o.id, { qty: o.filled_qty, notional: o.filled_qty * (o.filled_avg_price ?? 0) });
        if (o.replaced_by) this.#baseOfVenueId.set(o.replaced_by, baseId);
        return;
      case 'canceled':
      case 'expired':
      case 'rejected':
        // A replacement refused (its original filled first) is a failed modify, not the order's end.
        if (!current || (u.event === 'rejected' && seq > 0)) {
          if (seq > 0) this.#scheduleResync();
          return;
        }
        this.#tracker.status(baseId, u.event, ts, { cumFilledQty: carriedOf(chain.replaced).qty + o.filled_qty, reason: `${u.event} at alpaca` });
        return;
      case 'pending_new':
      case 'pending_cancel':
      case 'pending_replace':
      case 'done_for_day':
      case 'stopped':
      case 'calculated':
      case 'suspended':
      case 'order_cancel_rejected':
      case 'order_replace_rejected':
        // Nothing changes for Sextant: a refused cancel or replace was already answered on REST.
        return;
    }
  }

  // --- helpers ---

  #chainOf(baseId: string): ChainState {
    let c = this.#chains.get(baseId);
    if (c === undefined) {
      c = { seq: 0, replaced: new Map() };
      this.#chains.set(baseId, c);
    }
    return c;
  }

  /** The Sextant order id and symbol behind an Alpaca order id (asks Alpaca for orders of other sessions). */
  async #ownerOf(venueOrderId: string): Promise<{ baseId: string; symbol: string } | null> {
    const known = this.#baseOfVenueId.get(venueOrderId);
    const tracked = known === undefined ? undefined : this.#tracker.get(known);
    if (tracked !== undefined) return { baseId: tracked.id, symbol: tracked.symbol };
    const cached = this.#owners.get(venueOrderId);
    if (cached !== undefined) return cached;
    const o = await this.#rest.orderById(venueOrderId);
    if (o === null) return null;
    const owner = { baseId: await this.#sextantIdOf(o), symbol: fromAlpacaSymbol(o.symbol, o.asset_class) };
    this.#owners.set(venueOrderId, owner);
    return owner;
  }

  #mustBeConnected(what: string): void {
    if (this.#conn.state !== 'connected') throw new RetryableVenueError(`alpaca ${what}: not connected (${this.#conn.state})`);
  }

  async #call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AlpacaPayloadError) throw e; // names the payload and field; carries no credential
      if (e instanceof InvariantError) throw new InvariantError(redact(e.message, this.#secrets()));
      throw toVenueError(e, what, this.#secrets());
    }
  }

  /** Runs `fn` after the command in flight for the same order (a cancel waits for its submit's answer). */
  #serial(orderId: string, fn: () => Promise<void>): void {
    const prev = this.#pending.get(orderId) ?? Promise.resolve();
    const next = prev.then(fn).catch((e: unknown) => this.#log(`order ${orderId}: ${toVenueError(e, 'command', this.#secrets()).message}`));
    this.#pending.set(orderId, next);
    this.#track(next.finally(() => this.#pending.get(orderId) === next && this.#pending.delete(orderId)));
  }

  #track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.#tasks.add(q);
    void q.finally(() => this.#tasks.delete(q));
  }

  #anomaly(a: TrackerAnomaly): void {
    this.anomalies.push(a);
    this.#log(`anomaly ${a.kind} ${a.clientOrderId}: ${a.detail}`);
  }

  #secrets(): string[] {
    return [this.#keyId, this.#secretKey];
  }

  #log(line: string): void {
    this.#opts.log?.(redact(line, this.#secrets()));
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What Alpaca refuses that the generic checks do not know (crypto trades GTC/IOC and no trailing stops). */
function alpacaProblem(order: Order): string | null {
  if (isCrypto(order.symbol)) {
    if (order.tif !== 'GTC' && order.tif !== 'IOC') return `tif: alpaca crypto orders are GTC or IOC, got ${order.tif}`;
    if (order.type === 'trailing-stop' || order.type === 'stop') return `type: alpaca crypto orders are market, limit or stop-limit, got ${order.type}`;
  }
  if (ALPACA_TIF_OF[order.tif] === undefined) return `tif: ${order.tif} is not supported by alpaca`;
  return null;
}

function orderBody(order: Order): NewOrderBody {
  const r = order.request;
  const trailing = r.type === 'trailing-stop' ? r.trailing : undefined;
  return {
    symbol: toAlpacaSymbol(r.symbol),
    qty: decimalString(r.qty),
    side: r.side,
    type: ALPACA_TYPE_OF[r.type],
    timeInForce: ALPACA_TIF_OF[order.tif]!,
    clientOrderId: order.id,
    ...((r.type === 'limit' || r.type === 'stop-limit') && { limitPrice: decimalString(r.limitPrice!) }),
    ...((r.type === 'stop' || r.type === 'stop-limit') && { stopPrice: decimalString(r.stopPrice!) }),
    ...(trailing?.kind === 'amount' && { trailPrice: decimalString(trailing.value) }),
    ...(trailing?.kind === 'percent' && { trailPercent: decimalString(trailing.value) }),
  };
}

/** The factory the engine calls. */
export function createAlpacaExecutionClient(opts: AlpacaClientOptions, sink: ExecutionSink): AlpacaExecutionClient {
  return new AlpacaExecutionClient(opts, sink);
}

export { AlpacaRejectedError, AlpacaRetryableError };
