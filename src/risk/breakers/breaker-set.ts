// CircuitBreakerSet: runs breakers on the inputs the engine passes in, keeps which are tripped,
// resets them after their cool-down or by hand, and tells subscribers. Pure and deterministic: all
// time comes from the timestamps passed in.
import { ConfigError, InputError } from '../../core/errors.ts';
import type { BreakerAction, BreakerEvent, BreakerState, CircuitBreaker, TrippedBreaker } from './types.ts';

interface Slot {
  readonly breaker: CircuitBreaker;
  trip: TrippedBreaker | null;
}

export type BreakerListener = (event: BreakerEvent) => void;

export interface CircuitBreakerSetOptions {
  /** Receives every trip and reset (the same as subscribe). */
  readonly onEvent?: BreakerListener;
}

export class CircuitBreakerSet {
  readonly #slots: Slot[];
  readonly #byName = new Map<string, Slot>();
  readonly #equity: Slot[];
  readonly #trades: Slot[];
  readonly #market: Slot[];
  readonly #orders: Slot[];
  readonly #polls: Slot[];
  readonly #listeners: BreakerListener[] = [];
  #tripped = 0;
  #halts = 0;
  #reducing = 0;
  #flattens = 0;

  constructor(breakers: readonly CircuitBreaker[], opts: CircuitBreakerSetOptions = {}) {
    this.#slots = breakers.map((breaker) => ({ breaker, trip: null }));
    for (const s of this.#slots) {
      if (this.#byName.has(s.breaker.name)) throw new ConfigError(`two circuit breakers are named "${s.breaker.name}"`, { field: 'name' });
      this.#byName.set(s.breaker.name, s);
    }
    this.#equity = this.#slots.filter((s) => s.breaker.onEquity !== undefined);
    this.#trades = this.#slots.filter((s) => s.breaker.onTradeClosed !== undefined);
    this.#market = this.#slots.filter((s) => s.breaker.onMarketData !== undefined);
    this.#orders = this.#slots.filter((s) => s.breaker.onOrderResult !== undefined);
    this.#polls = this.#slots.filter((s) => s.breaker.poll !== undefined);
    if (opts.onEvent !== undefined) this.#listeners.push(opts.onEvent);
  }

  get breakers(): readonly CircuitBreaker[] {
    return this.#slots.map((s) => s.breaker);
  }

  /** Adds a listener for trips and resets; returns a function that removes it. */
  subscribe(listener: BreakerListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  // ---- inputs ----

  /** Account equity after marking (once per bar or tick, after fills are booked). */
  onEquity(tsMs: number, equity: number): void {
    if (this.#tripped > 0) this.#expire(tsMs);
    const slots = this.#equity;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const why = s.breaker.onEquity!(tsMs, equity);
      if (why !== null && s.trip === null) this.#trip(s, why, tsMs);
    }
  }

  /** A round trip closed with this PnL (net of commissions). */
  onTradeClosed(pnl: number, tsMs: number): void {
    if (this.#tripped > 0) this.#expire(tsMs);
    const slots = this.#trades;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const why = s.breaker.onTradeClosed!(pnl, tsMs);
      if (why !== null && s.trip === null) this.#trip(s, why, tsMs);
    }
  }

  /** A price (bar close or trade) of one symbol. */
  onMarketData(symbol: string, tsMs: number, price: number): void {
    if (this.#tripped > 0) this.#expire(tsMs);
    const slots = this.#market;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const why = s.breaker.onMarketData!(symbol, tsMs, price);
      if (why !== null && s.trip === null) this.#trip(s, why, tsMs);
    }
  }

  /** The venue's answer to an order: ok = accepted (or filled), not ok = rejected or errored. */
  onOrderResult(ok: boolean, tsMs: number): void {
    if (this.#tripped > 0) this.#expire(tsMs);
    const slots = this.#orders;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const why = s.breaker.onOrderResult!(ok, tsMs);
      if (why !== null && s.trip === null) this.#trip(s, why, tsMs);
    }
  }

  /** Time passes: resets breakers whose cool-down is over, then trips time-driven ones (stale data). */
  check(tsMs: number): void {
    if (this.#tripped > 0) this.#expire(tsMs);
    const slots = this.#polls;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const why = s.breaker.poll!(tsMs);
      if (why !== null && s.trip === null) this.#trip(s, why, tsMs);
    }
  }

  // ---- state ----

  get anyTripped(): boolean {
    return this.#tripped > 0;
  }
  get halted(): boolean {
    return this.#halts > 0;
  }
  get reduceOnly(): boolean {
    return this.#reducing > 0;
  }
  get flattenRequested(): boolean {
    return this.#flattens > 0;
  }

  state(): BreakerState {
    const tripped: TrippedBreaker[] = [];
    for (const s of this.#slots) if (s.trip !== null) tripped.push(s.trip);
    return { halted: this.halted, reduceOnly: this.reduceOnly, flattenRequested: this.flattenRequested, tripped };
  }

  /** The trip of one breaker, or null when it is not tripped. */
  tripOf(name: string): TrippedBreaker | null {
    return this.#slot(name).trip;
  }

  /** "name (reason)" of the first tripped breaker with one of these actions, or '' when none. */
  describe(actions: readonly BreakerAction[]): string {
    for (const s of this.#slots) if (s.trip !== null && actions.includes(s.trip.action)) return `${s.trip.breaker} (${s.trip.reason})`;
    return '';
  }

  // ---- manual control ----

  /** Trips a breaker by hand (a kill switch). False when it was already tripped. */
  trip(name: string, reason: string, tsMs: number): boolean {
    const s = this.#slot(name);
    if (s.trip !== null) return false;
    this.#trip(s, `manual: ${reason}`, tsMs);
    return true;
  }

  /** Resets a tripped breaker by hand. False when it was not tripped. */
  reset(name: string, tsMs: number, reason = 'manual reset'): boolean {
    const s = this.#slot(name);
    if (s.trip === null) return false;
    this.#reset(s, reason, tsMs);
    return true;
  }

  /** Resets every tripped breaker; returns how many. */
  resetAll(tsMs: number, reason = 'manual reset'): number {
    let n = 0;
    for (const s of this.#slots) {
      if (s.trip === null) continue;
      this.#reset(s, reason, tsMs);
      n++;
    }
    return n;
  }

  // ---- internals ----

  #slot(name: string): Slot {
    const s = this.#byName.get(name);
    if (s === undefined) throw new InputError(`no circuit breaker named "${name}"; known: ${[...this.#byName.keys()].join(', ')}`, { field: 'breaker' });
    return s;
  }

  #expire(tsMs: number): void {
    for (const s of this.#slots) {
      const t = s.trip;
      if (t === null) continue;
      if (t.resetsAtMs !== null && tsMs >= t.resetsAtMs) {
        this.#reset(s, `cool-down of ${s.breaker.coolDownMs} ms elapsed`, tsMs);
        continue;
      }
      const lapsed = s.breaker.lapsed?.(t.trippedAtMs, tsMs) ?? null;
      if (lapsed !== null) this.#reset(s, lapsed, tsMs);
    }
  }

  #trip(s: Slot, reason: string, tsMs: number): void {
    const b = s.breaker;
    s.trip = { breaker: b.name, action: b.action, reason, trippedAtMs: tsMs, resetsAtMs: b.coolDownMs === null ? null : tsMs + b.coolDownMs };
    this.#count(b.action, 1);
    this.#emit({ type: 'RiskEvent', kind: 'breaker-tripped', breaker: b.name, action: b.action, reason, tsEventMs: tsMs });
  }

  #reset(s: Slot, reason: string, tsMs: number): void {
    const b = s.breaker;
    s.trip = null;
    this.#count(b.action, -1);
    b.rearm(tsMs);
    this.#emit({ type: 'RiskEvent', kind: 'breaker-reset', breaker: b.name, action: b.action, reason, tsEventMs: tsMs });
  }

  #count(action: BreakerAction, d: 1 | -1): void {
    this.#tripped += d;
    switch (action) {
      case 'halt':
        this.#halts += d;
        break;
      case 'flatten':
        this.#flattens += d;
        this.#reducing += d;
        break;
      case 'reduce-only':
        this.#reducing += d;
        break;
    }
  }

  #emit(e: BreakerEvent): void {
    const ls = this.#listeners;
    for (let i = 0; i < ls.length; i++) ls[i]!(e);
  }
}
