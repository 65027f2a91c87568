// Range oscillators: Stochastic, Stochastic RSI, Williams %R, CCI and MFI (TA-Lib conventions).
import { StreamingIndicator } from './base.ts';
import { checkPeriod, feed, type HLC, type HLCV } from './indicator.ts';
import { RSI } from './rsi.ts';
import { SMA } from './sma.ts';
import { RingWindow } from './window.ts';

export interface StochValue {
  readonly k: number;
  readonly d: number;
}

/**
 * Slow stochastic (TA-Lib STOCH with SMA smoothing): fastK = 100·(close − LL)/(HH − LL) over `kPeriod`
 * bars (0 when HH = LL), k = SMA(fastK, kSmooth), d = SMA(k, dPeriod).
 */
export class Stochastic extends StreamingIndicator<HLC, StochValue> {
  readonly warmupPeriod: number;
  readonly #hi: RingWindow;
  readonly #lo: RingWindow;
  readonly #k: SMA;
  readonly #d: SMA;

  constructor(
    readonly kPeriod = 14,
    readonly kSmooth = 3,
    readonly dPeriod = 3,
  ) {
    super();
    checkPeriod('Stochastic kPeriod', kPeriod);
    checkPeriod('Stochastic kSmooth', kSmooth);
    checkPeriod('Stochastic dPeriod', dPeriod);
    this.warmupPeriod = kPeriod + kSmooth + dPeriod - 2;
    this.#hi = new RingWindow(kPeriod);
    this.#lo = new RingWindow(kPeriod);
    this.#k = new SMA(kSmooth);
    this.#d = new SMA(dPeriod);
  }

  protected step(bar: HLC, replace: boolean): StochValue | null {
    this.#hi.put(bar.high, replace);
    this.#lo.put(bar.low, replace);
    if (!this.#hi.isFull) return null;
    const k = feed(this.#k, stochK(bar.close, this.#hi.max(), this.#lo.min()), replace);
    if (k === null) return null;
    const d = feed(this.#d, k, replace);
    return d === null ? null : { k, d };
  }

  protected clear(): void {
    this.#hi.clear();
    this.#lo.clear();
    this.#k.reset();
    this.#d.reset();
  }
}

/** 100·(x − lo)/(hi − lo) in TA-Lib's arithmetic, 0 on a flat range. */
function stochK(x: number, hi: number, lo: number): number {
  const diff = (hi - lo) / 100;
  return diff !== 0 ? (x - lo) / diff : 0;
}

/**
 * Stochastic RSI (TA-Lib STOCHRSI, SMA for %D): k = 100·(RSI − min RSI)/(max RSI − min RSI) over
 * `kPeriod` RSI values (0 on a flat range), d = SMA(k, dPeriod). %K is not smoothed, as in TA-Lib.
 */
export class StochRSI extends StreamingIndicator<number, StochValue> {
  readonly warmupPeriod: number;
  readonly #rsi: RSI;
  readonly #w: RingWindow;
  readonly #d: SMA;

  constructor(
    readonly rsiPeriod = 14,
    readonly kPeriod = 14,
    readonly dPeriod = 3,
  ) {
    super();
    checkPeriod('StochRSI rsiPeriod', rsiPeriod);
    checkPeriod('StochRSI kPeriod', kPeriod);
    checkPeriod('StochRSI dPeriod', dPeriod);
    this.#rsi = new RSI(rsiPeriod);
    this.warmupPeriod = this.#rsi.warmupPeriod + kPeriod + dPeriod - 2;
    this.#w = new RingWindow(kPeriod);
    this.#d = new SMA(dPeriod);
  }

  protected step(x: number, replace: boolean): StochValue | null {
    const r = feed(this.#rsi, x, replace);
    if (r === null) return null;
    const w = this.#w;
    w.put(r, replace);
    if (!w.isFull) return null;
    const k = stochK(r, w.max(), w.min());
    const d = feed(this.#d, k, replace);
    return d === null ? null : { k, d };
  }

  protected clear(): void {
    this.#rsi.reset();
    this.#w.clear();
    this.#d.reset();
  }
}

/** Williams %R = −100·(HH − close)/(HH − LL) over `period` bars, in [−100, 0]; 0 on a flat range. */
export class WilliamsR extends StreamingIndicator<HLC, number> {
  readonly warmupPeriod: number;
  readonly #hi: RingWindow;
  readonly #lo: RingWindow;

  constructor(readonly period = 14) {
    super();
    this.warmupPeriod = checkPeriod('WilliamsR', period);
    this.#hi = new RingWindow(period);
    this.#lo = new RingWindow(period);
  }

  protected step(bar: HLC, replace: boolean): number | null {
    this.#hi.put(bar.high, replace);
    this.#lo.put(bar.low, replace);
    if (!this.#hi.isFull) return null;
    const hh = this.#hi.max();
    const diff = (hh - this.#lo.min()) / -100;
    return diff !== 0 ? (hh - bar.close) / diff : 0;
  }

  protected clear(): void {
    this.#hi.clear();
    this.#lo.clear();
  }
}

/**
 * Commodity Channel Index: (tp − mean)/(0.015 · mean absolute deviation) over `period` typical prices
 * tp = (high + low + close)/3; 0 when either factor is 0 (TA-Lib CCI).
 */
export class CCI extends StreamingIndicator<HLC, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('CCI', period);
    this.#w = new RingWindow(period);
  }

  protected step(bar: HLC, replace: boolean): number | null {
    const tp = (bar.high + bar.low + bar.close) / 3;
    const w = this.#w;
    w.put(tp, replace);
    if (!w.isFull) return null;
    const p = this.period;
    const mean = w.sum() / p;
    const { buf } = w;
    let dev = 0;
    for (let i = 0; i < p; i++) dev += Math.abs(buf[i]! - mean);
    const d = tp - mean;
    return d !== 0 && dev !== 0 ? d / (0.015 * (dev / p)) : 0;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/**
 * Money Flow Index: 100·Σ positive flow / Σ all flow over `period` bars, flow = tp·volume signed by the
 * change of tp = (high + low + close)/3 (unchanged tp: no flow); 0 when there is no flow at all.
 */
export class MFI extends StreamingIndicator<HLCV, number> {
  readonly warmupPeriod: number;
  readonly #pos: RingWindow;
  readonly #neg: RingWindow;
  #prevTp = NaN;
  #prevTpBefore = NaN;

  constructor(readonly period = 14) {
    super();
    checkPeriod('MFI', period);
    this.warmupPeriod = period + 1;
    this.#pos = new RingWindow(period);
    this.#neg = new RingWindow(period);
  }

  protected step(bar: HLCV, replace: boolean): number | null {
    const tp = (bar.high + bar.low + bar.close) / 3;
    if (!replace) this.#prevTpBefore = this.#prevTp;
    const prev = this.#prevTpBefore;
    this.#prevTp = tp;
    if (Number.isNaN(prev)) return null;
    const flow = tp * bar.volume;
    const change = tp - prev;
    this.#pos.put(change > 0 ? flow : 0, replace);
    this.#neg.put(change < 0 ? flow : 0, replace);
    if (!this.#pos.isFull) return null;
    const pos = this.#pos.sum();
    const total = pos + this.#neg.sum();
    return total !== 0 ? 100 * (pos / total) : 0;
  }

  protected clear(): void {
    this.#pos.clear();
    this.#neg.clear();
    this.#prevTp = NaN;
    this.#prevTpBefore = NaN;
  }
}
