// Interactive Brokers as an ExecutionClient, through TWS / IB Gateway and @stoqey/ib (docs/venues/ib.md).
// IB's conversation is fire-and-forget: placeOrder, cancelOrder and reqGlobalCancel return nothing, and
// what happened comes back as openOrder / orderStatus / execDetails + commissionReport / error messages.
// This client turns those into order events through the shared VenueOrderTracker (each fill once, no
// status backwards), keeps our client order id in the order's `orderRef`, and answers the port's queries
// with request/answer exchanges (open and completed orders, executions, positions, account summary).
import { ConfigError, InputError, RetryableVenueError } from '../../core/errors.ts';
import { ConnectionTracker } from '../../execution/connection.ts';
import type { ConnectionState, ExecutionCapabilities, ExecutionClient, ExecutionSink, OrderModification } from '../../execution/execution-client.ts';
import { modifyProblem, submitProblem } from '../../execution/order-checks.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from '../../execution/reports.ts';
import type { Order } from '../../model/order.ts';
import { VenueOrderTracker, type TrackerAnomaly } from '../shared/order-tracker.ts';
import { backoffMs, sleep } from '../shared/retry.ts';
import { submitSafely, type SafeSubmitPolicy } from '../shared/safe-submit.ts';
import { ibCodeKind } from './errors.ts';
import { toIbOrder } from './orders.ts';
import { ExecutionBook } from './executions.ts';
import type { IbExecution, IbOpenOrder, IbOrderStatus } from './parse.ts';
import { IbQueries } from './queries.ts';
import { IbSession } from './stream.ts';
import { IbSymbols, type IbContractSpec } from './symbols.ts';

export interface IbClientOptions {
  /** TWS or IB Gateway: 127.0.0.1 with port 7497 (TWS paper), 7496 (TWS live), 4002 (Gateway paper), 4001 (Gateway live). */
  readonly host: string;
  readonly port: number;
  /** The API client id (unique per TWS session; orders are owned per client id). */
  readonly clientId: number;
  /** The IB account orders go to (must be among the login's managed accounts). */
  readonly account: string;
  readonly clock?: () => number;
  /** Contracts for symbols outside the default grammar (./symbols.ts). */
  readonly contracts?: Readonly<Record<string, IbContractSpec>>;
  /** Narrows what the client accepts. */
  readonly capabilities?: Partial<ExecutionCapabilities>;
  /** Zone of execution times TWS sends without one (TWS's own login zone). */
  readonly timeZone?: string;
  readonly connectTimeoutMs?: number;
  /** How long a placeOrder may go without openOrder/orderStatus/error before it is looked up by orderRef. */
  readonly answerTimeoutMs?: number;
  /** How long an execution waits for its commissionReport before it is booked with commission 0. */
  readonly commissionWaitMs?: number;
  readonly requestTimeoutMs?: number;
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  /** Requests per second to TWS (IB allows 50). */
  readonly maxReqPerSec?: number;
  readonly submitPolicy?: SafeSubmitPolicy;
  /** Operator log (anomalies, skipped messages, reconnects). */
  readonly log?: (line: string) => void;
}

export const IB_CAPABILITIES: ExecutionCapabilities = {
  orderTypes: ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop'],
  timeInForce: ['DAY', 'GTC', 'IOC', 'FOK', 'GTD'],
  fractionalQty: false,
  shorting: true,
  reduceOnly: false,
  nativeModify: true,
  nativeBrackets: false,
  nativeOco: false,
  exitAttachments: false,
};

/** The link settings, checked when the client is made: a ConfigError names the option. */
function checkOptions(o: IbClientOptions): void {
  const bad = (field: string, why: string): never => {
    throw new ConfigError(`ib: option "${field}" ${why}`);
  };
  if (typeof o.host !== 'string' || o.host.trim() === '') bad('host', 'must name the TWS / IB Gateway host (e.g. 127.0.0.1)');
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65_535) bad('port', `must be a TCP port (7497 TWS paper, 7496 TWS live, 4002 / 4001 Gateway), got ${String(o.port)}`);
  if (!Number.isInteger(o.clientId) || o.clientId < 0) bad('clientId', `must be a non-negative integer, got ${String(o.clientId)}`);
  if (typeof o.account !== 'string' || !/^[A-Z0-9]{3,20}$/.test(o.account)) bad('account', 'must be an IB account id (e.g. DU1234567 for paper)');
}

class NoAnswer extends RetryableVenueError {}
class Refused extends Error {}

export class IbExecutionClient implements ExecutionClient {
  readonly venue = 'ib';
  readonly capabilities: ExecutionCapabilities;
  readonly #o: IbClientOptions;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #conn: ConnectionTracker;
  readonly #tracker: VenueOrderTracker;
  readonly #symbols: IbSymbols;
  readonly #session: IbSession;
  #want = false;
  #reconnecting: Promise<void> | null = null;
  /** IB order id <-> client order id, for orders this client placed. */
  readonly #byOrderId = new Map<number, string>();
  readonly #orderIdOf = new Map<string, number>();
  /** Client order ids TWS already knows (found at connect): never sent again. */
  readonly #knownRefs = new Set<string>();
  readonly #answers = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  readonly #sawPreSubmitted = new Set<string>();
  readonly #pendingModify = new Map<string, OrderModification>();
  readonly #pendingCancel = new Set<string>();
  readonly #reasons = new Map<string, string>();
  readonly #execs: ExecutionBook;
  readonly #queries: IbQueries;

  constructor(opts: IbClientOptions, sink: ExecutionSink) {
    checkOptions(opts);
    this.#o = opts;
    this.#now = opts.clock ?? Date.now;
    this.#log = opts.log ?? ((line) => console.warn(line));
    this.capabilities = { ...IB_CAPABILITIES, ...opts.capabilities };
    this.#conn = new ConnectionTracker('disconnected', (e) => sink.onConnectionState?.(e));
    this.#tracker = new VenueOrderTracker(this.venue, sink, { onAnomaly: (a) => this.#anomaly(a) });
    this.#symbols = new IbSymbols(opts.contracts);
    this.#execs = new ExecutionBook({
      commissionWaitMs: opts.commissionWaitMs ?? 1_000,
      ...(opts.timeZone !== undefined && { timeZone: opts.timeZone }),
      onFill: (e, tradeId, commission, ts) => this.#onFill(e, tradeId, commission, ts),
      log: this.#log,
    });
    this.#queries = new IbQueries({
      account: opts.account, clientId: opts.clientId, commissionWaitMs: opts.commissionWaitMs ?? 1_000, ...(opts.timeZone !== undefined && { timeZone: opts.timeZone }),
      session: () => this.#session, symbols: this.#symbols, execs: this.#execs, known: (id) => this.#tracker.get(id), now: this.#now, log: this.#log,
    });
    this.#session = new IbSession(
      { host: opts.host, port: opts.port, clientId: opts.clientId, maxReqPerSec: opts.maxReqPerSec ?? 40, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 },
      {
        openOrder: (o) => this.#onOpenOrder(o),
        orderStatus: (s) => this.#onOrderStatus(s),
        execution: (e) => this.#execs.execution(e),
        commission: (c) => this.#execs.commission(c),
        message: (code, reqId, text) => this.#onMessage(code, reqId, text),
        dropped: (reason) => this.#onDropped(reason),
        bad: (what, detail) => this.#log(`ib: bad ${what}: ${detail}`),
      },
    );
  }

  get connectionState(): ConnectionState {
    return this.#conn.state;
  }

  // ---- link ----

  async connect(): Promise<void> {
    // Connected, connecting, or reconnecting by itself: nothing to start.
    if (this.#conn.state !== 'disconnected') return;
    this.#want = true;
    this.#conn.set('connecting', this.#now());
    try {
      await this.#open();
    } catch (e) {
      this.#want = false;
      await this.#session.disconnect();
      this.#conn.set('disconnected', this.#now(), e instanceof Error ? e.message : String(e));
      throw e;
    }
    this.#conn.set('connected', this.#now());
  }

  async disconnect(): Promise<void> {
    this.#want = false;
    await this.#session.disconnect();
    this.#conn.set('disconnected', this.#now());
  }

  /** Connects the session, checks the account, and catches up with what happened while away. */
  async #open(): Promise<void> {
    await this.#session.connect(this.#o.connectTimeoutMs ?? 5_000);
    if (!this.#session.accounts.includes(this.#o.account)) {
      throw new ConfigError(`ib: account ${this.#o.account} is not among the accounts this TWS login manages (${this.#session.accounts.length} of them); check the "account" option`);
    }
    await this.#resync();
  }

  /**
   * After a (re)connect: executions since the last one seen (booked once each), then the venue's open
   * and completed orders, so orders that were canceled or finished while away end here too.
   */
  async #resync(): Promise<void> {
    const since = this.#execs.lastMs > 0 ? this.#execs.lastMs - 1_000 : 0;
    await this.#queries.executions(since);
    const [{ orders }, completed] = await Promise.all([this.#session.openOrders(), this.#session.completedOrders()]);
    const open = new Set<string>();
    for (const o of orders) {
      const ref = o.order.orderRef;
      if (!ref) continue;
      open.add(ref);
      this.#knownRefs.add(ref);
    }
    for (const c of completed) {
      const ref = c.order.orderRef;
      if (!ref) continue;
      this.#knownRefs.add(ref);
      if (open.has(ref)) continue;
      this.#applyFinished(ref, c.orderState.status, c.order.filledQuantity ?? 0, c.orderState.completedStatus ?? '');
    }
  }

  #onDropped(reason: string): void {
    if (!this.#want) return;
    this.#conn.set('reconnecting', this.#now(), reason);
    this.#failAnswers(reason);
    if (this.#reconnecting !== null) return;
    this.#reconnecting = this.#reconnectLoop().finally(() => (this.#reconnecting = null));
  }

  async #reconnectLoop(): Promise<void> {
    const { baseMs, maxMs } = this.#o.reconnect ?? { baseMs: 250, maxMs: 10_000 };
    for (let attempt = 1; this.#want; attempt++) {
      await sleep(Math.max(baseMs / 2, backoffMs(attempt, baseMs, maxMs)));
      if (!this.#want) return;
      try {
        await this.#open();
        if (!this.#want) {
          await this.#session.disconnect();
          return;
        }
        this.#log(`ib: reconnected to TWS after ${attempt} attempt(s)`);
        this.#conn.set('connected', this.#now());
        return;
      } catch (e) {
        if (e instanceof ConfigError) {
          this.#log(`ib: reconnect stopped: ${e.message}`);
          this.#want = false;
          this.#conn.set('disconnected', this.#now(), e.message);
          return;
        }
      }
    }
  }

  // ---- commands ----

  submit(order: Order, nowMs: number): void {
    if (this.#conn.state !== 'connected') return this.#tracker.rejected(order, 'not connected to TWS', nowMs);
    if (this.#tracker.has(order.id) || this.#knownRefs.has(order.id)) {
      return this.#tracker.commandRejected('submit', order.id, `client order id ${order.id} is already known to IB (orderRef)`, nowMs);
    }
    const problem = submitProblem(order, this.capabilities, 0);
    if (problem !== null) return this.#tracker.rejected(order, problem, nowMs);
    let spec: IbContractSpec;
    try {
      spec = this.#symbols.contractOf(order.symbol);
    } catch (e) {
      return this.#tracker.rejected(order, e instanceof InputError ? e.message : String(e), nowMs);
    }
    const orderId = this.#session.takeOrderId();
    this.#byOrderId.set(orderId, order.id);
    this.#orderIdOf.set(order.id, orderId);
    this.#tracker.submitted(order, nowMs);
    void this.#place(order, orderId, spec);
  }

  /** placeOrder once, then (no answer in time) look the order up by orderRef before anything else. */
  async #place(order: Order, orderId: number, spec: IbContractSpec): Promise<void> {
    try {
      await this.#placeSafely(order, orderId, spec);
    } catch (e) {
      this.#log(`ib: order ${order.id} (orderId ${orderId}): ${e instanceof Error ? e.message : String(e)}; it stays submitted until TWS reports it or reconciliation settles it`);
    }
  }

  async #placeSafely(order: Order, orderId: number, spec: IbContractSpec): Promise<void> {
    const outcome = await submitSafely<OrderStatusReport | true>({
      send: () => this.#sendPlace(order, orderId, spec),
      lookup: () => this.#queries.order(order.id),
      classify: (e) => (e instanceof Refused ? 'rejected' : 'ambiguous'),
      policy: this.#o.submitPolicy ?? { maxSends: 2, maxLookups: 4, baseMs: 200, maxMs: 2_000 },
      onAttempt: (what, detail) => this.#log(`ib: order ${order.id} (orderId ${orderId}): ${what} ${detail}`),
    });
    if (outcome.kind === 'found' && outcome.value !== true) await this.#adopt(outcome.value);
    if (outcome.kind === 'unresolved') this.#log(`ib: order ${order.id} unresolved: ${outcome.reason}; it stays submitted until TWS reports it or reconciliation settles it`);
  }

  /**
   * One placeOrder; resolves at TWS's first answer about the order id, rejects with Refused on an order
   * error and NoAnswer after the timeout. A second send reuses the order id: TWS takes a placeOrder of a
   * known id as the same order (a modify with the same terms), never a second one.
   */
  #sendPlace(order: Order, orderId: number, spec: IbContractSpec): Promise<true> {
    if (!this.#session.connected) return Promise.reject(new NoAnswer('ib: not connected to TWS'));
    const ms = this.#o.answerTimeoutMs ?? 5_000;
    return new Promise<true>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#answers.delete(orderId);
        reject(new NoAnswer(`no answer from TWS about order id ${orderId} within ${ms} ms`));
      }, ms);
      this.#answers.set(orderId, {
        resolve: () => (clearTimeout(timer), resolve(true)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.#session.api.placeOrder(orderId, this.#symbols.toContract(spec), toIbOrder(order, orderId, this.#o.account));
    });
  }

  #answered(orderId: number, error?: Error): void {
    const a = this.#answers.get(orderId);
    if (a === undefined) return;
    this.#answers.delete(orderId);
    if (error === undefined) a.resolve();
    else a.reject(error);
  }

  #failAnswers(reason: string): void {
    for (const [id, a] of this.#answers) a.reject(new NoAnswer(`link lost before TWS answered about order id ${id}: ${reason}`));
    this.#answers.clear();
  }

  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    if (this.#conn.state !== 'connected') return this.#tracker.commandRejected('modify', clientOrderId, 'not connected to TWS', nowMs);
    const order = this.#tracker.get(clientOrderId);
    const orderId = this.#orderIdOf.get(clientOrderId);
    if (order === undefined || orderId === undefined) return this.#tracker.commandRejected('modify', clientOrderId, `unknown order ${clientOrderId}`, nowMs);
    if (order.isClosed) return this.#tracker.commandRejected('modify', clientOrderId, `order ${clientOrderId} is already ${order.status}`, nowMs);
    const problem = modifyProblem(order, changes, this.capabilities);
    if (problem !== null) return this.#tracker.commandRejected('modify', clientOrderId, problem, nowMs);
    if (this.#pendingModify.has(clientOrderId)) return this.#tracker.commandRejected('modify', clientOrderId, 'a modification of this order is still waiting for TWS', nowMs);
    const spec = this.#symbols.contractOf(order.symbol);
    this.#pendingModify.set(clientOrderId, changes);
    // Native modify: the same order id with new terms; TWS answers with openOrder carrying them.
    this.#session.api.placeOrder(orderId, this.#symbols.toContract(spec), toIbOrder(order, orderId, this.#o.account, changes));
  }

  cancel(orderId: string, nowMs: number, _reason?: string): void {
    if (this.#conn.state !== 'connected') return this.#tracker.commandRejected('cancel', orderId, 'not connected to TWS', nowMs);
    const order = this.#tracker.get(orderId);
    const ibId = this.#orderIdOf.get(orderId);
    if (order === undefined || ibId === undefined) return this.#tracker.commandRejected('cancel', orderId, `unknown order ${orderId}`, nowMs);
    if (order.isClosed) return this.#tracker.commandRejected('cancel', orderId, `order ${orderId} is already ${order.status}`, nowMs);
    this.#pendingCancel.add(orderId);
    this.#session.api.cancelOrder(ibId);
  }

  cancelAll(nowMs: number, symbol?: string): void {
    if (this.#conn.state !== 'connected') {
      this.#log('ib: cancelAll while not connected to TWS: nothing sent');
      return;
    }
    if (symbol !== undefined) {
      for (const o of this.#tracker.open()) if (o.symbol === symbol) this.cancel(o.id, nowMs);
      return;
    }
    // reqGlobalCancel: every working order of the account, this client's or not (TWS's own included).
    for (const o of this.#tracker.open()) this.#pendingCancel.add(o.id);
    this.#session.api.reqGlobalCancel();
  }

  // ---- what TWS says ----

  /** Our client order id for a message about IB order `orderId` of API client `clientId` with `orderRef`. */
  #clientIdOf(orderId: number, clientId: number | undefined, orderRef: string | undefined): string | undefined {
    // The orderRef decides when there is one: order ids are per API client and repeat across clients.
    if (orderRef !== undefined && orderRef !== '') return this.#tracker.has(orderRef) ? orderRef : undefined;
    if (clientId !== undefined && clientId !== this.#o.clientId) return undefined;
    return this.#byOrderId.get(orderId);
  }

  #onOpenOrder(o: IbOpenOrder): void {
    const id = this.#clientIdOf(o.orderId, o.order.clientId, o.order.orderRef);
    if (id === undefined) return;
    if (this.#byOrderId.get(o.orderId) === id) this.#answered(o.orderId);
    if (o.order.permId !== undefined && o.order.permId > 0) this.#tracker.linkVenueId(id, String(o.order.permId));
    const now = this.#now();
    const m = this.#pendingModify.get(id);
    if (m !== undefined && this.#matches(o, m)) {
      this.#pendingModify.delete(id);
      this.#tracker.amended(id, m, now);
    }
    this.#applyWorking(id, o.orderState.status, now);
  }

  #matches(o: IbOpenOrder, m: OrderModification): boolean {
    const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) < 1e-9;
    const order = this.#tracker.get(o.order.orderRef ?? '');
    const stopField = order?.type === 'stop' || order?.type === 'stop-limit' ? o.order.auxPrice : undefined;
    return (m.qty === undefined || near(o.order.totalQuantity, m.qty)) && (m.limitPrice === undefined || near(o.order.lmtPrice, m.limitPrice)) && (m.stopPrice === undefined || near(stopField, m.stopPrice));
  }

  #onOrderStatus(s: IbOrderStatus): void {
    const id = this.#clientIdOf(s.orderId, s.clientId, undefined);
    if (id === undefined) return;
    this.#answered(s.orderId);
    if (s.permId !== undefined && s.permId > 0) this.#tracker.linkVenueId(id, String(s.permId));
    const now = this.#now();
    switch (s.status) {
      case 'Cancelled':
      case 'ApiCancelled':
      case 'Inactive':
        this.#applyFinished(id, s.status, s.filled, '');
        return;
      case 'Filled':
        this.#expectFills(id, s.filled);
        return;
      case 'PreSubmitted':
      case 'Submitted':
        this.#applyWorking(id, s.status, now);
        return;
      case 'ApiPending':
      case 'PendingSubmit':
      case 'PendingCancel':
        return;
    }
  }

  /** PreSubmitted / Submitted: working. A stop-type order that was held (PreSubmitted) and goes to Submitted has triggered. */
  #applyWorking(id: string, status: string, now: number): void {
    if (status === 'PreSubmitted') {
      this.#sawPreSubmitted.add(id);
      this.#tracker.status(id, 'accepted', now);
    } else if (status === 'Submitted') {
      const order = this.#tracker.get(id);
      const stopType = order !== undefined && (order.type === 'stop' || order.type === 'stop-limit' || order.type === 'trailing-stop');
      if (stopType && this.#sawPreSubmitted.has(id)) this.#tracker.status(id, 'triggered', now);
      else this.#tracker.status(id, 'accepted', now);
    }
  }

  /** Cancelled / ApiCancelled / Inactive: the order ended, after `filled` had filled (fills may still be on the way). */
  #applyFinished(id: string, status: string, filled: number, completedStatus: string): void {
    const order = this.#tracker.get(id);
    if (order === undefined || order.isClosed) return;
    const now = this.#now();
    const reason = this.#reasons.get(id) ?? completedStatus;
    // Filled: the executions bring the change (a cancel that lost the race hears its 10148 still).
    if (status === 'Filled') return this.#expectFills(id, filled);
    const asked = this.#pendingCancel.delete(id);
    if (status === 'Inactive' && !(filled > 0)) {
      this.#tracker.status(id, 'rejected', now, { reason: reason || 'inactive at IB', cumFilledQty: filled });
      return;
    }
    // TWS reports a time-in-force ending (IOC/FOK remainder, GTD) as Cancelled too. A DAY order canceled at
    // the close cannot be told from one canceled in the TWS window: it is reported canceled.
    const expired = !asked && (/expire/i.test(reason) || order.tif === 'IOC' || order.tif === 'FOK' || order.tif === 'GTD');
    this.#tracker.status(id, expired ? 'expired' : 'canceled', now, { reason: reason || (asked ? 'canceled' : 'canceled at IB'), cumFilledQty: filled });
    if (filled > order.filledQty + 1e-9) this.#expectFills(id, filled);
  }

  /** TWS says more has filled than the executions booked: ask for the executions if they do not come. */
  #expectFills(id: string, filled: number): void {
    const wait = (this.#o.commissionWaitMs ?? 1_000) * 2;
    setTimeout(() => {
      const order = this.#tracker.get(id);
      if (order === undefined || order.filledQty + 1e-9 >= filled || !this.#session.connected) return;
      this.#queries.executions(order.createdMs).catch((e: unknown) => this.#log(`ib: execution gap fill for ${id} failed: ${String(e)}`));
    }, wait).unref();
  }

  /** An execution ready to book (once per base execId): a fill of ours, if the order is. */
  #onFill(e: IbExecution, tradeId: string, commission: number, ts: number): void {
    const x = e.execution;
    if (x.acctNumber !== undefined && x.acctNumber !== this.#o.account) return;
    const id = this.#clientIdOf(x.orderId, x.clientId, x.orderRef);
    if (id === undefined) return;
    if (x.permId !== undefined && x.permId > 0) this.#tracker.linkVenueId(id, String(x.permId));
    this.#tracker.fill({ tradeId, clientOrderId: id, qty: x.shares, price: x.price, commission, liquidity: x.lastLiquidity === 1 ? 'maker' : 'taker', tsEventMs: ts });
  }

  #onMessage(code: number, reqId: number, text: string): void {
    const kind = ibCodeKind(code);
    const now = this.#now();
    switch (kind) {
      case 'info':
        return;
      case 'connectivity-lost':
        if (this.#conn.state === 'connected') this.#conn.set('reconnecting', now, `TWS lost its link to IB (${code}): ${text}`);
        return;
      case 'connectivity-restored':
      case 'connectivity-restored-data-lost':
        if (this.#conn.state === 'reconnecting' && this.#session.connected) {
          this.#resync()
            .then(() => {
              if (this.#conn.state === 'reconnecting' && this.#session.connected) this.#conn.set('connected', this.#now());
            })
            .catch((e: unknown) => this.#log(`ib: resync after ${code} failed: ${String(e)}`));
        }
        return;
      case 'connection-failed':
        this.#log(`ib: TWS link problem ${code}: ${text}`);
        return;
      case 'order-rejected':
      case 'order-canceled':
      case 'cancel-refused':
      case 'modify-refused':
      case 'other':
        break;
    }
    const id = reqId >= 0 ? this.#byOrderId.get(reqId) : undefined;
    if (id === undefined) {
      this.#log(`ib: message ${code}${reqId >= 0 ? ` about request ${reqId}` : ''}: ${text}`);
      return;
    }
    const reason = `${code}: ${text}`;
    if (kind === 'order-canceled') {
      this.#reasons.set(id, reason);
      return;
    }
    if (kind === 'cancel-refused' && this.#pendingCancel.delete(id)) return this.#tracker.commandRejected('cancel', id, reason, now);
    if (this.#pendingModify.has(id) && (kind === 'modify-refused' || kind === 'order-rejected' || kind === 'other')) {
      this.#pendingModify.delete(id);
      return this.#tracker.commandRejected('modify', id, reason, now);
    }
    if (kind === 'order-rejected') {
      this.#reasons.set(id, reason);
      this.#answered(reqId, new Refused(reason));
      this.#tracker.status(id, 'rejected', now, { reason });
      return;
    }
    this.#log(`ib: message ${code} about order ${id}: ${text}`);
  }

  #anomaly(a: TrackerAnomaly): void {
    this.#log(`ib: ${a.kind} for ${a.clientOrderId}: ${a.detail}`);
  }

  // ---- queries ----

  #requireConnected(): void {
    if (this.#conn.state !== 'connected') throw new RetryableVenueError('ib: not connected to TWS');
  }

  async queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    this.#requireConnected();
    return this.#queries.order(clientOrderId);
  }

  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    this.#requireConnected();
    return this.#queries.openOrders(symbol);
  }

  async fillsSince(sinceMs: number): Promise<FillReport[]> {
    this.#requireConnected();
    return this.#queries.fills(sinceMs);
  }

  async positions(): Promise<PositionReport[]> {
    this.#requireConnected();
    return this.#queries.positions();
  }

  async balances(): Promise<BalanceReport[]> {
    this.#requireConnected();
    return this.#queries.balances();
  }

  /** Resolves once every message TWS sent so far has been handled (a reqCurrentTime round trip). */
  async sync(): Promise<void> {
    if (this.#session.connected) await this.#session.ping();
  }

  /** Orders found by a lookup after a lost answer: apply what TWS says of them (and book their fills). */
  async #adopt(r: OrderStatusReport): Promise<void> {
    const now = this.#now();
    if (r.venueOrderId !== '') this.#tracker.linkVenueId(r.clientOrderId, r.venueOrderId);
    if (r.status === 'accepted' || r.status === 'partially-filled' || r.status === 'filled' || r.status === 'triggered') this.#tracker.status(r.clientOrderId, 'accepted', now);
    if (r.filledQty > 0) await this.#queries.executions(r.createdMs);
    if (r.status === 'canceled' || r.status === 'expired' || r.status === 'rejected') this.#tracker.status(r.clientOrderId, r.status, now, { reason: r.reason, cumFilledQty: r.filledQty });
  }
}
