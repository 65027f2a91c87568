// Moving averages beyond SMA/EMA/SMMA: WMA, DEMA, TEMA, KAMA, HMA and VWMA.
import { StreamingIndicator } from './base.ts';
import { EMA } from './ema.ts';
import { checkPeriod, feed, type CV } from './indicator.ts';
import { RingWindow } from './window.ts';

/** Linearly weighted moving average: weights 1..period, newest heaviest (TA-Lib WMA). */
export class WMA extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;
  readonly #divider: number;

  constructor(readonly period: number) {
    super();
    this.warmupPeriod = checkPeriod('WMA', period);
    this.#w = new RingWindow(period);
    this.#divider = (period * (period + 1)) / 2;
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    const { buf, size } = w;
    let s = 0;
    let k = w.start;
    for (let i = 1; i <= size; i++) {
      s += buf[k]! * i;
      if (++k === size) k = 0;
    }
    return s / this.#divider;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** Double EMA: 2·EMA(x) − EMA(EMA(x)); each EMA SMA-seeded (TA-Lib DEMA). */
export class DEMA extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #e1: EMA;
  readonly #e2: EMA;

  constructor(readonly period: number) {
    super();
    checkPeriod('DEMA', period);
    this.warmupPeriod = 2 * period - 1;
    this.#e1 = new EMA(period);
    this.#e2 = new EMA(period);
  }

  protected step(x: number, replace: boolean): number | null {
    const a = feed(this.#e1, x, replace);
    if (a === null) return null;
    const b = feed(this.#e2, a, replace);
    return b === null ? null : 2 * a - b;
  }

  protected clear(): void {
    this.#e1.reset();
    this.#e2.reset();
  }
}

/** Triple EMA: 3·e1 − 3·e2 + e3 with e2 = EMA(e1), e3 = EMA(e2) (TA-Lib TEMA). */
export class TEMA extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #e1: EMA;
  readonly #e2: EMA;
  readonly #e3: EMA;

  constructor(readonly period: number) {
    super();
    checkPeriod('TEMA', period);
    this.warmupPeriod = 3 * period - 2;
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
    return c === null ? null : 3 * a - 3 * b + c;
  }

  protected clear(): void {
    this.#e1.reset();
    this.#e2.reset();
    this.#e3.reset();
  }
}

/**
 * Kaufman adaptive moving average (TA-Lib KAMA). Efficiency ratio ER = |x − x[−period]| / Σ|Δx| over
 * the last `period` changes; sc = (ER·(2/(fast+1) − 2/(slow+1)) + 2/(slow+1))²; the first value, at
 * input period+1, starts from the previous input: kama = (x − prev)·sc + prev.
 */
export class KAMA extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;
  readonly #slowSc: number;
  readonly #diffSc: number;
  #kama = NaN;
  #kamaBefore = NaN;

  constructor(
    readonly period: number,
    readonly fast = 2,
    readonly slow = 30,
  ) {
    super();
    checkPeriod('KAMA', period);
    checkPeriod('KAMA fast', fast);
    checkPeriod('KAMA slow', slow);
    this.warmupPeriod = period + 1;
    this.#w = new RingWindow(period + 1);
    this.#slowSc = 2 / (slow + 1);
    this.#diffSc = 2 / (fast + 1) - this.#slowSc;
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (replace) this.#kama = this.#kamaBefore;
    else this.#kamaBefore = this.#kama;
    if (!w.isFull) return null;
    const { buf, size } = w;
    let k = w.start;
    const first = buf[k]!;
    let prev = first;
    let sum = 0;
    for (let i = 1; i < size; i++) {
      if (++k === size) k = 0;
      const v = buf[k]!;
      sum += Math.abs(prev - v);
      prev = v;
    }
    const change = x - first;
    // As TA-Lib: ER is 1 when the path is no longer than the signed change or is (nearly) flat.
    const er = sum <= change || (sum > -1e-14 && sum < 1e-14) ? 1 : Math.abs(change / sum);
    let sc = er * this.#diffSc + this.#slowSc;
    sc *= sc;
    const base = Number.isNaN(this.#kama) ? w.at(size - 2) : this.#kama;
    return (this.#kama = (x - base) * sc + base);
  }

  protected clear(): void {
    this.#w.clear();
    this.#kama = NaN;
    this.#kamaBefore = NaN;
  }
}

/** Hull moving average: WMA(2·WMA(x, ⌊n/2⌋) − WMA(x, n), ⌊√n⌋). */
export class HMA extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #half: WMA;
  readonly #full: WMA;
  readonly #out: WMA;

  constructor(readonly period: number) {
    super();
    checkPeriod('HMA', period, 2);
    const s = Math.floor(Math.sqrt(period));
    this.warmupPeriod = period + s - 1;
    this.#half = new WMA(Math.floor(period / 2));
    this.#full = new WMA(period);
    this.#out = new WMA(s);
  }

  protected step(x: number, replace: boolean): number | null {
    const h = feed(this.#half, x, replace);
    const f = feed(this.#full, x, replace);
    if (h === null || f === null) return null;
    return feed(this.#out, 2 * h - f, replace);
  }

  protected clear(): void {
    this.#half.reset();
    this.#full.reset();
    this.#out.reset();
  }
}

/** Volume-weighted moving average Σ(close·volume)/Σvolume; the plain mean of closes when Σvolume is 0. */
export class VWMA extends StreamingIndicator<CV, number> {
  readonly warmupPeriod: number;
  readonly #pv: RingWindow;
  readonly #v: RingWindow;
  readonly #c: RingWindow;

  constructor(readonly period: number) {
    super();
    this.warmupPeriod = checkPeriod('VWMA', period);
    this.#pv = new RingWindow(period);
    this.#v = new RingWindow(period);
    this.#c = new RingWindow(period);
  }

  protected step(bar: CV, replace: boolean): number | null {
    this.#pv.put(bar.close * bar.volume, replace);
    this.#v.put(bar.volume, replace);
    this.#c.put(bar.close, replace);
    if (!this.#v.isFull) return null;
    const v = this.#v.sum();
    return v !== 0 ? this.#pv.sum() / v : this.#c.sum() / this.period;
  }

  protected clear(): void {
    this.#pv.clear();
    this.#v.clear();
    this.#c.clear();
  }
}
