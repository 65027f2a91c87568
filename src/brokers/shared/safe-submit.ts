// Sending a new order so that it reaches the venue exactly once. The only dangerous failure is the
// ambiguous one: a timeout, a 5xx, a dropped link or a rate-limit answer after which nobody knows
// whether the venue took the order. Sending again blindly can double a position (and on Binance,
// where client order ids are unique only among open orders, a resend of an order that already filled
// is a second order). So after an ambiguous failure the order is looked up by its client order id, with
// backoff, until the venue answers: found means sent; a definite "not known" means it may be sent again
// with the same client order id; a venue that will not answer leaves it unresolved (the order stays
// submitted and the periodic in-flight check or reconciliation settles it), never resent.

import { backoffMs, sleep as realSleep } from './retry.ts';

/** How a failed call is to be read. */
export type FailureKind =
  /** The venue refused the order (bad parameters, funds, duplicate client id): it does not exist. */
  | 'rejected'
  /** The order may or may not have reached the venue. */
  | 'ambiguous'
  /** The venue says the client id is already taken: the order (or an earlier send of it) exists. */
  | 'duplicate';

export interface SafeSubmitPolicy {
  /** Sends in all, the first included (each after a lookup said the venue does not know the order). */
  readonly maxSends: number;
  /** Lookups after one ambiguous send before giving up as unresolved. */
  readonly maxLookups: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * How long after a failed send a "not known" answer is trusted. A request can reach the venue after
   * the lookup that missed it; a venue that refuses requests older than a window (Binance's recvWindow)
   * can no longer accept the first send once that window has passed. 0 where client ids are unique for
   * ever (the venue refuses a second send of the id anyway).
   */
  readonly trustAbsentAfterMs?: number;
  now?(): number;
  sleep?(ms: number): Promise<void>;
  random?(): number;
}

export const DEFAULT_SAFE_SUBMIT: SafeSubmitPolicy = { maxSends: 3, maxLookups: 8, baseMs: 100, maxMs: 5_000 };

export interface SafeSubmitRequest<T> {
  /** One send of the order (same client order id every time). */
  send(): Promise<T>;
  /** The venue's record of the order by client order id; null when the venue definitely does not know it. */
  lookup(): Promise<T | null>;
  classify(e: unknown): FailureKind;
  /** A Retry-After the venue asked for, if any. */
  retryAfterMs?(e: unknown): number | undefined;
  readonly policy?: SafeSubmitPolicy;
  /** Told of every ambiguous failure and lookup (operator log). */
  onAttempt?(what: 'send-failed' | 'lookup-failed' | 'not-found' | 'found', detail: string): void;
}

export type SafeSubmitOutcome<T> =
  | { readonly kind: 'sent'; readonly value: T; readonly sends: number }
  | { readonly kind: 'found'; readonly value: T; readonly sends: number }
  | { readonly kind: 'rejected'; readonly reason: string; readonly error: unknown }
  | { readonly kind: 'unresolved'; readonly reason: string; readonly sends: number };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function submitSafely<T>(req: SafeSubmitRequest<T>): Promise<SafeSubmitOutcome<T>> {
  const p = req.policy ?? DEFAULT_SAFE_SUBMIT;
  const wait = p.sleep ?? realSleep;
  let sends = 0;
  let lastFailure = '';
  while (sends < p.maxSends) {
    sends++;
    const sentAt = (p.now ?? Date.now)();
    try {
      return { kind: 'sent', value: await req.send(), sends };
    } catch (e) {
      const kind = req.classify(e);
      if (kind === 'rejected') return { kind: 'rejected', reason: message(e), error: e };
      lastFailure = message(e);
      req.onAttempt?.('send-failed', `${kind}: ${lastFailure}`);
      const asked = req.retryAfterMs?.(e);
      // Ambiguous or duplicate: ask the venue before anything else.
      const found = await lookUp(req, p, wait, asked, sentAt);
      if (found.kind === 'found') return { kind: 'found', value: found.value, sends };
      if (found.kind === 'unanswered') return { kind: 'unresolved', reason: `no answer from the venue about the order after "${lastFailure}": ${found.reason}`, sends };
      if (kind === 'duplicate') {
        // The venue says the id is taken but cannot find it: never send a third copy; reconciliation decides.
        return { kind: 'unresolved', reason: `the venue refused the client order id as a duplicate but does not find the order (${lastFailure})`, sends };
      }
      // Definitely not at the venue: the same client order id may go again.
    }
  }
  return { kind: 'unresolved', reason: `sent ${sends} times without a definite answer; last failure: ${lastFailure}`, sends };
}

type Lookup<T> = { kind: 'found'; value: T } | { kind: 'absent' } | { kind: 'unanswered'; reason: string };

async function lookUp<T>(req: SafeSubmitRequest<T>, p: SafeSubmitPolicy, wait: (ms: number) => Promise<void>, firstWaitMs: number | undefined, sentAt: number): Promise<Lookup<T>> {
  const now = p.now ?? Date.now;
  const trustAfter = sentAt + (p.trustAbsentAfterMs ?? 0);
  let reason = '';
  for (let i = 1; i <= p.maxLookups; i++) {
    const ms = i === 1 && firstWaitMs !== undefined ? firstWaitMs : backoffMs(i, p.baseMs, p.maxMs, p.random);
    if (ms > 0) await wait(ms);
    try {
      const value = await req.lookup();
      if (value === null) {
        req.onAttempt?.('not-found', `lookup ${i}`);
        const early = trustAfter - now();
        if (early <= 0) return { kind: 'absent' };
        // Too soon to be sure the first send cannot still arrive: ask again once it cannot.
        await wait(early);
        const again = await req.lookup();
        if (again === null) return { kind: 'absent' };
        req.onAttempt?.('found', `lookup ${i} (after the send window)`);
        return { kind: 'found', value: again };
      }
      req.onAttempt?.('found', `lookup ${i}`);
      return { kind: 'found', value };
    } catch (e) {
      reason = message(e);
      req.onAttempt?.('lookup-failed', reason);
      const asked = req.retryAfterMs?.(e);
      if (asked !== undefined && asked > 0) await wait(asked);
    }
  }
  return { kind: 'unanswered', reason };
}
