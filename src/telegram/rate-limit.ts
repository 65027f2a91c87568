// Token buckets per key (a chat): `burst` tokens, refilled at `perSecond`. A chat that runs dry is told once
// (`warn` is true for the first refusal, then again only after `warnEveryMs`), and otherwise ignored.
export interface BucketOptions {
  readonly burst: number;
  readonly perSecond: number;
  readonly now?: () => number;
  /** A refused chat is told at most this often (default 10 s). */
  readonly warnEveryMs?: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
  warnedMs: number;
}

const MAX_KEYS = 10_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #warnEveryMs: number;

  constructor(opts: BucketOptions) {
    this.#burst = opts.burst;
    this.#perMs = opts.perSecond / 1000;
    this.#now = opts.now ?? Date.now;
    this.#warnEveryMs = opts.warnEveryMs ?? 10_000;
  }

  /** `ok`: go ahead; else `warn` says whether to tell the chat (the first refusal in `warnEveryMs`). */
  take(key: string): { ok: boolean; warn: boolean } {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= MAX_KEYS) this.#buckets.clear();
      this.#buckets.set(key, (b = { tokens: this.#burst, atMs: now, warnedMs: Number.NEGATIVE_INFINITY }));
    }
    b.tokens = Math.min(this.#burst, b.tokens + (now - b.atMs) * this.#perMs);
    b.atMs = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, warn: false };
    }
    const warn = now - b.warnedMs >= this.#warnEveryMs;
    if (warn) b.warnedMs = now;
    return { ok: false, warn };
  }
}
