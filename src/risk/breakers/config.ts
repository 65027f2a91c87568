// CircuitBreakerConfig: which breakers run and how (docs/risk.md lists the keys). Every breaker is
// off until its key is given; `{}` turns it on with the defaults below.
import { z } from 'zod';
import { parseConfig } from '../checks/config.ts';
import { CircuitBreakerSet, type CircuitBreakerSetOptions } from './breaker-set.ts';
import { DailyLossBreaker, DrawdownBreaker } from './equity-breakers.ts';
import { ManualBreaker, StaleDataBreaker, VolatilitySpikeBreaker } from './market-breakers.ts';
import { ConsecutiveLossesBreaker, VenueErrorRateBreaker } from './trade-breakers.ts';
import { BREAKER_ACTIONS, type BreakerAction, type CircuitBreaker } from './types.ts';

const action = (d: BreakerAction) => z.enum(BREAKER_ACTIONS as [BreakerAction, ...BreakerAction[]]).default(d);
const coolDown = (d: number | null) => z.number().nonnegative().finite().nullable().default(d);
const pct = (d: number) => z.number().positive().finite().default(d);
const count = (d: number) => z.number().int().positive().default(d);

export const CircuitBreakerConfigSchema = z.strictObject({
  dailyLoss: z
    .strictObject({ maxLossPct: pct(3), dayOffsetMs: z.number().finite().default(0), action: action('halt'), coolDownMs: coolDown(null) })
    .nullable()
    .default(null),
  maxDrawdown: z.strictObject({ maxDrawdownPct: pct(10), action: action('flatten'), coolDownMs: coolDown(null) }).nullable().default(null),
  consecutiveLosses: z.strictObject({ losses: count(5), action: action('halt'), coolDownMs: coolDown(null) }).nullable().default(null),
  volatilitySpike: z
    .strictObject({
      shortWindow: count(20),
      longWindow: count(100),
      multiple: z.number().positive().finite().default(3),
      symbols: z.array(z.string().min(1)).default([]),
      action: action('reduce-only'),
      coolDownMs: coolDown(900_000),
    })
    .nullable()
    .default(null),
  staleData: z
    .strictObject({ maxAgeMs: z.number().positive().finite().default(60_000), symbols: z.array(z.string().min(1)).default([]), action: action('halt'), coolDownMs: coolDown(60_000) })
    .nullable()
    .default(null),
  venueErrors: z.strictObject({ window: count(20), maxErrorPct: pct(50), action: action('halt'), coolDownMs: coolDown(300_000) }).nullable().default(null),
  /** A breaker that trips only by hand (CircuitBreakerSet.trip('kill-switch', ...)). On by default. */
  killSwitch: z.strictObject({ action: action('halt') }).nullable().prefault({}),
});

export type CircuitBreakerConfig = z.input<typeof CircuitBreakerConfigSchema>;
export type ResolvedCircuitBreakerConfig = z.output<typeof CircuitBreakerConfigSchema>;

export function parseCircuitBreakerConfig(config: CircuitBreakerConfig = {}): ResolvedCircuitBreakerConfig {
  return parseConfig(CircuitBreakerConfigSchema, config, 'circuit breaker config');
}

/** The breakers a config turns on, in the order of the keys above. */
export function circuitBreakersFromConfig(config: CircuitBreakerConfig = {}): CircuitBreaker[] {
  const c = parseCircuitBreakerConfig(config);
  const out: CircuitBreaker[] = [];
  if (c.dailyLoss !== null) out.push(new DailyLossBreaker(c.dailyLoss));
  if (c.maxDrawdown !== null) out.push(new DrawdownBreaker(c.maxDrawdown));
  if (c.consecutiveLosses !== null) out.push(new ConsecutiveLossesBreaker(c.consecutiveLosses));
  if (c.volatilitySpike !== null) out.push(new VolatilitySpikeBreaker(c.volatilitySpike));
  if (c.staleData !== null) out.push(new StaleDataBreaker(c.staleData));
  if (c.venueErrors !== null) out.push(new VenueErrorRateBreaker(c.venueErrors));
  if (c.killSwitch !== null) out.push(new ManualBreaker({ name: 'kill-switch', action: c.killSwitch.action }));
  return out;
}

/** A CircuitBreakerSet of the breakers a config turns on. */
export function circuitBreakerSetFromConfig(config: CircuitBreakerConfig = {}, opts: CircuitBreakerSetOptions = {}): CircuitBreakerSet {
  return new CircuitBreakerSet(circuitBreakersFromConfig(config), opts);
}
