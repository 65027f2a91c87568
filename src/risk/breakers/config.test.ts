import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { circuitBreakersFromConfig, circuitBreakerSetFromConfig, parseCircuitBreakerConfig } from './config.ts';
import type { BreakerEvent } from './types.ts';

describe('CircuitBreakerConfig', () => {
  it('turns on only the kill switch by default', () => {
    expect(circuitBreakersFromConfig().map((b) => [b.name, b.action, b.coolDownMs])).toEqual([['kill-switch', 'halt', null]]);
  });

  it('turns a breaker on with its defaults from an empty object', () => {
    const all = circuitBreakersFromConfig({ dailyLoss: {}, maxDrawdown: {}, consecutiveLosses: {}, volatilitySpike: {}, staleData: {}, venueErrors: {}, killSwitch: null });
    expect(all.map((b) => [b.name, b.action, b.coolDownMs])).toEqual([
      ['daily-loss', 'halt', null],
      ['max-drawdown', 'flatten', null],
      ['consecutive-losses', 'halt', null],
      ['volatility-spike', 'reduce-only', 900_000],
      ['stale-data', 'halt', 60_000],
      ['venue-errors', 'halt', 300_000],
    ]);
    const c = parseCircuitBreakerConfig({ dailyLoss: {}, maxDrawdown: {}, consecutiveLosses: {}, volatilitySpike: {}, staleData: {}, venueErrors: {} });
    expect(c.dailyLoss).toEqual({ maxLossPct: 3, dayOffsetMs: 0, action: 'halt', coolDownMs: null });
    expect(c.maxDrawdown).toEqual({ maxDrawdownPct: 10, action: 'flatten', coolDownMs: null });
    expect(c.consecutiveLosses).toEqual({ losses: 5, action: 'halt', coolDownMs: null });
    expect(c.volatilitySpike).toEqual({ shortWindow: 20, longWindow: 100, multiple: 3, symbols: [], action: 'reduce-only', coolDownMs: 900_000 });
    expect(c.staleData).toEqual({ maxAgeMs: 60_000, symbols: [], action: 'halt', coolDownMs: 60_000 });
    expect(c.venueErrors).toEqual({ window: 20, maxErrorPct: 50, action: 'halt', coolDownMs: 300_000 });
  });

  it('builds a working set: a configured daily loss limit trips and reports', () => {
    const events: BreakerEvent[] = [];
    const set = circuitBreakerSetFromConfig({ dailyLoss: { maxLossPct: 1, action: 'flatten' } }, { onEvent: (e) => events.push(e) });
    set.onEquity(0, 1000);
    set.onEquity(1, 989);
    expect(set.state().flattenRequested).toBe(true);
    expect(events[0]).toMatchObject({ kind: 'breaker-tripped', breaker: 'daily-loss', action: 'flatten', tsEventMs: 1 });
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown action', { dailyLoss: { action: 'pause' } }, /field "dailyLoss\.action"/],
    ['a negative cool-down', { venueErrors: { coolDownMs: -5 } }, /field "venueErrors\.coolDownMs"/],
    ['a zero window', { volatilitySpike: { shortWindow: 0 } }, /field "volatilitySpike\.shortWindow"/],
    ['an unknown breaker', { dailyLos: {} }, /dailyLos/],
  ];
  it.each(bad)('rejects %s with a ConfigError naming the field', (_label, input, message) => {
    expect(() => circuitBreakersFromConfig(input as never)).toThrow(ConfigError);
    expect(() => circuitBreakersFromConfig(input as never)).toThrow(message);
  });
});
