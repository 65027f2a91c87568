// Breakers on closed trades and venue order results.
import { money, pct } from '../checks/format.ts';
import { positive, positiveInt, resolveOptions } from './common.ts';
import type { BreakerAction, BreakerOptions, CircuitBreaker } from './types.ts';

export interface ConsecutiveLossesOptions extends BreakerOptions {
  /** Trips on this many losing trades in a row. */
  readonly losses: number;
}

/**
 * Counts closed trades with pnl < 0 in a row; a trade with pnl >= 0 ends the streak. Trips when the
 * streak reaches `losses`. A reset starts a new streak.
 */
export class ConsecutiveLossesBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly losses: number;
  #streak = 0;

  constructor(opts: ConsecutiveLossesOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'consecutive-losses', action: 'halt', coolDownMs: null }));
    positiveInt(`${this.name}.losses`, opts.losses);
    this.losses = opts.losses;
  }

  get streak(): number {
    return this.#streak;
  }

  onTradeClosed(pnl: number, _tsMs: number): string | null {
    this.#streak = pnl < 0 ? this.#streak + 1 : 0;
    return this.#streak >= this.losses ? `${this.#streak} losing trades in a row (last ${money(pnl)}), limit ${this.losses}` : null;
  }

  rearm(): void {
    this.#streak = 0;
  }
}

export interface VenueErrorRateOptions extends BreakerOptions {
  /** How many of the latest order results to look at. */
  readonly window: number;
  /** Trips when more than this percent of `window` results failed (50 = 50%). */
  readonly maxErrorPct: number;
}

/**
 * Watches venue results of the latest `window` orders (ok = accepted, not ok = rejected or errored)
 * and trips when the failures exceed `maxErrorPct` percent of `window` (so before `window` results
 * have been seen the missing ones count as ok). A reset forgets the results.
 */
export class VenueErrorRateBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly window: number;
  readonly maxErrorPct: number;
  readonly #maxErrors: number;
  readonly #ring: Uint8Array;
  #i = 0;
  #seen = 0;
  #errors = 0;

  constructor(opts: VenueErrorRateOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'venue-errors', action: 'halt', coolDownMs: 300_000 }));
    positiveInt(`${this.name}.window`, opts.window);
    positive(`${this.name}.maxErrorPct`, opts.maxErrorPct);
    this.window = opts.window;
    this.maxErrorPct = opts.maxErrorPct;
    this.#maxErrors = (opts.maxErrorPct / 100) * opts.window;
    this.#ring = new Uint8Array(opts.window);
  }

  /** Failures among the latest `window` results. */
  get errors(): number {
    return this.#errors;
  }

  onOrderResult(ok: boolean, _tsMs: number): string | null {
    const bad = ok ? 0 : 1;
    this.#errors += bad - this.#ring[this.#i]!;
    this.#ring[this.#i] = bad;
    this.#i = this.#i + 1 === this.window ? 0 : this.#i + 1;
    if (this.#seen < this.window) this.#seen++;
    if (!(this.#errors > this.#maxErrors)) return null;
    return `${this.#errors} of the last ${this.#seen} order results failed (window ${this.window}), max ${pct(this.maxErrorPct)} of the window`;
  }

  rearm(): void {
    this.#ring.fill(0);
    this.#i = 0;
    this.#seen = 0;
    this.#errors = 0;
  }
}
