// Volume: OBV, Accumulation/Distribution, Chaikin oscillator, Chaikin money flow, session and anchored VWAP.
import { StreamingIndicator } from './base.ts';
import { checkPeriod, type BarInput, type CV, type HLCV } from './indicator.ts';
import { MS_PER_DAY, MS_PER_MINUTE } from '../core/time.ts';
import { RingWindow } from './window.ts';

/** On-balance volume (TA-Lib OBV): starts at the first bar's volume, then ± volume as the close rises/falls. */
export class OBV extends StreamingIndicator<CV, number> {
  readonly warmupPeriod = 1;
  #obv = 0;
  #prevClose = NaN;
  #b0 = 0;
  #b1 = NaN;

  protected step(bar: CV, replace: boolean): number {
    if (replace) {
      this.#obv = this.#b0;
      this.#prevClose = this.#b1;
    } else {
      this.#b0 = this.#obv;
      this.#b1 = this.#prevClose;
    }
    const pc = this.#prevClose;
    this.#prevClose = bar.close;
    if (Number.isNaN(pc)) return (this.#obv = bar.volume);
    if (bar.close > pc) this.#obv += bar.volume;
    else if (bar.close < pc) this.#obv -= bar.volume;
    return this.#obv;
  }

  protected clear(): void {
    this.#obv = 0;
    this.#prevClose = NaN;
    this.#b0 = 0;
    this.#b1 = NaN;
  }
}

/** Close location value × volume: ((c − l) − (h − c))/(h − l)·v, 0 when h = l. */
function moneyFlowVolume(bar: HLCV): number {
  const range = bar.high - bar.low;
  return range > 0 ? ((bar.close - bar.low - (bar.high - bar.close)) / range) * bar.volume : 0;
}

/** Chaikin Accumulation/Distribution line: the running sum of money-flow volume (TA-Lib AD). */
export class AD extends StreamingIndicator<HLCV, number> {
  readonly warmupPeriod = 1;
  #ad = 0;
  #before = 0;

  protected step(bar: HLCV, replace: boolean): number {
    if (replace) this.#ad = this.#before;
    else this.#before = this.#ad;
    const range = bar.high - bar.low;
    // Adds nothing (not even +0) on a zero range, exactly as TA-Lib.
    if (range > 0) this.#ad += ((bar.close - bar.low - (bar.high - bar.close)) / range) * bar.volume;
    return this.#ad;
  }

  protected clear(): void {
    this.#ad = 0;
    this.#before = 0;
  }
}

/**
 * Chaikin oscillator (TA-Lib ADOSC): EMA(AD, fast) − EMA(AD, slow), both EMAs seeded with the first AD
 * value (not an SMA) and run from the first bar; the first value comes at bar max(fast, slow).
 */
export class ChaikinOsc extends StreamingIndicator<HLCV, number> {
  readonly warmupPeriod: number;
  readonly #kf: number;
  readonly #ks: number;
  // State [ad, fastEma, slowEma] and its copy before the latest step.
  readonly #s = new Float64Array(3);
  readonly #b = new Float64Array(3);

  constructor(
    readonly fastPeriod = 3,
    readonly slowPeriod = 10,
  ) {
    super();
    checkPeriod('ChaikinOsc fastPeriod', fastPeriod);
    checkPeriod('ChaikinOsc slowPeriod', slowPeriod);
    this.warmupPeriod = Math.max(fastPeriod, slowPeriod);
    this.#kf = 2 / (fastPeriod + 1);
    this.#ks = 2 / (slowPeriod + 1);
  }

  protected step(bar: HLCV, replace: boolean): number | null {
    const s = this.#s;
    if (replace) s.set(this.#b);
    else this.#b.set(s);
    const range = bar.high - bar.low;
    let ad = s[0]!;
    if (range > 0) ad += ((bar.close - bar.low - (bar.high - bar.close)) / range) * bar.volume;
    s[0] = ad;
    if (this.n === 1) {
      s[1] = ad;
      s[2] = ad;
    } else {
      s[1] = this.#kf * ad + (1 - this.#kf) * s[1]!;
      s[2] = this.#ks * ad + (1 - this.#ks) * s[2]!;
    }
    return this.n >= this.warmupPeriod ? s[1]! - s[2]! : null;
  }

  protected clear(): void {
    this.#s.fill(0);
    this.#b.fill(0);
  }
}

/** Chaikin money flow: Σ money-flow volume / Σ volume over `period` bars; 0 without volume. */
export class CMF extends StreamingIndicator<HLCV, number> {
  readonly warmupPeriod: number;
  readonly #mfv: RingWindow;
  readonly #v: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('CMF', period);
    this.#mfv = new RingWindow(period);
    this.#v = new RingWindow(period);
  }

  protected step(bar: HLCV, replace: boolean): number | null {
    this.#mfv.put(moneyFlowVolume(bar), replace);
    this.#v.put(bar.volume, replace);
    if (!this.#v.isFull) return null;
    const v = this.#v.sum();
    return v !== 0 ? this.#mfv.sum() / v : 0;
  }

  protected clear(): void {
    this.#mfv.clear();
    this.#v.clear();
  }
}

/** Cumulative Σ(tp·volume)/Σvolume with tp = (high + low + close)/3; tp itself while Σvolume is 0. */
abstract class CumulativeVwap extends StreamingIndicator<BarInput, number> {
  readonly warmupPeriod: number = 1;
  // State [sessionKey, Σpv, Σv] and its copy before the latest step.
  protected readonly s = new Float64Array([NaN, 0, 0]);
  readonly #b = new Float64Array([NaN, 0, 0]);

  /** Restores (replace) or saves (update) the state; every step calls it first. */
  protected begin(replace: boolean): void {
    if (replace) this.s.set(this.#b);
    else this.#b.set(this.s);
  }

  protected accumulate(bar: BarInput, key: number): number {
    const s = this.s;
    if (key !== s[0]) {
      s[0] = key;
      s[1] = 0;
      s[2] = 0;
    }
    const tp = (bar.high + bar.low + bar.close) / 3;
    const pv = (s[1] = s[1]! + tp * bar.volume);
    const v = (s[2] = s[2]! + bar.volume);
    return v !== 0 ? pv / v : tp;
  }

  protected clear(): void {
    this.s.set([NaN, 0, 0]);
    this.#b.set([NaN, 0, 0]);
  }
}

/**
 * Session VWAP: restarts at every session start. Sessions are UTC days shifted by `sessionOffsetMinutes`
 * (e.g. 1320 starts sessions at 22:00 UTC). Bars need `tsEventMs`; without it the VWAP never restarts.
 */
export class SessionVWAP extends CumulativeVwap {
  readonly #offsetMs: number;

  constructor(readonly sessionOffsetMinutes = 0) {
    super();
    if (!Number.isFinite(sessionOffsetMinutes)) throw new RangeError('SessionVWAP: sessionOffsetMinutes must be finite');
    this.#offsetMs = sessionOffsetMinutes * MS_PER_MINUTE;
  }

  protected step(bar: BarInput, replace: boolean): number {
    const t = bar.tsEventMs;
    const key = t === undefined ? 0 : Math.floor((t - this.#offsetMs) / MS_PER_DAY);
    this.begin(replace);
    return this.accumulate(bar, key);
  }
}

/**
 * Anchored VWAP: accumulates from the first bar at or after `anchorMs` (epoch ms UTC); null before it.
 * `warmupPeriod` (1) counts from the anchor. Bars without `tsEventMs` count as after the anchor.
 */
export class AnchoredVWAP extends CumulativeVwap {
  constructor(readonly anchorMs = 0) {
    super();
  }

  protected step(bar: BarInput, replace: boolean): number | null {
    this.begin(replace);
    const t = bar.tsEventMs;
    if (t !== undefined && t < this.anchorMs) return null;
    return this.accumulate(bar, 0);
  }
}
