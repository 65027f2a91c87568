// The REST pacing of the ccxt adapters (src/brokers/ccxt/rate-limit.ts): ccxt's bucket parameters and
// admission rule, with the time spent idle credited, no wait when the bucket allows a request, one timer for
// the exact deficit otherwise, requests in order, and never more than ccxt's bound in any interval.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeExchange } from '../../src/brokers/ccxt/exchange.ts';
import { CcxtBucket } from '../../src/brokers/ccxt/rate-limit.ts';

/** Binance through ccxt: 50 ms per unit, capacity 1, a spot order costs 0.2 units. */
const binance = (): CcxtBucket => new CcxtBucket({ refillPerMs: 1 / 50, capacity: 1, tokens: 0, now: () => Date.now() });

describe('CcxtBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a request through at once after an idle spell (ccxt would sleep 1 ms at a time until its uncounted refill is made up)', async () => {
    const b = binance();
    await b.take(0.2);
    expect(b.tokens).toBeCloseTo(-0.2);
    vi.advanceTimersByTime(60_000);
    let done = false;
    void b.take(0.2).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('spends a full bucket at once, then waits exactly the deficit with one timer', async () => {
    const b = binance();
    vi.advanceTimersByTime(1_000);
    const at: number[] = [];
    const t0 = Date.now();
    const all = Array.from({ length: 8 }, () => b.take(0.2).then(() => at.push(Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(all);
    // 1 unit held: five orders of 0.2 empty it, the sixth may take it below zero (ccxt's rule), then 10 ms each.
    expect(at).toEqual([0, 0, 0, 0, 0, 0, 10, 20]);
  });

  it('keeps the order of the waiting requests and never admits more than capacity + T / rateLimit + one cost', async () => {
    const b = binance();
    const admitted: { id: number; at: number; cost: number }[] = [];
    const costs = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? 1 : 0.2));
    const t0 = Date.now();
    const all = costs.map((cost, id) => b.take(cost).then(() => admitted.push({ id, at: Date.now() - t0, cost })));
    // A request arriving while others wait queues behind them.
    await vi.advanceTimersByTimeAsync(500);
    all.push(b.take(0.2).then(() => admitted.push({ id: 200, at: Date.now() - t0, cost: 0.2 })));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(all);
    expect(admitted.map((a) => a.id)).toEqual(Array.from({ length: 201 }, (_, i) => i));
    for (let i = 0; i < admitted.length; i++) {
      let cost = 0;
      for (let j = i; j < admitted.length; j++) {
        cost += admitted[j]!.cost;
        expect(cost).toBeLessThanOrEqual(1 + (admitted[j]!.at - admitted[i]!.at) / 50 + 1 + 1e-9);
      }
    }
    // Sustained pace: ccxt's 50 ms per unit.
    const total = admitted.reduce((s, a) => s + a.cost, 0);
    expect(admitted.at(-1)!.at).toBeGreaterThanOrEqual((total - 1 - 1) * 50);
  });

  it('never waits when the rate limit is off (rateLimit 0: ccxt refills at Number.MAX_VALUE)', async () => {
    const b = new CcxtBucket({ refillPerMs: Number.MAX_VALUE, capacity: 1, now: () => Date.now() });
    for (let i = 0; i < 100; i++) await b.take(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the execution exchange', () => {
  it("paces REST through the bucket with ccxt's Binance parameters, or a lowered rateLimit", async () => {
    const ex = makeExchange({ exchangeId: 'binance', apiKey: 'k', secret: 's' });
    const bucket = ex as unknown as { throttle(cost?: number): Promise<unknown>; tokenBucket: { refillRate: number; capacity: number } };
    expect(bucket.tokenBucket.refillRate).toBeCloseTo(1 / 50);
    expect(bucket.tokenBucket.capacity).toBe(1);
    // Not ccxt's Throttler any more: a first request resolves without starting ccxt's polling loop.
    const throttler = (ex as unknown as { throttler: { running: boolean } }).throttler;
    await bucket.throttle(0.2);
    expect(throttler.running).toBe(false);
    const lowered = makeExchange({ exchangeId: 'binance', apiKey: 'k', secret: 's', rateLimitMs: 1 }) as unknown as typeof bucket;
    expect(lowered.tokenBucket.refillRate).toBeCloseTo(1);
    await ex.close();
    await (lowered as unknown as { close(): Promise<void> }).close();
  });
});
