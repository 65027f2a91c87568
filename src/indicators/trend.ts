// Trend: DMI (+DI/−DI), ADX, Aroon, Parabolic SAR, SuperTrend and Ichimoku.
import { StreamingIndicator } from './base.ts';
import { checkPeriod, feed, type HL, type HLC } from './indicator.ts';
import { RingWindow } from './window.ts';
import { ATR, trueRange } from './volatility.ts';

/** TA-Lib's TA_IS_ZERO: |x| < 1e-14. */
function isZero(x: number): boolean {
  return x > -1e-14 && x < 1e-14;
}

/**
 * Wilder's directional movement, as TA-Lib PLUS_DI/MINUS_DI/ADX compute it: +DM, −DM and TR are summed
 * over bars 1..period−1, then each bar S ← S − S/period + new. Ready from bar `period` (0-based).
 */
class DirectionalMovement {
  bars = 0;
  plus = 0;
  minus = 0;
  tr = 0;
  #ph = NaN;
  #pl = NaN;
  #pc = NaN;
  // State before the latest step, for replace.
  #b = new Float64Array(7);

  constructor(readonly period: number) {}

  step(bar: HLC, replace: boolean): void {
    const b = this.#b;
    if (replace) {
      this.bars = b[0]!;
      this.plus = b[1]!;
      this.minus = b[2]!;
      this.tr = b[3]!;
      this.#ph = b[4]!;
      this.#pl = b[5]!;
      this.#pc = b[6]!;
    } else {
      b[0] = this.bars;
      b[1] = this.plus;
      b[2] = this.minus;
      b[3] = this.tr;
      b[4] = this.#ph;
      b[5] = this.#pl;
      b[6] = this.#pc;
    }
    const i = this.bars++;
    const { high, low, close } = bar;
    if (i > 0) {
      const diffP = high - this.#ph;
      const diffM = this.#pl - low;
      const pdm = diffP > 0 && diffP > diffM ? diffP : 0;
      const mdm = diffM > 0 && diffP < diffM ? diffM : 0;
      const tr = trueRange(high, low, this.#pc);
      const p = this.period;
      if (i < p) {
        this.plus += pdm;
        this.minus += mdm;
        this.tr += tr;
      } else {
        this.plus = this.plus - this.plus / p + pdm;
        this.minus = this.minus - this.minus / p + mdm;
        this.tr = this.tr - this.tr / p + tr;
      }
    }
    this.#ph = high;
    this.#pl = low;
    this.#pc = close;
  }

  get ready(): boolean {
    return this.bars > this.period;
  }
  get plusDI(): number {
    return isZero(this.tr) ? 0 : 100 * (this.plus / this.tr);
  }
  get minusDI(): number {
    return isZero(this.tr) ? 0 : 100 * (this.minus / this.tr);
  }

  reset(): void {
    this.bars = 0;
    this.plus = 0;
    this.minus = 0;
    this.tr = 0;
    this.#ph = NaN;
    this.#pl = NaN;
    this.#pc = NaN;
  }
}

export interface DmiValue {
  readonly plusDI: number;
  readonly minusDI: number;
}

/** Directional Movement Index: +DI and −DI (TA-Lib PLUS_DI / MINUS_DI); 0 when the smoothed TR is 0. */
export class DMI extends StreamingIndicator<HLC, DmiValue> {
  readonly warmupPeriod: number;
  readonly #dm: DirectionalMovement;

  constructor(readonly period = 14) {
    super();
    checkPeriod('DMI', period, 2);
    this.warmupPeriod = period + 1;
    this.#dm = new DirectionalMovement(period);
  }

  protected step(bar: HLC, replace: boolean): DmiValue | null {
    const dm = this.#dm;
    dm.step(bar, replace);
    return dm.ready ? { plusDI: dm.plusDI, minusDI: dm.minusDI } : null;
  }

  protected clear(): void {
    this.#dm.reset();
  }
}

export interface AdxValue extends DmiValue {
  readonly adx: number;
}

/**
 * Average Directional Index (TA-Lib ADX): DX = 100·|+DI − −DI|/(+DI + −DI); the first ADX is the mean
 * of the first `period` DX values (bar 2·period−1), then ADX ← (ADX·(period−1) + DX)/period. As TA-Lib,
 * a bar whose smoothed TR or DI sum is 0 leaves ADX unchanged. Also reports +DI and −DI.
 */
export class ADX extends StreamingIndicator<HLC, AdxValue> {
  readonly warmupPeriod: number;
  readonly #dm: DirectionalMovement;
  #sumDx = 0;
  #adx = NaN;
  #sumDxBefore = 0;
  #adxBefore = NaN;

  constructor(readonly period = 14) {
    super();
    checkPeriod('ADX', period, 2);
    this.warmupPeriod = 2 * period;
    this.#dm = new DirectionalMovement(period);
  }

  protected step(bar: HLC, replace: boolean): AdxValue | null {
    if (replace) {
      this.#sumDx = this.#sumDxBefore;
      this.#adx = this.#adxBefore;
    } else {
      this.#sumDxBefore = this.#sumDx;
      this.#adxBefore = this.#adx;
    }
    const dm = this.#dm;
    dm.step(bar, replace);
    if (!dm.ready) return null;
    const p = this.period;
    const i = dm.bars - 1;
    let dx = NaN;
    if (!isZero(dm.tr)) {
      const minusDI = 100 * (dm.minus / dm.tr);
      const plusDI = 100 * (dm.plus / dm.tr);
      const sum = minusDI + plusDI;
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDI - plusDI) / sum);
    }
    if (i < 2 * p - 1) {
      if (!Number.isNaN(dx)) this.#sumDx += dx;
      return null;
    }
    if (i === 2 * p - 1) {
      if (!Number.isNaN(dx)) this.#sumDx += dx;
      this.#adx = this.#sumDx / p;
    } else if (!Number.isNaN(dx)) {
      this.#adx = (this.#adx * (p - 1) + dx) / p;
    }
    return { adx: this.#adx, plusDI: dm.plusDI, minusDI: dm.minusDI };
  }

  protected clear(): void {
    this.#dm.reset();
    this.#sumDx = 0;
    this.#adx = NaN;
    this.#sumDxBefore = 0;
    this.#adxBefore = NaN;
  }
}

export interface AroonValue {
  readonly up: number;
  readonly down: number;
  readonly oscillator: number;
}

/**
 * Aroon over period+1 bars (TA-Lib AROON/AROONOSC): up = 100·(period − bars since the highest high)/period,
 * down likewise with the lowest low (ties go to the newest bar); oscillator = up − down.
 */
export class Aroon extends StreamingIndicator<HL, AroonValue> {
  readonly warmupPeriod: number;
  readonly #hi: RingWindow;
  readonly #lo: RingWindow;
  readonly #factor: number;

  constructor(readonly period = 14) {
    super();
    checkPeriod('Aroon', period);
    this.warmupPeriod = period + 1;
    this.#hi = new RingWindow(period + 1);
    this.#lo = new RingWindow(period + 1);
    this.#factor = 100 / period;
  }

  protected step(bar: HL, replace: boolean): AroonValue | null {
    this.#hi.put(bar.high, replace);
    this.#lo.put(bar.low, replace);
    if (!this.#hi.isFull) return null;
    const p = this.period;
    const f = this.#factor;
    const hiAge = this.#hi.ageOfMax();
    const loAge = this.#lo.ageOfMin();
    return { up: f * (p - hiAge), down: f * (p - loAge), oscillator: f * (loAge - hiAge) };
  }

  protected clear(): void {
    this.#hi.clear();
    this.#lo.clear();
  }
}

/**
 * Parabolic SAR (TA-Lib SAR). The first value comes at the second bar: the trend starts short when the
 * second bar's −DM is positive, else long; the SAR starts at the first bar's low (long) or high (short).
 * The acceleration factor starts at `acceleration`, grows by it on each new extreme, capped at `maximum`.
 */
export class ParabolicSAR extends StreamingIndicator<HL, number> {
  readonly warmupPeriod = 2;
  // State: [isLong, af, ep, sar, prevHigh, prevLow], and its copy before the latest step.
  readonly #s = new Float64Array(6);
  readonly #b = new Float64Array(6);
  readonly #accel: number;

  constructor(
    readonly acceleration = 0.02,
    readonly maximum = 0.2,
  ) {
    super();
    if (!(acceleration > 0) || !(maximum > 0)) {
      throw new RangeError(`ParabolicSAR: acceleration and maximum must be > 0, got ${acceleration}, ${maximum}`);
    }
    this.#accel = Math.min(acceleration, maximum);
  }

  protected step(bar: HL, replace: boolean): number | null {
    const s = this.#s;
    if (replace) s.set(this.#b);
    else this.#b.set(s);
    const newHigh = bar.high;
    const newLow = bar.low;
    if (this.n === 1) {
      s[4] = newHigh;
      s[5] = newLow;
      return null;
    }
    const accel = this.#accel;
    const max = this.maximum;
    let isLong = s[0] === 1;
    let af = s[1]!;
    let ep = s[2]!;
    let sar = s[3]!;
    let prevHigh = s[4]!;
    let prevLow = s[5]!;
    if (this.n === 2) {
      // Direction from the −DM of the second bar; the first loop step sees this bar as "previous" too.
      const diffP = newHigh - prevHigh;
      const diffM = prevLow - newLow;
      isLong = !(diffM > 0 && diffP < diffM);
      af = accel;
      if (isLong) {
        ep = newHigh;
        sar = prevLow;
      } else {
        ep = newLow;
        sar = prevHigh;
      }
      prevHigh = newHigh;
      prevLow = newLow;
    }
    let out: number;
    if (isLong) {
      if (newLow <= sar) {
        isLong = false;
        sar = ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
        out = sar;
        af = accel;
        ep = newLow;
        sar = sar + af * (ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      } else {
        out = sar;
        if (newHigh > ep) {
          ep = newHigh;
          af += accel;
          if (af > max) af = max;
        }
        sar = sar + af * (ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      }
    } else if (newHigh >= sar) {
      isLong = true;
      sar = ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
      out = sar;
      af = accel;
      ep = newHigh;
      sar = sar + af * (ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    } else {
      out = sar;
      if (newLow < ep) {
        ep = newLow;
        af += accel;
        if (af > max) af = max;
      }
      sar = sar + af * (ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    }
    s[0] = isLong ? 1 : 0;
    s[1] = af;
    s[2] = ep;
    s[3] = sar;
    s[4] = newHigh;
    s[5] = newLow;
    return out;
  }

  protected clear(): void {
    this.#s.fill(0);
    this.#b.fill(0);
  }
}

export interface SuperTrendValue {
  /** The trailing line: below price in an uptrend, above it in a downtrend. */
  readonly value: number;
  /** +1 uptrend, −1 downtrend. */
  readonly direction: number;
}

/**
 * SuperTrend over hl2 ± mult·ATR(period) (ATR as TA-Lib, so the first value comes at bar period+1).
 * The lower band only rises while the previous close stays above it, the upper band only falls while
 * the previous close stays below it; the trend starts up and flips when the close crosses the
 * previous opposite band (the common TradingView formulation).
 */
export class SuperTrend extends StreamingIndicator<HLC, SuperTrendValue> {
  readonly warmupPeriod: number;
  readonly #atr: ATR;
  // State: [lowerBand, upperBand, direction, prevClose], NaN/0 before the first value; copy for replace.
  readonly #s = new Float64Array([NaN, NaN, 0, NaN]);
  readonly #b = new Float64Array([NaN, NaN, 0, NaN]);

  constructor(
    readonly period = 10,
    readonly mult = 3,
  ) {
    super();
    this.#atr = new ATR(period);
    this.warmupPeriod = this.#atr.warmupPeriod;
  }

  protected step(bar: HLC, replace: boolean): SuperTrendValue | null {
    const s = this.#s;
    if (replace) s.set(this.#b);
    else this.#b.set(s);
    const atr = feed(this.#atr, bar, replace);
    const prevClose = s[3]!;
    s[3] = bar.close;
    if (atr === null) return null;
    const hl2 = (bar.high + bar.low) / 2;
    let lower = hl2 - this.mult * atr;
    let upper = hl2 + this.mult * atr;
    let prevLower = s[0]!;
    let prevUpper = s[1]!;
    let dir = s[2]!;
    if (dir === 0) {
      // First value: the "previous" bands are this bar's own, the trend starts up.
      dir = 1;
      prevLower = lower;
      prevUpper = upper;
    } else {
      if (prevClose > prevLower && prevLower > lower) lower = prevLower;
      if (prevClose < prevUpper && prevUpper < upper) upper = prevUpper;
    }
    if (dir === -1 && bar.close > prevUpper) dir = 1;
    else if (dir === 1 && bar.close < prevLower) dir = -1;
    s[0] = lower;
    s[1] = upper;
    s[2] = dir;
    return { value: dir === 1 ? lower : upper, direction: dir };
  }

  protected clear(): void {
    this.#atr.reset();
    this.#s.set([NaN, NaN, 0, NaN]);
    this.#b.set([NaN, NaN, 0, NaN]);
  }
}

export interface IchimokuValue {
  readonly tenkan: number;
  readonly kijun: number;
  /** Leading span A in force at this bar: (tenkan + kijun)/2 of `displacement` bars ago. */
  readonly senkouA: number;
  /** Leading span B in force at this bar: the `senkouPeriod` mid-range of `displacement` bars ago. */
  readonly senkouB: number;
}

/**
 * Ichimoku Kinko Hyo: tenkan = mid-range (HH + LL)/2 of `tenkanPeriod` bars, kijun likewise over
 * `kijunPeriod`, and the cloud (senkou A/B) as it stands at the current bar, i.e. computed
 * `displacement` bars ago. The chikou span (the close shifted back) is just the close and is not output.
 */
export class Ichimoku extends StreamingIndicator<HL, IchimokuValue> {
  readonly warmupPeriod: number;
  readonly #hi: RingWindow;
  readonly #lo: RingWindow;
  readonly #spanA: RingWindow;
  readonly #spanB: RingWindow;

  constructor(
    readonly tenkanPeriod = 9,
    readonly kijunPeriod = 26,
    readonly senkouPeriod = 52,
    readonly displacement = 26,
  ) {
    super();
    checkPeriod('Ichimoku tenkanPeriod', tenkanPeriod);
    checkPeriod('Ichimoku kijunPeriod', kijunPeriod);
    checkPeriod('Ichimoku senkouPeriod', senkouPeriod);
    checkPeriod('Ichimoku displacement', displacement, 0);
    const longest = Math.max(tenkanPeriod, kijunPeriod, senkouPeriod);
    this.warmupPeriod = longest + displacement;
    this.#hi = new RingWindow(longest);
    this.#lo = new RingWindow(longest);
    this.#spanA = new RingWindow(displacement + 1);
    this.#spanB = new RingWindow(displacement + 1);
  }

  /** Mid-range of the newest `period` bars held. */
  #mid(period: number): number {
    const hi = this.#hi;
    const lo = this.#lo;
    const from = hi.count - period;
    let h = -Infinity;
    let l = Infinity;
    for (let i = from; i < hi.count; i++) {
      const a = hi.at(i);
      const b = lo.at(i);
      if (a > h) h = a;
      if (b < l) l = b;
    }
    return (h + l) / 2;
  }

  protected step(bar: HL, replace: boolean): IchimokuValue | null {
    this.#hi.put(bar.high, replace);
    this.#lo.put(bar.low, replace);
    const n = this.#hi.count;
    const tenkan = n >= this.tenkanPeriod ? this.#mid(this.tenkanPeriod) : NaN;
    const kijun = n >= this.kijunPeriod ? this.#mid(this.kijunPeriod) : NaN;
    const spanB = n >= this.senkouPeriod ? this.#mid(this.senkouPeriod) : NaN;
    this.#spanA.put((tenkan + kijun) / 2, replace);
    this.#spanB.put(spanB, replace);
    if (this.n < this.warmupPeriod) return null;
    return { tenkan, kijun, senkouA: this.#spanA.at(0), senkouB: this.#spanB.at(0) };
  }

  protected clear(): void {
    this.#hi.clear();
    this.#lo.clear();
    this.#spanA.clear();
    this.#spanB.clear();
  }
}
