// The user-data stream through ccxt.pro: watchOrders (order states from Binance executionReports) and
// watchMyTrades (one trade per TRADE report), both over the one WebSocket API subscription ccxt 4.5
// makes for spot (`userDataStream.subscribe.signature`). When the socket drops, both watches fail; the
// loop reports 'down', re-subscribes with backoff and reports 'up' once the venue confirmed the new
// subscription, so the client can fill the gap by REST. Nothing here throws at the caller: payloads are
// handed over raw and parsed by the client, failures become state changes.
import type { Exchange } from 'ccxt';
import { backoffMs, sleep } from '../shared/retry.ts';
import { useOwnExecutionReports } from './execution-report.ts';
import { useShortUserDataCaches } from './order-cache.ts';

export interface UserStreamHandlers {
  onOrders(orders: readonly unknown[]): void;
  onTrades(trades: readonly unknown[]): void;
  /** The subscription is (again) in place; `afterDrop` when it follows a loss of the link. */
  onUp(afterDrop: boolean): Promise<void>;
  onDown(reason: string): void;
  /** Every failure of the stream (a refused subscription's clock error is repaired here). */
  onError?(e: unknown): Promise<void>;
  /** A Binance executionReport that failed its checks (execution-report.ts); nothing of it was handed on. */
  onBadReport?(e: Error): void;
}

export interface UserStreamOptions {
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  /** Error text with credentials removed. */
  readonly describe: (e: unknown) => string;
  /** How long start() waits for the venue to confirm a subscription made by the watch calls (default 10 s). */
  readonly ackTimeoutMs?: number;
}

type SubscribingExchange = Exchange & { ensureUserDataStreamWsSubscribeSignature?(marketType?: string): Promise<void>; authenticate?(params?: Record<string, unknown>): Promise<unknown> };

export class UserStream {
  #running = false;
  #loop: Promise<void> | null = null;
  #subscribed: (() => void) | null = null;
  /**
   * Exchanges whose watch calls subscribe (OKX): the venue's acknowledgement of a subscription, told by
   * ccxt's handleSubscriptionStatus. 'Up' waits for it, so that a gap fill reads the venue only once the
   * stream tells what happens after.
   */
  readonly #acks: SubscriptionAcks | null;
  #firstUp: (() => void) | null = null;

  constructor(
    private readonly ex: Exchange,
    private readonly h: UserStreamHandlers,
    private readonly o: UserStreamOptions,
  ) {
    markFuturesHandled(ex);
    useShortUserDataCaches(ex);
    // Binance spot executionReports are read by execution-report.ts, not by ccxt (handed on as onOrders/onTrades).
    useOwnExecutionReports(ex, { onOrders: (xs) => h.onOrders(xs), onTrades: (xs) => h.onTrades(xs), onBad: (e) => h.onBadReport?.(e) });
    this.#acks = ex.id.startsWith('binance') ? null : SubscriptionAcks.of(ex);
  }

  /** Subscribes and starts watching; resolves once the first subscription is confirmed (rejects if it fails). */
  async start(): Promise<void> {
    if (this.#running) return;
    await this.#subscribe();
    this.#running = true;
    const up = this.#acks === null ? null : new Promise<void>((r) => (this.#firstUp = r));
    this.#loop = this.#run();
    // Resolved by the venue's confirmation, or after the wait for one (or at once if the first watch fails: the loop reconnects).
    if (up !== null) await Promise.race([up, idle((this.o.ackTimeoutMs ?? 10_000) + 100)]);
  }

  /** Stops watching and closes the exchange's sockets (pending watches and subscriptions fail at once). */
  async stop(): Promise<void> {
    this.#running = false;
    const loop = this.#loop;
    this.#loop = null;
    this.#subscribed?.();
    await this.ex.close().catch(() => undefined);
    // A gap fill the loop is in finishes on its own; do not hold a disconnect on it.
    await Promise.race([loop?.catch(() => undefined), sleep(2000)]);
  }

  async #subscribe(): Promise<void> {
    const ex = this.ex as SubscribingExchange;
    // Binance spot: the WebSocket API subscription; other exchanges subscribe inside their watch calls,
    // after a login that is made here first so a refused key fails connect() (OKX: login on /ws/v5/private).
    if (typeof ex.ensureUserDataStreamWsSubscribeSignature === 'function' && ex.id.startsWith('binance')) await ex.ensureUserDataStreamWsSubscribeSignature('spot');
    else if (typeof ex.authenticate === 'function') await ex.authenticate();
  }

  async #run(): Promise<void> {
    let failures = 0;
    let afterDrop = false;
    while (this.#running) {
      try {
        const again = afterDrop;
        if (afterDrop) {
          await this.#subscribe();
          if (!this.#running) break;
          failures = 0;
          if (this.#acks === null) await this.h.onUp(true);
        }
        afterDrop = true;
        await this.#watchBoth(again);
      } catch (e) {
        if (!this.#running) break;
        afterDrop = true;
        if (failures === 0) this.h.onDown(this.o.describe(e));
        failures++;
        await this.h.onError?.(e).catch(() => undefined);
        await sleep(backoffMs(Math.min(failures, 8), this.o.reconnectBaseMs ?? 100, this.o.reconnectMaxMs ?? 5_000) + 10);
      }
    }
  }

  /** Runs both watch loops until either fails (a dropped socket fails both); closes the rest. */
  async #watchBoth(afterDrop: boolean): Promise<void> {
    let failed: unknown = null;
    const stopped = new Promise<void>((r) => (this.#subscribed = r));
    const acked = this.#acks?.next();
    const orders = this.#watch(() => this.ex.watchOrders(), (xs) => this.h.onOrders(xs));
    const trades = this.#watch(() => this.ex.watchMyTrades(), (xs) => this.h.onTrades(xs));
    const ended = Promise.race([orders.catch((e: unknown) => void (failed = e)), trades.catch((e: unknown) => void (failed = e)), stopped]);
    // An exchange that does not confirm (or not in time) is taken as subscribed after the wait.
    if (acked !== undefined && (await Promise.race([acked.then(() => true), idle(this.o.ackTimeoutMs ?? 10_000).then(() => true), ended.then(() => false)])) && this.#running) {
      if (afterDrop) await this.h.onUp(true);
      this.#firstUp?.();
      this.#firstUp = null;
    }
    await ended;
    if (!this.#running) return;
    // One watch failed: make sure the other does not linger on a half-dead client.
    const clients = Object.values((this.ex as unknown as { clients: Record<string, { close?(): Promise<void> }> }).clients);
    for (const c of clients) await c.close?.().catch(() => undefined);
    await Promise.allSettled([orders, trades]);
    throw failed ?? new Error('user-data stream closed');
  }

  async #watch(call: () => Promise<unknown[]>, handle: (xs: unknown[]) => void): Promise<never> {
    for (;;) {
      const xs = await call();
      if (!this.#running) throw new Error('stopped');
      handle(xs);
    }
  }
}

/** A wait that does not keep the process alive. */
const idle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Tells when the venue next confirms a subscription (ccxt's handleSubscriptionStatus: OKX's {event:"subscribe"}). */
class SubscriptionAcks {
  readonly #waiting = new Set<() => void>();

  static of(ex: Exchange): SubscriptionAcks | null {
    const host = ex as unknown as { handleSubscriptionStatus?: (client: unknown, message: unknown) => unknown };
    if (typeof host.handleSubscriptionStatus !== 'function') return null;
    const acks = new SubscriptionAcks();
    const original = host.handleSubscriptionStatus.bind(ex);
    host.handleSubscriptionStatus = (client: unknown, message: unknown): unknown => {
      const out = original(client, message);
      for (const w of acks.#waiting) w();
      acks.#waiting.clear();
      return out;
    };
    return acks;
  }

  next(): Promise<void> {
    return new Promise<void>((r) => this.#waiting.add(r));
  }
}

type Future = Promise<unknown>;
type WsClient = { future(hash: string): Future; send(message: unknown): Future; sextantHandled?: boolean };

/**
 * ccxt.pro creates some futures nobody awaits (Binance's subscription creates one ahead of its request
 * for concurrent callers and rejects it when the venue refuses the subscription): such a rejection is
 * unhandled and would end a Node process. Every future of this exchange's sockets gets a no-op handler;
 * whoever awaits a future still receives its rejection. So does every send's: a subscribe or login that
 * ccxt sends after its rate limiter, on a socket closed meanwhile (OKX), fails a send nobody awaits.
 */
function markFuturesHandled(ex: Exchange): void {
  const host = ex as unknown as { client(url: string): WsClient };
  const original = host.client.bind(ex);
  host.client = (url: string): WsClient => {
    const c = original(url);
    if (c.sextantHandled !== true) {
      const future = c.future.bind(c);
      c.future = (hash: string): Future => {
        const f = future(hash);
        f.catch(() => undefined);
        return f;
      };
      const send = c.send.bind(c);
      c.send = (message: unknown): Future => {
        const f = send(message);
        f.catch(() => undefined);
        return f;
      };
      c.sextantHandled = true;
    }
    return c;
  };
}
