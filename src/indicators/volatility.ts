// Range and dispersion: True Range, ATR, NATR, Variance, StdDev, Z-score, Bollinger, Keltner, Donchian.
import { StreamingIndicator } from './base.ts';
import { EMA } from './ema.ts';
import { checkPeriod, feed, type HL, type HLC } from './indicator.ts';
import { SMA } from './sma.ts';
import { SeededSmoothing } from './smoothing.ts';
import { RingWindow } from './window.ts';
import { RollingSpread } from './rolling-spread.ts';

/** max(high − low, |high − prevClose|, |low − prevClose|), in TA-Lib's order of comparisons. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const a = Math.abs(high - prevClose);
  if (a > tr) tr = a;
  const b = Math.abs(low - prevClose);
  if (b > tr) tr = b;
  return tr;
}

/** True Range; as TA-Lib TRANGE it needs a previous close, so the first value comes at the second bar. */
export class TrueRange extends StreamingIndicator<HLC, number> {
  readonly warmupPeriod = 2;
  #prevClose = NaN;
  #prevCloseBefore = NaN;

  protected step(bar: HLC, replace: boolean): number | null {
    if (!replace) this.#prevCloseBefore = this.#prevClose;
    const pc = this.#prevCloseBefore;
    this.#prevClose = bar.close;
    return Number.isNaN(pc) ? null : trueRange(bar.high, bar.low, pc);
  }

  protected clear(): void {
    this.#prevClose = NaN;
    this.#prevCloseBefore = NaN;
  }
}

/** Average True Range: Wilder smoothing (SMMA, SMA-seeded) of the True Range from the second bar on (TA-Lib ATR). */
export class ATR extends StreamingIndicator<HLC, number> {
  readonly warmupPeriod: number;
  readonly #tr = new TrueRange();
  readonly #s: SeededSmoothing;

  constructor(readonly period = 14) {
    super();
    checkPeriod('ATR', period);
    this.warmupPeriod = period + 1;
    this.#s = new SeededSmoothing(period, 1 / period);
  }

  protected step(bar: HLC, replace: boolean): number | null {
    const tr = feed(this.#tr, bar, replace);
    if (tr === null) return null;
    return replace ? this.#s.replace(tr) : this.#s.update(tr);
  }

  protected clear(): void {
    this.#tr.reset();
    this.#s.reset();
  }
}

/** Normalized ATR: 100·ATR/close; 0 when close is 0 (TA-Lib NATR). */
export class NATR extends StreamingIndicator<HLC, number> {
  readonly warmupPeriod: number;
  readonly #atr: ATR;

  constructor(readonly period = 14) {
    super();
    this.#atr = new ATR(period);
    this.warmupPeriod = this.#atr.warmupPeriod;
  }

  protected step(bar: HLC, replace: boolean): number | null {
    const atr = feed(this.#atr, bar, replace);
    if (atr === null) return null;
    return bar.close !== 0 ? (atr / bar.close) * 100 : 0;
  }

  protected clear(): void {
    this.#atr.reset();
  }
}

/** Population variance of a full window, two-pass (mean given), summed oldest to newest. */
function windowVariance(w: RingWindow, mean: number): number {
  const { buf, size } = w;
  let s = 0;
  let k = w.start;
  for (let i = 0; i < size; i++) {
    const d = buf[k]! - mean;
    s += d * d;
    if (++k === size) k = 0;
  }
  return s / size;
}

/** Rolling population variance over `period` inputs (TA-Lib VAR). */
export class Variance extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('Variance', period);
    this.#w = new RingWindow(period);
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    return windowVariance(w, w.sum() / this.period);
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** Rolling population standard deviation over `period` inputs (TA-Lib STDDEV with nbdev 1). */
export class StdDev extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #var: Variance;

  constructor(readonly period = 20) {
    super();
    this.#var = new Variance(period);
    this.warmupPeriod = this.#var.warmupPeriod;
  }

  protected step(x: number, replace: boolean): number | null {
    const v = feed(this.#var, x, replace);
    return v === null ? null : Math.sqrt(v);
  }

  protected clear(): void {
    this.#var.reset();
  }
}

/** Z-score of the latest input within its window: (x − mean)/population stddev; 0 on a flat window. */
export class ZScore extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('ZScore', period, 2);
    this.#w = new RingWindow(period);
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    const mean = w.sum() / this.period;
    const sd = Math.sqrt(windowVariance(w, mean));
    return sd !== 0 ? (x - mean) / sd : 0;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

export interface BandsValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/** Bollinger Bands: SMA(period) ± mult·population stddev (TA-Lib BBANDS with SMA and nbdevup = nbdevdn). */
export class Bollinger extends StreamingIndicator<number, BandsValue> {
  readonly warmupPeriod: number;
  readonly #sma: SMA;
  readonly #spread: RollingSpread;

  constructor(
    readonly period = 20,
    readonly mult = 2,
  ) {
    super();
    this.#sma = new SMA(period);
    this.warmupPeriod = this.#sma.warmupPeriod;
    this.#spread = new RollingSpread(period);
  }

  protected step(x: number, replace: boolean): BandsValue | null {
    const mid = feed(this.#sma, x, replace);
    this.#spread.put(x, replace);
    if (mid === null) return null;
    const dev = Math.sqrt(this.#spread.variance()) * this.mult;
    return { upper: mid + dev, middle: mid, lower: mid - dev };
  }

  protected clear(): void {
    this.#sma.reset();
    this.#spread.reset();
  }
}

/** Keltner Channels: EMA(close, period) ± mult·ATR(atrPeriod). */
export class Keltner extends StreamingIndicator<HLC, BandsValue> {
  readonly warmupPeriod: number;
  readonly #ema: EMA;
  readonly #atr: ATR;

  constructor(
    readonly period = 20,
    readonly atrPeriod = 10,
    readonly mult = 2,
  ) {
    super();
    this.#ema = new EMA(period);
    this.#atr = new ATR(atrPeriod);
    this.warmupPeriod = Math.max(this.#ema.warmupPeriod, this.#atr.warmupPeriod);
  }

  protected step(bar: HLC, replace: boolean): BandsValue | null {
    const mid = feed(this.#ema, bar.close, replace);
    const atr = feed(this.#atr, bar, replace);
    if (mid === null || atr === null) return null;
    const dev = this.mult * atr;
    return { upper: mid + dev, middle: mid, lower: mid - dev };
  }

  protected clear(): void {
    this.#ema.reset();
    this.#atr.reset();
  }
}

/** Donchian Channels: highest high and lowest low of `period` bars, middle their average. */
export class Donchian extends StreamingIndicator<HL, BandsValue> {
  readonly warmupPeriod: number;
  readonly #hi: RingWindow;
  readonly #lo: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('Donchian', period);
    this.#hi = new RingWindow(period);
    this.#lo = new RingWindow(period);
  }

  protected step(bar: HL, replace: boolean): BandsValue | null {
    this.#hi.put(bar.high, replace);
    this.#lo.put(bar.low, replace);
    if (!this.#hi.isFull) return null;
    const upper = this.#hi.max();
    const lower = this.#lo.min();
    return { upper, middle: (upper + lower) / 2, lower };
  }

  protected clear(): void {
    this.#hi.clear();
    this.#lo.clear();
  }
}
