// Breakers on account equity: daily loss from the day's starting equity, drawdown from the peak.
import { MS_PER_DAY, toIsoDate } from '../../core/time.ts';
import { money, pct } from '../checks/format.ts';
import { positive, resolveOptions } from './common.ts';
import type { BreakerAction, BreakerOptions, CircuitBreaker } from './types.ts';

export interface DailyLossOptions extends BreakerOptions {
  /** Max loss from the day's starting equity, percent (3 = 3%). */
  readonly maxLossPct: number;
  /** Shift of the day boundary from 00:00 UTC, ms (-5 h = −18_000_000 puts it at 19:00 UTC). */
  readonly dayOffsetMs?: number;
}

/**
 * Trips when equity falls more than `maxLossPct` below the day's starting equity: the last equity
 * seen before the day began (the previous close), or the first one ever seen. Lapses on its own at
 * the first input of the next day. A reset during the day re-baselines the start to the latest equity.
 */
export class DailyLossBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly maxLossPct: number;
  readonly dayOffsetMs: number;
  readonly #frac: number;
  #day = NaN;
  #start = NaN;
  #last = NaN;

  constructor(opts: DailyLossOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'daily-loss', action: 'halt', coolDownMs: null }));
    positive(`${this.name}.maxLossPct`, opts.maxLossPct);
    this.maxLossPct = opts.maxLossPct;
    this.#frac = opts.maxLossPct / 100;
    this.dayOffsetMs = opts.dayOffsetMs ?? 0;
  }

  /** The day's starting equity (NaN before any equity). */
  get startEquity(): number {
    return this.#start;
  }

  #dayOf(tsMs: number): number {
    return Math.floor((tsMs + this.dayOffsetMs) / MS_PER_DAY);
  }

  onEquity(tsMs: number, equity: number): string | null {
    const day = this.#dayOf(tsMs);
    if (day !== this.#day) {
      this.#start = Number.isNaN(this.#last) ? equity : this.#last;
      this.#day = day;
    }
    this.#last = equity;
    const start = this.#start;
    if (!(start > 0)) return null;
    const loss = start - equity;
    if (!(loss > this.#frac * start)) return null;
    return `equity ${money(equity)} is ${pct((loss / start) * 100)} below the day's starting equity ${money(start)} (loss ${money(loss)}), max ${pct(this.maxLossPct)}`;
  }

  lapsed(trippedAtMs: number, nowMs: number): string | null {
    return this.#dayOf(nowMs) > this.#dayOf(trippedAtMs) ? `a new trading day began (${toIsoDate(nowMs + this.dayOffsetMs)})` : null;
  }

  rearm(_tsMs: number): void {
    if (!Number.isNaN(this.#last)) this.#start = this.#last;
  }
}

export interface DrawdownOptions extends BreakerOptions {
  /** Max fall from the peak equity, percent (10 = 10%). */
  readonly maxDrawdownPct: number;
}

/** Trips when equity falls more than `maxDrawdownPct` below its peak. A reset makes the latest equity the peak. */
export class DrawdownBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly maxDrawdownPct: number;
  readonly #frac: number;
  #peak = NaN;
  #last = NaN;

  constructor(opts: DrawdownOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'max-drawdown', action: 'flatten', coolDownMs: null }));
    positive(`${this.name}.maxDrawdownPct`, opts.maxDrawdownPct);
    this.maxDrawdownPct = opts.maxDrawdownPct;
    this.#frac = opts.maxDrawdownPct / 100;
  }

  get peakEquity(): number {
    return this.#peak;
  }

  onEquity(_tsMs: number, equity: number): string | null {
    this.#last = equity;
    if (!(equity <= this.#peak)) this.#peak = equity;
    const peak = this.#peak;
    if (!(peak > 0)) return null;
    const dd = peak - equity;
    if (!(dd > this.#frac * peak)) return null;
    return `equity ${money(equity)} is ${pct((dd / peak) * 100)} below the peak ${money(peak)}, max drawdown ${pct(this.maxDrawdownPct)}`;
  }

  rearm(_tsMs: number): void {
    if (!Number.isNaN(this.#last)) this.#peak = this.#last;
  }
}
