// Circuit breakers: shapes shared by the breakers, the set that runs them and its events.
import type { RiskEvent } from '../../model/events.ts';

/**
 * What a tripped breaker does: 'halt' denies every new order; 'reduce-only' denies orders that add
 * exposure; 'flatten' is reduce-only and also asks the engine to cancel working orders and close
 * every position.
 */
export type BreakerAction = 'halt' | 'reduce-only' | 'flatten';

export const BREAKER_ACTIONS: readonly BreakerAction[] = ['halt', 'reduce-only', 'flatten'];

/** A RiskEvent for a breaker trip or reset. */
export interface BreakerEvent extends RiskEvent {
  readonly type: 'RiskEvent';
  readonly kind: 'breaker-tripped' | 'breaker-reset';
  readonly breaker: string;
  readonly action: BreakerAction;
  readonly reason: string;
  readonly tsEventMs: number;
}

export interface TrippedBreaker {
  readonly breaker: string;
  readonly action: BreakerAction;
  readonly reason: string;
  readonly trippedAtMs: number;
  /** When the cool-down resets it, or null when only a manual reset (or its own condition) will. */
  readonly resetsAtMs: number | null;
}

export interface BreakerState {
  /** A 'halt' breaker is tripped: every new order is denied. */
  readonly halted: boolean;
  /** A 'reduce-only' or 'flatten' breaker is tripped: orders adding exposure are denied. */
  readonly reduceOnly: boolean;
  /** A 'flatten' breaker is tripped: cancel working orders and close all positions. */
  readonly flattenRequested: boolean;
  readonly tripped: readonly TrippedBreaker[];
}

/**
 * One breaker. Each hook sees one kind of input and returns the reason to trip, or null. The set
 * calls the hooks whether or not the breaker is tripped (so its state stays current) and ignores
 * trip reasons while it is tripped. A breaker keeps no trip state of its own.
 */
export interface CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  /** Auto-reset this many ms after the trip; null: manual reset only. */
  readonly coolDownMs: number | null;
  onEquity?(tsMs: number, equity: number): string | null;
  onTradeClosed?(pnl: number, tsMs: number): string | null;
  onMarketData?(symbol: string, tsMs: number, price: number): string | null;
  onOrderResult?(ok: boolean, tsMs: number): string | null;
  /** Time-driven conditions (stale data), evaluated by CircuitBreakerSet.check(tsMs). */
  poll?(tsMs: number): string | null;
  /** A reason when the trip has lapsed on its own at `nowMs` (the daily loss limit on a new day). */
  lapsed?(trippedAtMs: number, nowMs: number): string | null;
  /**
   * Called on every reset: forget the evidence that tripped the breaker (re-baseline), so the same
   * past data does not trip it again at once.
   */
  rearm(tsMs: number): void;
}

/** Common options of every breaker. */
export interface BreakerOptions {
  readonly name?: string;
  readonly action?: BreakerAction;
  readonly coolDownMs?: number | null;
}
