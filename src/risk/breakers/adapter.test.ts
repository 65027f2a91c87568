import { describe, expect, it } from 'vitest';
import type { OrderSide } from '../../model/order.ts';
import { makeOrder, viewWithout } from '../checks/fixtures.ts';
import { MemoryRiskView } from '../checks/view.ts';
import { RiskEngine } from '../risk-engine.ts';
import { breakerCheck } from './adapter.ts';
import { CircuitBreakerSet } from './breaker-set.ts';
import { ManualBreaker, StaleDataBreaker } from './market-breakers.ts';
import type { BreakerAction } from './types.ts';

describe('breakerCheck: what each action lets through', () => {
  // position 10 AAPL; columns: action tripped (or none), order, denied?
  const rows: [BreakerAction | 'none', OrderSide, number, boolean][] = [
    ['none', 'buy', 5, false],
    ['none', 'sell', 30, false],
    ['halt', 'buy', 5, true],
    ['halt', 'sell', 10, true],
    ['reduce-only', 'buy', 5, true],
    ['reduce-only', 'sell', 10, false],
    ['reduce-only', 'sell', 4, false],
    ['reduce-only', 'sell', 21, true],
    ['flatten', 'buy', 5, true],
    ['flatten', 'sell', 10, false],
  ];
  it.each(rows)('with %s tripped, %s %i is denied: %s', (action, side, qty, denied) => {
    const set = new CircuitBreakerSet([new ManualBreaker({ action: action === 'none' ? 'halt' : action })]);
    if (action !== 'none') set.trip('kill-switch', 'test', 0);
    const view = new MemoryRiskView({ positions: { AAPL: 10 } });
    expect(breakerCheck(set).check(makeOrder(side, qty), 100, view) !== null).toBe(denied);
  });

  it('names the breaker, its reason and the order', () => {
    const set = new CircuitBreakerSet([new ManualBreaker(), new ManualBreaker({ name: 'dd', action: 'flatten' })]);
    const check = breakerCheck(set);
    const view = new MemoryRiskView({ positions: { AAPL: 10 } });
    set.trip('dd', 'drawdown', 0);
    expect(check.check(makeOrder('buy', 5), 100, view)).toBe('reduce-only while dd (manual: drawdown) is tripped: buy 5 AAPL would increase the position (10 -> 15)');
    set.trip('kill-switch', 'desk', 0);
    expect(check.check(makeOrder('sell', 5), 100, view)).toBe('trading halted by kill-switch (manual: desk)');
  });

  it('lets time pass at order time: the cool-down ends and stale data trips by the view clock', () => {
    const set = new CircuitBreakerSet([new ManualBreaker({ coolDownMs: 1000 }), new StaleDataBreaker({ maxAgeMs: 5000, coolDownMs: null })]);
    const check = breakerCheck(set);
    const view = new MemoryRiskView({ nowMs: 0 });
    set.onMarketData('AAPL', 0, 100);
    set.trip('kill-switch', 'x', 0);
    view.timeMs = 999;
    expect(check.check(makeOrder('buy', 1), 100, view)).toMatch(/kill-switch/);
    view.timeMs = 1000;
    expect(check.check(makeOrder('buy', 1), 100, view)).toBeNull();
    view.timeMs = 5001;
    expect(check.check(makeOrder('buy', 1), 100, view)).toMatch(/^trading halted by stale-data \(no market data for 5001 ms/);
  });

  it('without a clock in the view it uses only what the set already knows', () => {
    const set = new CircuitBreakerSet([new ManualBreaker({ coolDownMs: 1000 })]);
    set.trip('kill-switch', 'x', 0);
    const view = viewWithout(new MemoryRiskView({ nowMs: 5000 }), 'nowMs');
    expect(breakerCheck(set).check(makeOrder('buy', 1), 100, view)).not.toBeNull();
    set.check(5000);
    expect(breakerCheck(set).check(makeOrder('buy', 1), 100, view)).toBeNull();
  });

  it('denies in the RiskEngine with the check name in front', () => {
    const set = new CircuitBreakerSet([new ManualBreaker()]);
    const engine = new RiskEngine({}, [breakerCheck(set)]);
    set.trip('kill-switch', 'stop', 0);
    expect(engine.check(makeOrder('buy', 1), 100, new MemoryRiskView())).toBe('circuit-breaker: trading halted by kill-switch (manual: stop)');
  });
});
