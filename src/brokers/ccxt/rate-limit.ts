// ccxt's request pacing, with the same bucket but without its idle sleeps. ccxt's leaky bucket (base/functions/
// throttle.js) refills only while its loop runs: after an idle spell the bucket is still as empty as the last
// request left it, so a lone order after a quiet minute polls `sleep(1 ms)` until the refill it never counted is
// made up (10 ms at Binance's pace for one order, longer on a busy event loop, where each 1 ms timer fires late).
// This bucket has ccxt's parameters (refill per ms = 1 / rateLimit, capacity, the per-endpoint costs ccxt
// computes) and ccxt's admission rule (a request goes while the bucket is not negative), but it credits the time
// that has passed whenever it is asked, lets a request through at once when the bucket allows it, and otherwise
// sleeps once, for exactly the deficit. Requests keep their order. So any interval of T ms admits at most
// capacity + T / rateLimit + one request's cost, the same bound as ccxt's bucket, which is what ccxt's rateLimit
// and costs are tuned to (Binance: 50 ms per unit, a spot order 0.2 units = 6,000 weight a minute).
// (Not shared/rate-limiter.ts's TokenBucket: ccxt's costs can exceed its capacity of 1, and its rule lets a
// request take the bucket below zero.)
import type { Exchange } from 'ccxt';

export interface CcxtBucketOptions {
  /** Units added per millisecond (ccxt: 1 / rateLimit; Number.MAX_VALUE when rateLimit is 0): never waits from 1e9 on. */
  readonly refillPerMs: number;
  /** Most units the bucket holds (ccxt: 1). */
  readonly capacity: number;
  /** Units at start (ccxt: 0). */
  readonly tokens?: number;
  /** Default cost of a request (ccxt: 1). */
  readonly cost?: number;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
}

/** Float slack: a bucket refilled to -1e-12 by a timer of exactly the deficit counts as refilled. */
const EPS = 1e-9;
/** Refill rates from here on (units per ms) count as no limit. */
const UNLIMITED = 1e9;

interface Waiter {
  readonly cost: number;
  readonly resolve: () => void;
}

export class CcxtBucket {
  #tokens: number;
  #last: number;
  readonly #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | null = null;
  readonly #now: () => number;

  constructor(private readonly o: CcxtBucketOptions) {
    this.#now = o.now ?? (() => performance.now());
    this.#tokens = Math.min(o.tokens ?? 0, o.capacity);
    this.#last = this.#now();
  }

  /** Units in the bucket now (negative: owed by the last request). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Requests waiting for the bucket. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves when a request of `cost` units may go: at once when nobody waits and the bucket is not negative. */
  take(cost = this.o.cost ?? 1): Promise<void> {
    if (this.#queue.length === 0 && this.#refill() >= -EPS) {
      this.#tokens -= cost;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#queue.push({ cost, resolve });
      this.#arm();
    });
  }

  #refill(): number {
    const now = this.#now();
    // ccxt's "no limit" (rateLimit 0) is a refill of Number.MAX_VALUE per ms: full at every ask.
    if (this.o.refillPerMs >= UNLIMITED) this.#tokens = this.o.capacity;
    else this.#tokens = Math.min(this.o.capacity, this.#tokens + (now - this.#last) * this.o.refillPerMs);
    this.#last = now;
    return this.#tokens;
  }

  #arm(): void {
    if (this.#timer !== null) return;
    const deficit = -this.#refill();
    // One timer for exactly the time the bucket needs to reach zero (timers fire at whole milliseconds).
    this.#timer = setTimeout(() => this.#drain(), deficit > 0 ? Math.ceil(deficit / this.o.refillPerMs) : 0);
  }

  #drain(): void {
    this.#timer = null;
    while (this.#queue.length > 0 && this.#refill() >= -EPS) {
      const w = this.#queue.shift()!;
      this.#tokens -= w.cost;
      w.resolve();
    }
    if (this.#queue.length > 0) this.#arm();
  }
}

type Throttling = { tokenBucket?: { refillRate?: number; capacity?: number; tokens?: number; cost?: number }; throttle(cost?: number): Promise<unknown> };

/**
 * Replaces the REST throttle of a ccxt exchange (what `fetch2` awaits when enableRateLimit is on) with a
 * CcxtBucket of the same parameters. WebSocket sends keep ccxt's own per-connection throttle.
 */
export function useCcxtBucket(ex: Exchange): CcxtBucket {
  const t = ex as unknown as Throttling;
  const b = t.tokenBucket ?? {};
  const bucket = new CcxtBucket({ refillPerMs: b.refillRate ?? 1 / (ex.rateLimit ?? 50), capacity: b.capacity ?? 1, tokens: b.tokens ?? 0, cost: b.cost ?? 1 });
  t.throttle = (cost?: number) => bucket.take(cost);
  return bucket;
}
