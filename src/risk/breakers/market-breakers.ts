// Breakers on market data: a volatility spike, stale data; and the manual kill switch.
import { toIso } from '../../core/time.ts';
import { times } from '../checks/format.ts';
import { ConfigError } from '../../core/errors.ts';
import { positive, positiveInt, resolveOptions } from './common.ts';
import type { BreakerAction, BreakerOptions, CircuitBreaker } from './types.ts';

export interface VolatilitySpikeOptions extends BreakerOptions {
  /** Returns in the short (recent) window. */
  readonly shortWindow: number;
  /** Returns in the baseline window, the ones just before the short window. */
  readonly longWindow: number;
  /** Trips when short-window vol is more than this multiple of the baseline vol. */
  readonly multiple: number;
  /** Only these symbols (default: every symbol seen). */
  readonly symbols?: readonly string[];
}

/** Squared log returns of one symbol: a ring of short + long returns and the two window sums. */
class ReturnWindows {
  prev = NaN;
  readonly ring: Float64Array;
  i = 0;
  n = 0;
  shortSum = 0;
  longSum = 0;
  constructor(size: number) {
    this.ring = new Float64Array(size);
  }
  clear(): void {
    this.ring.fill(0);
    this.i = 0;
    this.n = 0;
    this.shortSum = 0;
    this.longSum = 0;
  }
}

/**
 * Realized volatility (root mean square of log returns between consecutive prices of a symbol) over
 * the latest `shortWindow` returns against the `longWindow` returns before them. Trips when
 * short > multiple × baseline once both windows are full; a zero baseline never trips. A reset
 * empties the windows (they refill before it can trip again).
 */
export class VolatilitySpikeBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly shortWindow: number;
  readonly longWindow: number;
  readonly multiple: number;
  readonly #only: ReadonlySet<string> | null;
  readonly #m2: number;
  readonly #bySymbol = new Map<string, ReturnWindows>();

  constructor(opts: VolatilitySpikeOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'volatility-spike', action: 'reduce-only', coolDownMs: 900_000 }));
    positiveInt(`${this.name}.shortWindow`, opts.shortWindow);
    positiveInt(`${this.name}.longWindow`, opts.longWindow);
    positive(`${this.name}.multiple`, opts.multiple);
    this.shortWindow = opts.shortWindow;
    this.longWindow = opts.longWindow;
    this.multiple = opts.multiple;
    this.#m2 = opts.multiple * opts.multiple;
    this.#only = opts.symbols !== undefined && opts.symbols.length > 0 ? new Set(opts.symbols) : null;
  }

  /** Short-window and baseline vol of a symbol (per return, not annualized); NaN until both are full. */
  vols(symbol: string): { short: number; baseline: number } {
    const w = this.#bySymbol.get(symbol);
    if (w === undefined || w.n < w.ring.length) return { short: NaN, baseline: NaN };
    return { short: Math.sqrt(w.shortSum / this.shortWindow), baseline: Math.sqrt(w.longSum / this.longWindow) };
  }

  onMarketData(symbol: string, _tsMs: number, price: number): string | null {
    if (!(price > 0) || (this.#only !== null && !this.#only.has(symbol))) return null;
    let w = this.#bySymbol.get(symbol);
    if (w === undefined) {
      w = new ReturnWindows(this.shortWindow + this.longWindow);
      this.#bySymbol.set(symbol, w);
    }
    const prev = w.prev;
    w.prev = price;
    if (!(prev > 0)) return null;
    const r = Math.log(price / prev);
    this.#push(w, r * r);
    if (w.n < w.ring.length || !(w.longSum > 0)) return null;
    const s = w.shortSum / this.shortWindow;
    const b = w.longSum / this.longWindow;
    if (!(s > this.#m2 * b)) return null;
    const sv = Math.sqrt(s);
    const bv = Math.sqrt(b);
    return `${symbol} realized volatility ${volPct(sv)} over the last ${this.shortWindow} returns is ${times(sv / bv)} the baseline ${volPct(bv)} over the ${this.longWindow} before, max ${times(this.multiple)}`;
  }

  #push(w: ReturnWindows, x: number): void {
    const size = w.ring.length;
    const ring = w.ring;
    const i = w.i;
    // The oldest value leaves the baseline; the one `shortWindow` back moves from short to baseline.
    const j = i - this.shortWindow < 0 ? i - this.shortWindow + size : i - this.shortWindow;
    w.longSum += ring[j]! - ring[i]!;
    w.shortSum += x - ring[j]!;
    ring[i] = x;
    if (w.n < size) w.n++;
    w.i = i + 1 === size ? 0 : i + 1;
    if (w.i === 0) {
      // Exact sums once per lap, so rounding in the running sums cannot build up.
      let b = 0;
      for (let k = 0; k < this.longWindow; k++) b += ring[k]!;
      let s = 0;
      for (let k = this.longWindow; k < size; k++) s += ring[k]!;
      w.longSum = b;
      w.shortSum = s;
    }
  }

  rearm(): void {
    for (const w of this.#bySymbol.values()) w.clear();
  }
}

function volPct(v: number): string {
  return `${Number((v * 100).toPrecision(3))}%`;
}

export interface StaleDataOptions extends BreakerOptions {
  /** Trips when no market data arrived for more than this many ms. */
  readonly maxAgeMs: number;
  /** Each of these symbols must be fresh (default: any market data counts). */
  readonly symbols?: readonly string[];
}

/**
 * Trips (on check) when more than `maxAgeMs` passed since the last market data: of any symbol, or,
 * with `symbols`, of any listed symbol. The clock starts at the first timestamp the breaker sees,
 * so a feed that never sends trips too. A reset gives the feed another `maxAgeMs`.
 */
export class StaleDataBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;
  readonly maxAgeMs: number;
  /** Last data time per watched symbol, or one entry under '' for any symbol. */
  readonly #lastMs = new Map<string, number>();
  readonly #perSymbol: boolean;

  constructor(opts: StaleDataOptions) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'stale-data', action: 'halt', coolDownMs: 60_000 }));
    positive(`${this.name}.maxAgeMs`, opts.maxAgeMs);
    this.maxAgeMs = opts.maxAgeMs;
    const symbols = opts.symbols ?? [];
    this.#perSymbol = symbols.length > 0;
    if (symbols.includes('')) throw new ConfigError('a symbol cannot be empty', { field: `${this.name}.symbols` });
    for (const s of this.#perSymbol ? symbols : ['']) this.#lastMs.set(s, NaN);
  }

  onMarketData(symbol: string, tsMs: number, _price: number): string | null {
    const key = this.#perSymbol ? symbol : '';
    const last = this.#lastMs.get(key);
    if (last !== undefined && !(tsMs <= last)) this.#lastMs.set(key, tsMs);
    return null;
  }

  poll(tsMs: number): string | null {
    let worst = '';
    let worstAge = -Infinity;
    for (const [s, last] of this.#lastMs) {
      if (Number.isNaN(last)) {
        this.#lastMs.set(s, tsMs);
        continue;
      }
      const age = tsMs - last;
      if (age > worstAge) {
        worstAge = age;
        worst = s;
      }
    }
    if (!(worstAge > this.maxAgeMs)) return null;
    const since = toIso(tsMs - worstAge);
    return this.#perSymbol
      ? `no market data for ${worst} for ${worstAge} ms (since ${since}), max ${this.maxAgeMs} ms`
      : `no market data for ${worstAge} ms (since ${since}), max ${this.maxAgeMs} ms`;
  }

  rearm(tsMs: number): void {
    for (const [s, last] of this.#lastMs) if (!(last >= tsMs)) this.#lastMs.set(s, tsMs);
  }
}

/** Trips only by hand (CircuitBreakerSet.trip): an operator's kill switch. */
export class ManualBreaker implements CircuitBreaker {
  readonly name: string;
  readonly action: BreakerAction;
  readonly coolDownMs: number | null;

  constructor(opts: BreakerOptions = {}) {
    ({ name: this.name, action: this.action, coolDownMs: this.coolDownMs } = resolveOptions(opts, { name: 'kill-switch', action: 'halt', coolDownMs: null }));
  }

  rearm(): void {}
}
