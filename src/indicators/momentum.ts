// Momentum family: ROC, Momentum, MACD, PPO and TRIX (TA-Lib conventions).
import { StreamingIndicator } from './base.ts';
import { EMA } from './ema.ts';
import { checkPeriod, feed, type Indicator } from './indicator.ts';
import { SMA } from './sma.ts';
import { SeededSmoothing } from './smoothing.ts';
import { RingWindow } from './window.ts';

/** Rate of change in percent: 100·(x/x[−period] − 1); 0 when x[−period] is 0 (TA-Lib ROC). */
export class ROC extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;

  constructor(readonly period = 10) {
    super();
    checkPeriod('ROC', period);
    this.warmupPeriod = period + 1;
    this.#w = new RingWindow(period + 1);
  }

  protected step(x: number, replace: boolean): number | null {
    this.#w.put(x, replace);
    if (!this.#w.isFull) return null;
    const old = this.#w.at(0);
    return old !== 0 ? (x / old - 1) * 100 : 0;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** Momentum: x − x[−period] (TA-Lib MOM). */
export class Momentum extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;

  constructor(readonly period = 10) {
    super();
    checkPeriod('Momentum', period);
    this.warmupPeriod = period + 1;
    this.#w = new RingWindow(period + 1);
  }

  protected step(x: number, replace: boolean): number | null {
    this.#w.put(x, replace);
    return this.#w.isFull ? x - this.#w.at(0) : null;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

function smoother(period: number): SeededSmoothing {
  return new SeededSmoothing(period, 2 / (period + 1));
}

/**
 * MACD = EMA(fast) − EMA(slow); signal = EMA(macd, signal); histogram = macd − signal. As in TA-Lib,
 * both EMAs start together at input `slow`: the fast EMA is seeded with the mean of the `fast` inputs
 * ending there (not of the first `fast` inputs), and all three outputs appear at input slow+signal−1.
 */
export class MACD extends StreamingIndicator<number, MacdValue> {
  readonly warmupPeriod: number;
  readonly #fast: SeededSmoothing;
  readonly #slow: SeededSmoothing;
  readonly #signal: SeededSmoothing;
  readonly #skip: number;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
  ) {
    super();
    checkPeriod('MACD fastPeriod', fastPeriod);
    checkPeriod('MACD slowPeriod', slowPeriod);
    checkPeriod('MACD signalPeriod', signalPeriod);
    if (fastPeriod >= slowPeriod) {
      throw new RangeError(`MACD: fastPeriod must be below slowPeriod, got ${fastPeriod} >= ${slowPeriod}`);
    }
    this.warmupPeriod = slowPeriod + signalPeriod - 1;
    this.#fast = smoother(fastPeriod);
    this.#slow = smoother(slowPeriod);
    this.#signal = smoother(signalPeriod);
    this.#skip = slowPeriod - fastPeriod;
  }

  protected step(x: number, replace: boolean): MacdValue | null {
    const s = replace ? this.#slow.replace(x) : this.#slow.update(x);
    if (this.n <= this.#skip) return null;
    const f = replace ? this.#fast.replace(x) : this.#fast.update(x);
    if (s === null || f === null) return null;
    const macd = f - s;
    const signal = replace ? this.#signal.replace(macd) : this.#signal.update(macd);
    return signal === null ? null : { macd, signal, histogram: macd - signal };
  }

  protected clear(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
  }
}

export type MaKind = 'ema' | 'sma';

function movingAverage(kind: MaKind, period: number): Indicator {
  return kind === 'sma' ? new SMA(period) : new EMA(period);
}

/**
 * Percentage price oscillator: 100·(MA(fast) − MA(slow))/MA(slow), independent SMA-seeded EMAs (or SMAs);
 * 0 when MA(slow) is 0. Equals TA-Lib PPO with the same MA type (TA-Lib's default MA type is SMA).
 */
export class PPO extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #fast: Indicator;
  readonly #slow: Indicator;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly ma: MaKind = 'ema',
  ) {
    super();
    checkPeriod('PPO fastPeriod', fastPeriod);
    checkPeriod('PPO slowPeriod', slowPeriod);
    if (fastPeriod >= slowPeriod) {
      throw new RangeError(`PPO: fastPeriod must be below slowPeriod, got ${fastPeriod} >= ${slowPeriod}`);
    }
    this.warmupPeriod = slowPeriod;
    this.#fast = movingAverage(ma, fastPeriod);
    this.#slow = movingAverage(ma, slowPeriod);
  }

  protected step(x: number, replace: boolean): number | null {
    const f = feed(this.#fast, x, replace);
    const s = feed(this.#slow, x, replace);
    if (f === null || s === null) return null;
    return s !== 0 ? ((f - s) / s) * 100 : 0;
  }

  protected clear(): void {
    this.#fast.reset();
    this.#slow.reset();
  }
}

/** TRIX: 1-period rate of change (percent) of a triple SMA-seeded EMA (TA-Lib TRIX). */
export class TRIX extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #e1: EMA;
  readonly #e2: EMA;
  readonly #e3: EMA;
  #prev = NaN;
  #prevBefore = NaN;

  constructor(readonly period = 15) {
    super();
    checkPeriod('TRIX', period);
    this.warmupPeriod = 3 * period - 1;
    this.#e1 = new EMA(period);
    this.#e2 = new EMA(period);
    this.#e3 = new EMA(period);
  }

  protected step(x: number, replace: boolean): number | null {
    const a = feed(this.#e1, x, replace);
    if (a === null) return null;
    const b = feed(this.#e2, a, replace);
    if (b === null) return null;
    const c = feed(this.#e3, b, replace);
    if (c === null) return null;
    if (!replace) this.#prevBefore = this.#prev;
    const prev = this.#prevBefore;
    this.#prev = c;
    if (Number.isNaN(prev)) return null;
    return prev !== 0 ? (c / prev - 1) * 100 : 0;
  }

  protected clear(): void {
    this.#e1.reset();
    this.#e2.reset();
    this.#e3.reset();
    this.#prev = NaN;
    this.#prevBefore = NaN;
  }
}
