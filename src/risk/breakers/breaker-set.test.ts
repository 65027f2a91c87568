import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/time.ts';
import { CircuitBreakerSet } from './breaker-set.ts';
import { DailyLossBreaker, DrawdownBreaker } from './equity-breakers.ts';
import { ManualBreaker, StaleDataBreaker } from './market-breakers.ts';
import { ConsecutiveLossesBreaker, VenueErrorRateBreaker } from './trade-breakers.ts';
import type { BreakerAction, BreakerEvent } from './types.ts';

function recorded(set: CircuitBreakerSet): BreakerEvent[] {
  const events: BreakerEvent[] = [];
  set.subscribe((e) => events.push(e));
  return events;
}

describe('CircuitBreakerSet events', () => {
  it('emits one breaker-tripped event per trip with the breaker, action, reason and time', () => {
    const set = new CircuitBreakerSet([new ConsecutiveLossesBreaker({ losses: 2, action: 'reduce-only' })]);
    const events = recorded(set);
    set.onTradeClosed(-1, 1000);
    set.onTradeClosed(-2, 2000);
    set.onTradeClosed(-3, 3000); // still tripped: no second event
    expect(events).toEqual([
      { type: 'RiskEvent', kind: 'breaker-tripped', breaker: 'consecutive-losses', action: 'reduce-only', reason: '2 losing trades in a row (last -2.00), limit 2', tsEventMs: 2000 },
    ]);
  });

  it('delivers to the onEvent option and to subscribers until they unsubscribe', () => {
    const viaOption: BreakerEvent[] = [];
    const set = new CircuitBreakerSet([new ManualBreaker()], { onEvent: (e) => viaOption.push(e) });
    const viaSubscribe: BreakerEvent[] = [];
    const off = set.subscribe((e) => viaSubscribe.push(e));
    set.trip('kill-switch', 'test', 1);
    off();
    set.reset('kill-switch', 2);
    expect(viaOption.map((e) => e.kind)).toEqual(['breaker-tripped', 'breaker-reset']);
    expect(viaSubscribe.map((e) => e.kind)).toEqual(['breaker-tripped']);
  });
});

describe('cool-down', () => {
  const rows: [string, number | null, number, boolean][] = [
    ['still tripped 1 ms before the cool-down ends', 60_000, 60_999, true],
    ['reset exactly when the cool-down ends', 60_000, 61_000, false],
    ['reset after the cool-down', 60_000, 500_000, false],
    ['without a cool-down, still tripped a day later', null, 1000 + MS_PER_DAY, true],
  ];
  it.each(rows)('%s', (_label, coolDownMs, checkAt, tripped) => {
    const set = new CircuitBreakerSet([new ConsecutiveLossesBreaker({ losses: 1, coolDownMs })]);
    set.onTradeClosed(-1, 1000);
    expect(set.tripOf('consecutive-losses')?.resetsAtMs ?? null).toBe(coolDownMs === null ? null : 1000 + coolDownMs);
    set.check(checkAt);
    expect(set.halted).toBe(tripped);
  });

  it('resets on any input with a later timestamp, emits breaker-reset, and rearms the breaker', () => {
    const set = new CircuitBreakerSet([new ConsecutiveLossesBreaker({ losses: 2, coolDownMs: 100 })]);
    const events = recorded(set);
    set.onTradeClosed(-1, 0);
    set.onTradeClosed(-1, 10);
    set.onMarketData('A', 110, 5); // the cool-down ends on a market-data timestamp
    expect(events.at(-1)).toEqual({ type: 'RiskEvent', kind: 'breaker-reset', breaker: 'consecutive-losses', action: 'halt', reason: 'cool-down of 100 ms elapsed', tsEventMs: 110 });
    set.onTradeClosed(-1, 120); // a fresh streak: one loss does not trip
    expect(set.anyTripped).toBe(false);
    set.onTradeClosed(-1, 130);
    expect(set.anyTripped).toBe(true);
  });
});

describe('manual control', () => {
  it('resets one breaker by name with a reason, and reports whether it was tripped', () => {
    const set = new CircuitBreakerSet([new ManualBreaker(), new DrawdownBreaker({ maxDrawdownPct: 10 })]);
    const events = recorded(set);
    expect(set.trip('kill-switch', 'operator', 5)).toBe(true);
    expect(set.trip('kill-switch', 'again', 6)).toBe(false);
    expect(set.tripOf('kill-switch')?.reason).toBe('manual: operator');
    expect(set.reset('kill-switch', 7, 'all clear')).toBe(true);
    expect(set.reset('kill-switch', 8)).toBe(false);
    expect(events.map((e) => [e.kind, e.reason, e.tsEventMs])).toEqual([
      ['breaker-tripped', 'manual: operator', 5],
      ['breaker-reset', 'all clear', 7],
    ]);
  });

  it('resets all tripped breakers at once', () => {
    const set = new CircuitBreakerSet([new ManualBreaker(), new ManualBreaker({ name: 'b', action: 'flatten' }), new ManualBreaker({ name: 'c' })]);
    set.trip('kill-switch', 'x', 1);
    set.trip('b', 'y', 1);
    expect(set.resetAll(2)).toBe(2);
    expect(set.state()).toEqual({ halted: false, reduceOnly: false, flattenRequested: false, tripped: [] });
  });

  it('rejects an unknown breaker name and two breakers with one name', () => {
    const set = new CircuitBreakerSet([new ManualBreaker()]);
    expect(() => set.reset('nope', 0)).toThrow(InputError);
    expect(() => set.trip('nope', 'x', 0)).toThrow(/known: kill-switch/);
    expect(() => new CircuitBreakerSet([new ManualBreaker(), new ManualBreaker()])).toThrow(ConfigError);
  });

  it('re-baselines on a manual reset: the same drawdown does not trip again at once', () => {
    const set = new CircuitBreakerSet([new DrawdownBreaker({ maxDrawdownPct: 10 })]);
    set.onEquity(0, 100);
    set.onEquity(1, 85);
    expect(set.flattenRequested).toBe(true);
    set.reset('max-drawdown', 2);
    set.onEquity(3, 85);
    expect(set.anyTripped).toBe(false);
    set.onEquity(4, 76);
    expect(set.flattenRequested).toBe(true);
  });
});

describe('state and actions', () => {
  const rows: [BreakerAction[], { halted: boolean; reduceOnly: boolean; flattenRequested: boolean }][] = [
    [[], { halted: false, reduceOnly: false, flattenRequested: false }],
    [['halt'], { halted: true, reduceOnly: false, flattenRequested: false }],
    [['reduce-only'], { halted: false, reduceOnly: true, flattenRequested: false }],
    [['flatten'], { halted: false, reduceOnly: true, flattenRequested: true }],
    [['halt', 'flatten'], { halted: true, reduceOnly: true, flattenRequested: true }],
  ];
  it.each(rows)('tripped %j gives %j', (actions, flags) => {
    const set = new CircuitBreakerSet(actions.map((action, i) => new ManualBreaker({ name: `m${i}`, action })));
    actions.forEach((_a, i) => set.trip(`m${i}`, 'test', 100 + i));
    const s = set.state();
    expect({ halted: s.halted, reduceOnly: s.reduceOnly, flattenRequested: s.flattenRequested }).toEqual(flags);
    expect(s.tripped.map((t) => [t.breaker, t.action, t.trippedAtMs])).toEqual(actions.map((a, i) => [`m${i}`, a, 100 + i]));
  });

  it('lists what each trip says about itself', () => {
    const set = new CircuitBreakerSet([new VenueErrorRateBreaker({ window: 2, maxErrorPct: 50, coolDownMs: 1000 })]);
    set.onOrderResult(false, 10);
    set.onOrderResult(false, 20);
    expect(set.state().tripped).toEqual([
      { breaker: 'venue-errors', action: 'halt', reason: '2 of the last 2 order results failed (window 2), max 50% of the window', trippedAtMs: 20, resetsAtMs: 1020 },
    ]);
    expect(set.describe(['halt'])).toBe('venue-errors (2 of the last 2 order results failed (window 2), max 50% of the window)');
    expect(set.describe(['flatten'])).toBe('');
  });
});

describe('breakers that lapse on their own', () => {
  it('the daily loss limit resets at the first input of the next day, measured from the previous close', () => {
    const d0 = Date.UTC(2024, 0, 2);
    const set = new CircuitBreakerSet([new DailyLossBreaker({ maxLossPct: 2 })]);
    const events = recorded(set);
    set.onEquity(d0 + 10 * MS_PER_HOUR, 100_000);
    set.onEquity(d0 + 11 * MS_PER_HOUR, 97_000);
    expect(set.halted).toBe(true);
    set.onEquity(d0 + 20 * MS_PER_HOUR, 96_500); // same day: stays halted
    set.check(d0 + MS_PER_DAY + 9 * MS_PER_HOUR);
    expect(set.halted).toBe(false);
    set.onEquity(d0 + MS_PER_DAY + 10 * MS_PER_HOUR, 94_600); // 1.97% below yesterday's close
    expect(set.halted).toBe(false);
    set.onEquity(d0 + MS_PER_DAY + 11 * MS_PER_HOUR, 94_500); // 2.07%
    expect(set.halted).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(['breaker-tripped', 'breaker-reset', 'breaker-tripped']);
    expect(events[1]!.reason).toBe('a new trading day began (2024-01-03)');
  });

  it('stale data trips on check and, after its cool-down, trips again only after another maxAgeMs', () => {
    const set = new CircuitBreakerSet([new StaleDataBreaker({ maxAgeMs: 1000, coolDownMs: 500 })]);
    const events = recorded(set);
    set.onMarketData('A', 0, 10);
    set.check(1000);
    expect(set.halted).toBe(false);
    set.check(1001);
    expect(set.halted).toBe(true);
    set.check(1501); // cool-down over: reset and rearmed to 1501
    expect(set.halted).toBe(false);
    set.check(2501);
    expect(set.halted).toBe(false);
    set.check(2502);
    expect(events.map((e) => [e.kind, e.tsEventMs])).toEqual([['breaker-tripped', 1001], ['breaker-reset', 1501], ['breaker-tripped', 2502]]);
  });
});
