import { describe, expect, it } from 'vitest';
import { backoffMs, withRetry } from './retry.ts';
import { TokenBucket } from './rate-limiter.ts';
import { readCredentials, redact, redactError } from './credentials.ts';
import { ConfigError, RetryableVenueError } from '../../core/errors.ts';

describe('withRetry', () => {
  it('retries retryable failures with capped full-jitter backoff, honouring Retry-After', async () => {
    const waits: number[] = [];
    let n = 0;
    const out = await withRetry(async () => { if (++n < 4) throw Object.assign(new RetryableVenueError('busy'), { retryAfter: n === 2 ? 1500 : undefined }); return 'ok'; }, {
      attempts: 5, baseMs: 100, maxMs: 250, isRetryable: (e) => e instanceof RetryableVenueError, retryAfterMs: (e) => (e as { retryAfter?: number }).retryAfter,
      sleep: async (ms) => void waits.push(ms), random: () => 0.999,
    });
    expect(out).toBe('ok');
    expect(waits).toEqual([99, 1500, 249]);
  });

  it('throws a non-retryable failure at once, and the last one when attempts run out', async () => {
    let n = 0;
    await expect(withRetry(async () => { n++; throw new Error('rejected'); }, { attempts: 5, baseMs: 1, maxMs: 1, isRetryable: () => false, sleep: async () => undefined })).rejects.toThrow('rejected');
    expect(n).toBe(1);
    await expect(withRetry(async (a) => { throw new Error(`try ${a}`); }, { attempts: 3, baseMs: 1, maxMs: 1, isRetryable: () => true, sleep: async () => undefined })).rejects.toThrow('try 3');
  });

  it('backoff never exceeds its cap', () => {
    for (let a = 1; a < 40; a++) expect(backoffMs(a, 100, 5000, () => 0.9999)).toBeLessThan(5000);
  });
});

describe('TokenBucket', () => {
  it('serves a burst up to capacity at once and the rest at the refill rate, in order', async () => {
    let now = 0;
    const order: number[] = [];
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2, now: () => now, sleep: async (ms) => void (now += ms) });
    await Promise.all([1, 2, 3, 4, 5].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(now).toBe(1000);
    await expect(bucket.take(4)).rejects.toThrow(/weight 4/);
  });
});

describe('credentials', () => {
  it('reads both variables, refuses half a pair, and names what is missing', () => {
    expect(readCredentials({ K: 'key1', S: 'sec1' }, 'K', 'S', { required: true })).toEqual({ key: 'key1', secret: 'sec1' });
    expect(readCredentials({}, 'K', 'S', { required: false })).toBeNull();
    expect(() => readCredentials({}, 'K', 'S', { required: true })).toThrow(ConfigError);
    expect(() => readCredentials({ K: 'key1' }, 'K', 'S', { required: false })).toThrow(/S is not set/);
  });

  it('redacts secrets from text and errors, keeping the error class', () => {
    expect(redact('sig=abcd1234&key=KEYKEY', ['abcd1234', 'KEYKEY'])).toBe('sig=[REDACTED]&key=[REDACTED]');
    const e = redactError(new RetryableVenueError('GET /x?apiKey=KEYKEY failed'), ['KEYKEY']);
    expect(e).toBeInstanceOf(RetryableVenueError);
    expect(e.message).toBe('GET /x?apiKey=[REDACTED] failed');
    expect(e.stack).not.toContain('KEYKEY');
  });
});
