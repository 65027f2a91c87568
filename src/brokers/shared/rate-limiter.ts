// A token bucket for a venue's request budget (Alpaca: 200 requests a minute; Binance publishes a
// weight per endpoint). Callers take the weight of their request and wait until the bucket has it, in
// the order they asked: a burst is queued, never dropped, and never exceeds the venue's budget.

export interface TokenBucketOptions {
  /** Largest burst (the venue's budget per window). */
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Milliseconds now (tests pass a fake clock with `sleep`). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class TokenBucket {
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: TokenBucketOptions) {
    if (!(opts.capacity > 0) || !(opts.refillPerSecond > 0)) throw new RangeError('TokenBucket: capacity and refillPerSecond must be positive');
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#tokens = opts.capacity;
    this.#last = this.#now();
  }

  /** Tokens available now (after refill). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Resolves once `weight` tokens were taken; requests are served first come, first served. */
  take(weight = 1): Promise<void> {
    if (!(weight > 0) || weight > this.opts.capacity) return Promise.reject(new RangeError(`TokenBucket: weight ${weight} must be in (0, ${this.opts.capacity}]`));
    const turn = this.#queue.then(() => this.#waitFor(weight));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** Empties the bucket (a venue answered 429: it counts differently than we do). */
  drain(): void {
    this.#refill();
    this.#tokens = 0;
  }

  async #waitFor(weight: number): Promise<void> {
    for (;;) {
      this.#refill();
      if (this.#tokens >= weight) {
        this.#tokens -= weight;
        return;
      }
      await this.#sleep(Math.ceil(((weight - this.#tokens) / this.opts.refillPerSecond) * 1000));
    }
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.opts.capacity, this.#tokens + (elapsed / 1000) * this.opts.refillPerSecond);
  }
}
