// Alpaca's Trading API v2 through the SDK's generated Api classes: each call waits for the request
// budget (TokenBucket: Alpaca allows 200 requests a minute), maps failures to venue errors (errors.ts)
// and parses the answer at the boundary (parse.ts). Reads are retried with backoff (they change
// nothing); writes are sent once and their ambiguous failures are the caller's to resolve.
import { trading } from '@alpacahq/alpaca-trade-api';
import type { TokenBucket } from '../shared/rate-limiter.ts';
import { withRetry } from '../shared/retry.ts';
import { AlpacaRejectedError, AlpacaRetryableError, retryAfterOf, toVenueError } from './errors.ts';
import {
  AlpacaPayloadError, legsOf, parseAccount, parseFillActivity, parseList, parseOrder, parsePosition,
  type AlpacaAccount, type AlpacaFillActivity, type AlpacaOrder, type AlpacaPosition, type Carried,
} from './parse.ts';

export interface RestOptions {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** Per request; a request that takes longer is an ambiguous failure. */
  readonly timeoutMs: number;
  readonly bucket: TokenBucket;
  /** Attempts for reads (writes are never repeated here). */
  readonly readAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Requests in flight at once; the rest wait their turn before their timeout starts (default 16). */
  readonly maxInFlight?: number;
}

/**
 * The Alpaca order standing for a Sextant order now, and what each order it replaced had filled (by
 * their Alpaca order id, so hearing of one twice, on the stream and by REST, counts it once).
 */
export interface OrderChain {
  readonly order: AlpacaOrder;
  readonly replaced: ReadonlyMap<string, Carried>;
}

/** What the replaced orders of a chain filled, in all. */
export function carriedOf(replaced: ReadonlyMap<string, Carried>): Carried {
  let qty = 0;
  let notional = 0;
  for (const r of replaced.values()) {
    qty += r.qty;
    notional += r.notional;
  }
  return { qty, notional };
}

const fillsOf = (o: AlpacaOrder): Carried => ({ qty: o.filled_qty, notional: o.filled_qty * (o.filled_avg_price ?? 0) });

export interface NewOrderBody {
  readonly symbol: string;
  readonly qty: string;
  readonly side: 'buy' | 'sell';
  readonly type: AlpacaOrder['type'];
  readonly timeInForce: AlpacaOrder['time_in_force'];
  readonly limitPrice?: string;
  readonly stopPrice?: string;
  readonly trailPrice?: string;
  readonly trailPercent?: string;
  readonly clientOrderId: string;
  /** Bracket (entry with both legs), OTO (one leg) or OCO (a take-profit with its stop leg); absent for a simple order (order-class.ts). */
  readonly orderClass?: 'bracket' | 'oto' | 'oco';
  readonly takeProfit?: { readonly limitPrice: string };
  readonly stopLoss?: { readonly stopPrice: string; readonly limitPrice?: string };
}

export interface ReplaceBody {
  readonly clientOrderId: string;
  readonly qty?: string;
  readonly limitPrice?: string;
  readonly stopPrice?: string;
}

/** A decimal string for Alpaca: no float noise ('0.30000000000000004' -> '0.3'), no exponent. */
export function decimalString(x: number): string {
  const s = x.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** The JSON body of a 2xx answer, as sent (a body that is not JSON throws a SyntaxError: an unreadable answer). */
async function body_(p: Promise<{ readonly raw: Response }>): Promise<unknown> {
  const text = await (await p).raw.text();
  return JSON.parse(text) as unknown;
}

export class AlpacaRest {
  readonly #orders: trading.OrdersApi;
  readonly #activities: trading.AccountActivitiesApi;
  readonly #positions: trading.PositionsApi;
  readonly #account: trading.AccountsApi;
  readonly #secrets: string[];
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly opts: RestOptions) {
    // No SDK-side retries or rate limiting: both are done here, once, with the venue's budget.
    const config = new trading.Configuration({ basePath: opts.baseUrl.replace(/\/+$/, ''), keyId: opts.keyId, secret: opts.secretKey, timeoutMs: opts.timeoutMs, userAgent: 'sextant' });
    this.#orders = new trading.OrdersApi(config);
    this.#activities = new trading.AccountActivitiesApi(config);
    this.#positions = new trading.PositionsApi(config);
    this.#account = new trading.AccountsApi(config);
    this.#secrets = [opts.keyId, opts.secretKey];
  }

  /** One request: budget, call, error mapping (a 429 empties the bucket: Alpaca counts differently). */
  async #once<T>(what: string, call: () => Promise<T>): Promise<T> {
    // A burst of requests on a slow link must not all time out together and come back as a storm of
    // lookups: they queue here, and each one's timeout starts when it goes out.
    if (this.#inFlight >= (this.opts.maxInFlight ?? 16)) await new Promise<void>((r) => this.#waiting.push(r));
    this.#inFlight++;
    try {
      await this.opts.bucket.take(1);
      return await call();
    } catch (e) {
      // A payload that breaks its schema keeps its own error (it names the field) for the caller.
      if (e instanceof AlpacaPayloadError) throw e;
      const err = toVenueError(e, what, this.#secrets);
      if (err instanceof AlpacaRetryableError && err.status === 429) this.opts.bucket.drain();
      throw err;
    } finally {
      this.#inFlight--;
      this.#waiting.shift()?.();
    }
  }

  /** A read, retried on retryable failures (honouring Retry-After); parse failures count as retryable. */
  #read<T>(what: string, call: () => Promise<unknown>, parse: (d: unknown) => T): Promise<T> {
    return withRetry(
      () => this.#once(what, async () => parse(await call())),
      { attempts: this.opts.readAttempts, baseMs: this.opts.retryBaseMs, maxMs: this.opts.retryMaxMs, isRetryable: (e) => e instanceof AlpacaRetryableError || e instanceof AlpacaPayloadError, retryAfterMs: retryAfterOf },
    );
  }

  // The Raw variants: the SDK does transport, auth headers, timeout and error mapping; the body is read
  // as Alpaca sent it and parsed by our schemas (the SDK's model mapping drops or renames fields).
  // --- writes (sent once) ---

  submitOrder(body: NewOrderBody): Promise<AlpacaOrder> {
    return this.#once('submit order', async () => parseOrder(await body_(this.#orders.postOrderRaw({ postOrderRequest: { ...body } }))));
  }

  replaceOrder(venueOrderId: string, body: ReplaceBody): Promise<AlpacaOrder> {
    return this.#once('replace order', async () => parseOrder(await body_(this.#orders.patchOrderByOrderIdRaw({ orderId: venueOrderId, patchOrderRequest: { ...body } }))));
  }

  /** DELETE is idempotent at Alpaca, so a cancel is retried like a read. */
  cancelOrder(venueOrderId: string): Promise<void> {
    return this.#read('cancel order', () => this.#orders.deleteOrderByOrderIDRaw({ orderId: venueOrderId }), () => undefined);
  }

  cancelAllOrders(): Promise<void> {
    return this.#read('cancel all orders', () => this.#orders.deleteAllOrdersRaw(), () => undefined);
  }

  // --- reads ---

  /** The order with this Alpaca client order id; null when Alpaca does not know it (404). */
  async orderByClientId(clientOrderId: string): Promise<AlpacaOrder | null> {
    try {
      return await this.#read('order by client order id', () => body_(this.#orders.getOrderByClientOrderIdRaw({ clientOrderId })), parseOrder);
    } catch (e) {
      if (e instanceof AlpacaRejectedError && e.notFound) return null;
      throw e;
    }
  }

  /** The order with this Alpaca id (`nested`: a parent with its legs); null when Alpaca does not know it. */
  async orderById(venueOrderId: string, nested = false): Promise<AlpacaOrder | null> {
    try {
      return await this.#read('order by id', () => body_(this.#orders.getOrderByOrderIDRaw({ orderId: venueOrderId, ...(nested && { nested }) })), parseOrder);
    } catch (e) {
      if (e instanceof AlpacaRejectedError && e.notFound) return null;
      throw e;
    }
  }

  /** Follows `replaced_by` from an order to the one that stands now, noting what the replaced ones filled. */
  async follow(start: AlpacaOrder, known: ReadonlyMap<string, Carried>): Promise<OrderChain> {
    let order = start;
    const replaced = new Map(known);
    for (let hops = 0; order.status === 'replaced' && order.replaced_by && hops < 100; hops++) {
      const next = await this.orderById(order.replaced_by);
      if (next === null) break;
      replaced.set(order.id, fillsOf(order));
      order = next;
    }
    return { order, replaced };
  }

  /** What the orders an order replaced (walking `replaces` back) had filled. */
  async replacedBefore(order: AlpacaOrder): Promise<Map<string, Carried>> {
    const replaced = new Map<string, Carried>();
    let cur = order;
    for (let hops = 0; cur.replaces && hops < 100; hops++) {
      const prev = await this.orderById(cur.replaces);
      if (prev === null) break;
      replaced.set(prev.id, fillsOf(prev));
      cur = prev;
    }
    return replaced;
  }

  /** Open orders (of some symbols), oldest first, every page. */
  async openOrders(symbols?: string): Promise<AlpacaOrder[]> {
    const out: AlpacaOrder[] = [];
    const limit = 500;
    let after: string | undefined;
    for (;;) {
      const page = await this.#read(
        'open orders',
        () => body_(this.#orders.getAllOrdersRaw({ status: 'open', limit, direction: 'asc', nested: false, ...(symbols !== undefined && { symbols }), ...(after !== undefined && { after }) })),
        (d) => parseList(parseOrder, 'order list', d),
      );
      out.push(...page);
      if (page.length < limit) return out;
      after = new Date(page.at(-1)!.created_at).toISOString();
    }
  }

  /**
   * The parent of a bracket/OTO leg: legs are made with their parent, in the same instant, so the nested
   * list of that symbol's orders around the leg's creation holds it. Null when no parent lists the leg
   * (the order is a parent itself, or a plain order).
   */
  async parentOfLeg(leg: AlpacaOrder): Promise<AlpacaOrder | null> {
    const page = await this.#read(
      'orders around a leg',
      () => body_(this.#orders.getAllOrdersRaw({
        status: 'all', limit: 500, direction: 'asc', nested: true, symbols: leg.symbol,
        after: new Date(leg.created_at - 1_000).toISOString(), until: new Date(leg.created_at + 1_000).toISOString(),
      })),
      (d) => parseList(parseOrder, 'order list', d),
    );
    return page.find((p) => p.id !== leg.id && legsOf(p).some((l) => l.id === leg.id)) ?? null;
  }

  /** FILL activities after a time (exclusive), oldest first, following page tokens. */
  async fillActivities(afterMs: number): Promise<AlpacaFillActivity[]> {
    const out: AlpacaFillActivity[] = [];
    const pageSize = 100;
    let pageToken: string | undefined;
    for (;;) {
      const page = await this.#read(
        'fill activities',
        () => body_(this.#activities.getAccountActivitiesByActivityTypeRaw({ activityType: 'FILL', after: new Date(afterMs), direction: 'asc', pageSize, ...(pageToken !== undefined && { pageToken }) })),
        (d) => parseList(parseFillActivity, 'FILL activity list', d),
      );
      out.push(...page);
      if (page.length < pageSize) return out;
      pageToken = page.at(-1)!.id;
    }
  }

  positions(): Promise<AlpacaPosition[]> {
    return this.#read('positions', () => body_(this.#positions.getAllOpenPositionsRaw()), (d) => parseList(parsePosition, 'position list', d));
  }

  account(): Promise<AlpacaAccount> {
    return this.#read('account', () => body_(this.#account.getAccountRaw()), parseAccount);
  }
}
