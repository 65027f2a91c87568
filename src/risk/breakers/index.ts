// Circuit breakers: trip on losses, drawdown, losing streaks, volatility, stale data, venue errors.
export { breakerCheck } from './adapter.ts';
export { CircuitBreakerSet, type BreakerListener, type CircuitBreakerSetOptions } from './breaker-set.ts';
export {
  circuitBreakersFromConfig,
  CircuitBreakerConfigSchema,
  circuitBreakerSetFromConfig,
  parseCircuitBreakerConfig,
  type CircuitBreakerConfig,
  type ResolvedCircuitBreakerConfig,
} from './config.ts';
export { DailyLossBreaker, DrawdownBreaker, type DailyLossOptions, type DrawdownOptions } from './equity-breakers.ts';
export { ManualBreaker, StaleDataBreaker, VolatilitySpikeBreaker, type StaleDataOptions, type VolatilitySpikeOptions } from './market-breakers.ts';
export { ConsecutiveLossesBreaker, VenueErrorRateBreaker, type ConsecutiveLossesOptions, type VenueErrorRateOptions } from './trade-breakers.ts';
export { BREAKER_ACTIONS, type BreakerAction, type BreakerEvent, type BreakerOptions, type BreakerState, type CircuitBreaker, type TrippedBreaker } from './types.ts';
