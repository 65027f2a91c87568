import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { OrderRateLimit } from './order-rate.ts';
import { MemoryRiskView } from './view.ts';

/** Sends one order at each time and returns which passed. */
function run(limit: OrderRateLimit, timesMs: readonly number[]): boolean[] {
  const view = new MemoryRiskView();
  return timesMs.map((t) => {
    view.timeMs = t;
    return limit.check(makeOrder('buy', 1), 100, view) === null;
  });
}

describe('order rate limit (orders per rolling window of engine time)', () => {
  const rows: [string, number, number, number[], boolean[]][] = [
    ['3 orders in 1 s pass under a limit of 3 per second', 3, 1000, [0, 10, 20], [true, true, true]],
    ['a 4th order inside the second is denied', 3, 1000, [0, 10, 20, 999], [true, true, true, false]],
    ['an order exactly one window after the oldest passes', 3, 1000, [0, 10, 20, 1000], [true, true, true, true]],
    ['the window rolls: each slot frees as its order ages out', 3, 1000, [0, 10, 20, 1000, 1009, 1010, 1020], [true, true, true, true, false, true, true]],
    ['denied orders are not counted', 2, 100, [0, 50, 60, 70, 100, 150], [true, true, false, false, true, true]],
    ['a limit of 1 per minute', 1, 60_000, [0, 59_999, 60_000, 60_001], [true, false, true, false]],
  ];
  it.each(rows)('%s', (_label, maxOrders, windowMs, timesMs, passed) => {
    expect(run(new OrderRateLimit(maxOrders, windowMs), timesMs)).toEqual(passed);
  });

  it('names the count, the time span and the limit', () => {
    const limit = new OrderRateLimit(2, 1000);
    const view = new MemoryRiskView({ nowMs: 0 });
    limit.check(makeOrder('buy', 1), 100, view);
    view.timeMs = 300;
    limit.check(makeOrder('buy', 1), 100, view);
    view.timeMs = 400;
    expect(limit.check(makeOrder('buy', 1), 100, view)).toBe('2 orders in the last 400 ms, max 2 per 1000 ms');
    expect(limit.countAt(400)).toBe(2);
    expect(limit.countAt(1000)).toBe(1);
    limit.reset();
    expect(limit.countAt(400)).toBe(0);
    expect(limit.check(makeOrder('buy', 1), 100, view)).toBeNull();
  });

  it('denies when the view has no clock, and rejects a bad limit', () => {
    expect(new OrderRateLimit(5, 1000).check(makeOrder('buy', 1), 100, viewWithout(new MemoryRiskView(), 'nowMs'))).toBe('the risk view does not provide nowMs()');
    expect(() => new OrderRateLimit(0, 1000)).toThrow(ConfigError);
    expect(() => new OrderRateLimit(5, 0)).toThrow(/windowMs/);
  });
});
