// The adapter's link to TWS / IB Gateway through @stoqey/ib's IBApi: connecting (the socket, then
// nextValidId and managedAccounts), one guarded handler per TWS message (validated in ./parse.ts; a
// bad message is reported and skipped, never thrown into the library's socket loop), and the
// request/answer exchanges the port's queries need (open and completed orders, executions, positions,
// account summary), each collected until its end marker with a timeout.
import { EventName, IBApi, type Contract, type Execution, type Order as IbOrder, type OrderState } from '@stoqey/ib';
import { RetryableVenueError } from '../../core/errors.ts';
import {
  IbPayloadError, parseCommission, parseCompletedOrder, parseExecution, parseOpenOrder, parseOrderStatus, parsePosition, parseSummaryRow,
  type IbCommission, type IbExecution, type IbOpenOrder, type IbOrderStatus, type IbPosition, type IbSummaryRow,
} from './parse.ts';

export interface IbSessionHandlers {
  openOrder(o: IbOpenOrder): void;
  orderStatus(s: IbOrderStatus): void;
  execution(e: IbExecution): void;
  commission(c: IbCommission): void;
  /** An error or info message TWS sent (reqId -1 when it is about no request). */
  message(code: number, reqId: number, text: string): void;
  /** The socket closed without `disconnect()` being asked. */
  dropped(reason: string): void;
  /** A message that failed validation or decoding: skipped. */
  bad(what: string, detail: string): void;
  /** More messages to listen to on each new connection (market data), guarded like the others. */
  wire?(on: (event: EventName, what: string, fn: (...args: never[]) => void) => void): void;
}

export interface IbSessionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly maxReqPerSec?: number;
  /** How long a request may wait for its end marker. */
  readonly requestTimeoutMs?: number;
}

type Waiter = { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** The private parts of IBApi the guard reaches (see `guardDecoder`). */
interface ControllerInternals {
  processIngressQueue(): void;
  decoder: { drainQueue(): void; dataQueue: unknown[] };
}

export class IbSession {
  /** A new IBApi per connection: nothing of a closed socket's state can leak into the next attempt. */
  #api: IBApi | null = null;
  #nextId = 0;
  #haveId = false;
  #accounts: string[] = [];
  #closing = false;
  #up = false;
  #reqId = 1_000;
  /** One exchange at a time for answers without a request id (open / completed orders, positions, current time). */
  #orderQueries: Promise<unknown> = Promise.resolve();
  #connectWaiter: ((e?: Error) => void) | null = null;
  readonly #waiters = new Map<string, Waiter>();
  #openSnapshot: IbOpenOrder[] | null = null;
  #statusSnapshot: Map<number, IbOrderStatus> | null = null;
  #completedSnapshot: IbOpenOrder[] | null = null;
  readonly #execCollect = new Map<number, IbExecution[]>();
  #positionCollect: IbPosition[] | null = null;
  readonly #summaryCollect = new Map<number, IbSummaryRow[]>();

  constructor(
    readonly opts: IbSessionOptions,
    private readonly h: IbSessionHandlers,
  ) {}

  get api(): IBApi {
    if (this.#api === null) throw new RetryableVenueError('ib: not connected to TWS');
    return this.#api;
  }

  get connected(): boolean {
    return this.#up && this.#api !== null && this.#api.isConnected;
  }

  get accounts(): readonly string[] {
    return this.#accounts;
  }

  /** A fresh order id (IB wants increasing integers, starting from nextValidId). */
  takeOrderId(): number {
    return this.#nextId++;
  }

  /** Opens the socket and waits for nextValidId and managedAccounts. */
  connect(timeoutMs: number): Promise<void> {
    this.#closing = false;
    this.#accounts = [];
    this.#haveId = false;
    this.#retire();
    const api = new IBApi({ host: this.opts.host, port: this.opts.port, maxReqPerSec: this.opts.maxReqPerSec ?? 40 });
    this.#api = api;
    this.#guardDecoder(api);
    this.#wire(api);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new RetryableVenueError(`ib: no answer from TWS at ${this.opts.host}:${this.opts.port} within ${timeoutMs} ms`)), timeoutMs);
      const done = (e?: Error): void => {
        clearTimeout(timer);
        this.#connectWaiter = null;
        if (e === undefined) {
          this.#up = true;
          resolve();
        } else {
          this.#retire();
          reject(e);
        }
      };
      this.#connectWaiter = done;
      api.connect(this.opts.clientId);
    });
  }

  /** Drops the current IBApi: its listeners go, its socket closes. */
  #retire(): void {
    const old = this.#api;
    this.#api = null;
    this.#up = false;
    if (old === null) return;
    old.removeAllListeners();
    old.on(EventName.error, () => undefined);
    if (old.isConnected) old.disconnect();
    // A socket still in its handshake is not "connected" to IBApi, which then ignores disconnect().
    else (old as unknown as { controller?: { socket?: { disconnect?(): void } } }).controller?.socket?.disconnect?.();
  }

  /** Closes the socket on purpose (no `dropped`). */
  disconnect(): Promise<void> {
    this.#closing = true;
    this.#up = false;
    this.#failAll('disconnected');
    this.#connectWaiter?.(new RetryableVenueError('ib: disconnect asked while connecting'));
    const api = this.#api;
    if (api === null || !api.isConnected) {
      this.#retire();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, 1_000);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      api.once(EventName.disconnected, finish);
      api.disconnect();
    }).then(() => this.#retire());
  }

  /** A round trip to TWS: resolves once everything TWS sent before its answer has been handled. */
  ping(): Promise<void> {
    // currentTime carries no request id: one ping at a time (in line with the other such exchanges).
    return this.#serial(() => this.#await('time', () => this.api.reqCurrentTime()));
  }

  /** The working orders (reqAllOpenOrders) with their latest order status. */
  openOrders(): Promise<{ orders: IbOpenOrder[]; statuses: Map<number, IbOrderStatus> }> {
    return this.#serial(async () => {
      this.#openSnapshot = [];
      this.#statusSnapshot = new Map();
      try {
        await this.#await('openEnd', () => this.api.reqAllOpenOrders());
        return { orders: this.#openSnapshot, statuses: this.#statusSnapshot };
      } finally {
        this.#openSnapshot = null;
        this.#statusSnapshot = null;
      }
    });
  }

  /** Finished orders TWS still knows (today's, with their orderRef and permId; no order id). */
  completedOrders(): Promise<IbOpenOrder[]> {
    return this.#serial(async () => {
      this.#completedSnapshot = [];
      try {
        await this.#await('completedEnd', () => this.api.reqCompletedOrders(false));
        return this.#completedSnapshot;
      } finally {
        this.#completedSnapshot = null;
      }
    });
  }

  /** Executions at or after a time (IB's filter: "yyyyMMdd-HH:mm:ss" UTC) of one account. */
  async executions(filterTime: string, account: string): Promise<IbExecution[]> {
    const reqId = ++this.#reqId;
    this.#execCollect.set(reqId, []);
    try {
      await this.#await(`exec:${reqId}`, () => this.api.reqExecutions(reqId, { acctCode: account, time: filterTime }));
      return this.#execCollect.get(reqId) ?? [];
    } finally {
      this.#execCollect.delete(reqId);
    }
  }

  positions(): Promise<IbPosition[]> {
    return this.#serial(async () => {
      this.#positionCollect = [];
      try {
        await this.#await('positionEnd', () => this.api.reqPositions());
        return this.#positionCollect;
      } finally {
        this.#positionCollect = null;
        if (this.connected) this.api.cancelPositions();
      }
    });
  }

  async accountSummary(tags: readonly string[]): Promise<IbSummaryRow[]> {
    const reqId = ++this.#reqId;
    this.#summaryCollect.set(reqId, []);
    try {
      await this.#await(`summary:${reqId}`, () => this.api.reqAccountSummary(reqId, 'All', tags.join(',')));
      return this.#summaryCollect.get(reqId) ?? [];
    } finally {
      this.#summaryCollect.delete(reqId);
      if (this.connected) this.api.cancelAccountSummary(reqId);
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#orderQueries.then(fn, fn);
    this.#orderQueries = run.catch(() => undefined);
    return run;
  }

  #await(key: string, send: () => void): Promise<void> {
    if (!this.connected) return Promise.reject(new RetryableVenueError('ib: not connected to TWS'));
    const ms = this.opts.requestTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new RetryableVenueError(`ib: no answer to ${key.split(':')[0]} within ${ms} ms`));
      }, ms);
      this.#waiters.set(key, { resolve, reject, timer });
      send();
    });
  }

  #settle(key: string): void {
    const w = this.#waiters.get(key);
    if (w === undefined) return;
    this.#waiters.delete(key);
    clearTimeout(w.timer);
    w.resolve();
  }

  #failAll(reason: string): void {
    for (const [key, w] of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new RetryableVenueError(`ib: ${reason} while waiting for ${key.split(':')[0]}`));
    }
    this.#waiters.clear();
  }

  /**
   * The library's decoder throws out of the socket's data handler on a few malformed messages (a bad
   * advanced-reject JSON, a negative condition count), and so would any exception from a handler: in
   * Node that is an uncaught exception. The controller's ingress step is wrapped so the rest of the bad
   * message is skipped, the problem reported, and decoding goes on with the next message.
   */
  #guardDecoder(api: IBApi): void {
    const controller = (api as unknown as { controller?: Partial<ControllerInternals> }).controller;
    if (typeof controller?.processIngressQueue !== 'function' || typeof controller.decoder?.drainQueue !== 'function') {
      // A library version shaped differently: run unguarded, and say so once per connection.
      this.h.bad('library', '@stoqey/ib internals changed: malformed TWS messages are no longer guarded against (see stream.ts)');
      return;
    }
    const decoder = controller.decoder;
    const original = controller.processIngressQueue.bind(controller);
    controller.processIngressQueue = (): void => {
      for (let i = 0; i < 1_000; i++) {
        try {
          original();
          return;
        } catch (e) {
          this.h.bad('message', `TWS message could not be decoded and was skipped: ${e instanceof Error ? e.message : String(e)}`);
          decoder.drainQueue();
        }
      }
    };
  }

  #on(api: IBApi, event: EventName, what: string, fn: (...args: never[]) => void): void {
    (api as unknown as NodeJS.EventEmitter).on(event, (...args: unknown[]) => {
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch (e) {
        this.h.bad(what, e instanceof IbPayloadError ? e.message : `${what} handler failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  #wire(api: IBApi): void {
    const on = (event: EventName, what: string, fn: (...args: never[]) => void): void => this.#on(api, event, what, fn);
    on(EventName.nextValidId, 'nextValidId', (id: number) => {
      if (!Number.isInteger(id) || id < 0) throw new IbPayloadError('nextValidId', 'orderId', `${id} is not a non-negative integer`);
      if (id > this.#nextId) this.#nextId = id;
      this.#haveId = true;
      this.#maybeReady();
    });
    on(EventName.managedAccounts, 'managedAccounts', (list: string) => {
      this.#accounts = String(list).split(',').map((a) => a.trim()).filter((a) => a.length > 0);
      this.#maybeReady();
    });
    on(EventName.disconnected, 'disconnected', () => {
      const wasUp = this.#up;
      this.#up = false;
      this.#failAll('the link to TWS closed');
      this.#connectWaiter?.(new RetryableVenueError('ib: TWS closed the connection during the handshake'));
      if (!this.#closing && wasUp) this.h.dropped('the socket to TWS closed');
    });
    // TWS sends messages about no request (id -1) as info, the library's own link errors as errors.
    const message = (code: number, reqId: number, text: string): void => {
      if (this.#connectWaiter !== null && (code === 502 || code === 326 || code === 504)) {
        this.#connectWaiter(new RetryableVenueError(`ib: cannot connect to TWS at ${this.opts.host}:${this.opts.port} (${code}): ${text}`));
      }
      this.h.message(code, reqId, text);
    };
    on(EventName.error, 'error', (err: Error, code: number, reqId: number) => message(code, typeof reqId === 'number' ? reqId : -1, err instanceof Error ? err.message : String(err)));
    on(EventName.info, 'info', (text: string, code: number) => message(code, -1, String(text)));
    on(EventName.currentTime, 'currentTime', () => this.#settle('time'));
    on(EventName.openOrder, 'openOrder', (orderId: number, contract: Contract, order: IbOrder, state: OrderState) => {
      const o = parseOpenOrder(orderId, contract, order, state);
      this.#openSnapshot?.push(o);
      this.h.openOrder(o);
    });
    on(EventName.openOrderEnd, 'openOrderEnd', () => this.#settle('openEnd'));
    on(EventName.orderStatus, 'orderStatus', (...a: unknown[]) => {
      const s = parseOrderStatus(a);
      this.#statusSnapshot?.set(s.orderId, s);
      this.h.orderStatus(s);
    });
    on(EventName.completedOrder, 'completedOrder', (contract: Contract, order: IbOrder, state: OrderState) => {
      this.#completedSnapshot?.push(parseCompletedOrder(contract, order, state));
    });
    on(EventName.completedOrdersEnd, 'completedOrdersEnd', () => this.#settle('completedEnd'));
    on(EventName.execDetails, 'execDetails', (reqId: number, contract: Contract, execution: Execution) => {
      const e = parseExecution(reqId, contract, execution);
      const into = this.#execCollect.get(e.reqId);
      if (into !== undefined) into.push(e);
      this.h.execution(e);
    });
    on(EventName.execDetailsEnd, 'execDetailsEnd', (reqId: number) => this.#settle(`exec:${reqId}`));
    on(EventName.commissionReport, 'commissionReport', (report: unknown) => this.h.commission(parseCommission(report)));
    on(EventName.position, 'position', (account: string, contract: Contract, pos: number, avgCost: number) => {
      this.#positionCollect?.push(parsePosition(account, contract, pos, avgCost));
    });
    on(EventName.positionEnd, 'positionEnd', () => this.#settle('positionEnd'));
    on(EventName.accountSummary, 'accountSummary', (reqId: number, account: string, tag: string, value: string, currency: string) => {
      const rows = this.#summaryCollect.get(reqId);
      if (rows !== undefined) rows.push(parseSummaryRow(reqId, account, tag, value, currency));
    });
    on(EventName.accountSummaryEnd, 'accountSummaryEnd', (reqId: number) => this.#settle(`summary:${reqId}`));
    this.h.wire?.(on);
  }

  #maybeReady(): void {
    if (this.#connectWaiter !== null && this.#haveId && this.#accounts.length > 0) this.#connectWaiter();
  }
}
