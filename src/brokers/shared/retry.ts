// Retries for calls that failed in a way worth repeating (network, rate limit, 5xx): exponential backoff
// with full jitter (AWS's "Exponential Backoff And Jitter"), capped, honouring a venue's Retry-After.
// Anything not retryable is thrown at once: a rejected order must surface, not be sent again.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  isRetryable(e: unknown): boolean;
  /** The wait a venue asked for (a 429's Retry-After), if it said. */
  retryAfterMs?(e: unknown): number | undefined;
  sleep?(ms: number): Promise<void>;
  /** In [0, 1); Math.random unless a test fixes it. */
  random?(): number;
  /** Told before each wait (logs, metrics). */
  onRetry?(e: unknown, attempt: number, waitMs: number): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The wait before retry number `attempt` (1-based): full jitter over min(max, base * 2^(attempt-1)). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const wait = policy.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.attempts || !policy.isRetryable(e)) throw e;
      const asked = policy.retryAfterMs?.(e);
      // A venue's own Retry-After wins over our schedule: retrying sooner only earns another 429 (or a ban).
      const ms = asked !== undefined && asked >= 0 ? asked : backoffMs(attempt, policy.baseMs, policy.maxMs, policy.random);
      policy.onRetry?.(e, attempt, ms);
      await wait(ms);
    }
  }
}
