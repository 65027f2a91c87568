// Rolling statistics: linear-regression slope and R², correlation, beta and the Hurst exponent.
import { StreamingIndicator } from './base.ts';
import { checkPeriod } from './indicator.ts';
import { RingWindow } from './window.ts';

/** A pair of inputs (x, y) observed at the same bar. */
export type Pair = readonly [number, number];

/**
 * Slope of the least-squares line through the last `period` inputs against time (per bar), in
 * TA-Lib LINEARREG_SLOPE's arithmetic.
 */
export class LinRegSlope extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;
  readonly #sumX: number;
  readonly #divisor: number;

  constructor(readonly period = 14) {
    super();
    this.warmupPeriod = checkPeriod('LinRegSlope', period, 2);
    this.#w = new RingWindow(period);
    this.#sumX = period * (period - 1) * 0.5;
    const sumXSqr = (period * (period - 1) * (2 * period - 1)) / 6;
    this.#divisor = this.#sumX * this.#sumX - period * sumXSqr;
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    const { buf, size } = w;
    let sumXY = 0;
    let sumY = 0;
    let k = w.start;
    // x counts bars back from the newest, oldest first (as TA-Lib); the divisor's sign turns it forward.
    for (let i = size - 1; i >= 0; i--) {
      const y = buf[k]!;
      sumY += y;
      sumXY += i * y;
      if (++k === size) k = 0;
    }
    return (size * sumXY - this.#sumX * sumY) / this.#divisor;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** R² of the least-squares line through the last `period` inputs against time; 0 on a flat window. */
export class LinRegR2 extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;
  readonly #sxx: number;

  constructor(readonly period = 14) {
    super();
    this.warmupPeriod = checkPeriod('LinRegR2', period, 2);
    this.#w = new RingWindow(period);
    this.#sxx = (period * (period * period - 1)) / 12;
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    const { buf, size } = w;
    const mean = w.sum() / size;
    const tMean = (size - 1) / 2;
    let sxy = 0;
    let syy = 0;
    let k = w.start;
    for (let t = 0; t < size; t++) {
      const d = buf[k]! - mean;
      sxy += (t - tMean) * d;
      syy += d * d;
      if (++k === size) k = 0;
    }
    return syy !== 0 ? (sxy * sxy) / (this.#sxx * syy) : 0;
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** Σ(x − x̄)(y − ȳ), Σ(x − x̄)², Σ(y − ȳ)² over two full windows of the same size (two-pass). */
function comoments(xw: RingWindow, yw: RingWindow): [number, number, number] {
  const n = xw.size;
  const mx = xw.sum() / n;
  const my = yw.sum() / n;
  const xb = xw.buf;
  const yb = yw.buf;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  // Both windows were filled in step, so slot i of each holds the same bar.
  for (let i = 0; i < n; i++) {
    const dx = xb[i]! - mx;
    const dy = yb[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return [sxy, sxx, syy];
}

/** Rolling Pearson correlation of x and y over `period` bars (TA-Lib CORREL); 0 when either is flat. */
export class Correlation extends StreamingIndicator<Pair, number> {
  readonly warmupPeriod: number;
  readonly #x: RingWindow;
  readonly #y: RingWindow;

  constructor(readonly period = 20) {
    super();
    this.warmupPeriod = checkPeriod('Correlation', period, 2);
    this.#x = new RingWindow(period);
    this.#y = new RingWindow(period);
  }

  protected step(xy: Pair, replace: boolean): number | null {
    this.#x.put(xy[0], replace);
    this.#y.put(xy[1], replace);
    if (!this.#x.isFull) return null;
    const [sxy, sxx, syy] = comoments(this.#x, this.#y);
    const d = sxx * syy;
    return d > 0 ? sxy / Math.sqrt(d) : 0;
  }

  protected clear(): void {
    this.#x.clear();
    this.#y.clear();
  }
}

/**
 * Rolling beta of an asset against a benchmark over `period` simple returns: cov(r_asset, r_bench) /
 * var(r_bench); input `[asset, benchmark]` prices. A return from a zero price counts as 0; 0 when the
 * benchmark's returns are flat. Equals TA-Lib BETA(benchmark, asset).
 */
export class Beta extends StreamingIndicator<Pair, number> {
  readonly warmupPeriod: number;
  readonly #a: RingWindow;
  readonly #b: RingWindow;
  #prevA = NaN;
  #prevB = NaN;
  #prevABefore = NaN;
  #prevBBefore = NaN;

  constructor(readonly period = 20) {
    super();
    checkPeriod('Beta', period, 2);
    this.warmupPeriod = period + 1;
    this.#a = new RingWindow(period);
    this.#b = new RingWindow(period);
  }

  protected step(xy: Pair, replace: boolean): number | null {
    if (!replace) {
      this.#prevABefore = this.#prevA;
      this.#prevBBefore = this.#prevB;
    }
    const pa = this.#prevABefore;
    const pb = this.#prevBBefore;
    const [a, b] = xy;
    this.#prevA = a;
    this.#prevB = b;
    if (Number.isNaN(pa)) return null;
    this.#a.put(pa !== 0 ? (a - pa) / pa : 0, replace);
    this.#b.put(pb !== 0 ? (b - pb) / pb : 0, replace);
    if (!this.#a.isFull) return null;
    const [sab, , sbb] = comoments(this.#a, this.#b);
    return sbb !== 0 ? sab / sbb : 0;
  }

  protected clear(): void {
    this.#a.clear();
    this.#b.clear();
    this.#prevA = NaN;
    this.#prevB = NaN;
    this.#prevABefore = NaN;
    this.#prevBBefore = NaN;
  }
}

/**
 * Hurst exponent of the last `period` inputs by the lagged-difference method: H is the least-squares
 * slope of log σ(x[t+lag] − x[t]) against log lag for lag = 2..maxLag (σ population). 0.5 for a random
 * walk, above for trending, below for mean-reverting series. Lags whose σ is 0 are skipped; 0 when
 * fewer than two lags remain (a flat window).
 */
export class Hurst extends StreamingIndicator<number, number> {
  readonly warmupPeriod: number;
  readonly #w: RingWindow;
  readonly #xs: Float64Array;
  readonly #logLag: Float64Array;
  readonly #logSd: Float64Array;

  constructor(
    readonly period = 100,
    readonly maxLag = 20,
  ) {
    super();
    this.warmupPeriod = checkPeriod('Hurst', period, 8);
    checkPeriod('Hurst maxLag', maxLag, 3);
    if (maxLag > period / 2) throw new RangeError(`Hurst: maxLag must be <= period / 2, got ${maxLag} > ${period / 2}`);
    this.#w = new RingWindow(period);
    this.#xs = new Float64Array(period);
    this.#logLag = new Float64Array(maxLag - 1);
    this.#logSd = new Float64Array(maxLag - 1);
    for (let lag = 2; lag <= maxLag; lag++) this.#logLag[lag - 2] = Math.log(lag);
  }

  protected step(x: number, replace: boolean): number | null {
    const w = this.#w;
    w.put(x, replace);
    if (!w.isFull) return null;
    const xs = this.#xs;
    const n = this.period;
    for (let i = 0; i < n; i++) xs[i] = w.at(i);
    const logSd = this.#logSd;
    for (let lag = 2; lag <= this.maxLag; lag++) {
      const m = n - lag;
      let mean = 0;
      for (let j = 0; j < m; j++) mean += xs[j + lag]! - xs[j]!;
      mean /= m;
      let ss = 0;
      for (let j = 0; j < m; j++) {
        const d = xs[j + lag]! - xs[j]! - mean;
        ss += d * d;
      }
      logSd[lag - 2] = ss > 0 ? 0.5 * Math.log(ss / m) : NaN;
    }
    return slopeSkippingNaN(this.#logLag, logSd);
  }

  protected clear(): void {
    this.#w.clear();
  }
}

/** Least-squares slope of ys on xs over the points whose y is not NaN; 0 with fewer than two points. */
function slopeSkippingNaN(xs: Float64Array, ys: Float64Array): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(ys[i]!)) continue;
    n++;
    sx += xs[i]!;
    sy += ys[i]!;
  }
  if (n < 2) return 0;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(ys[i]!)) continue;
    const dx = xs[i]! - mx;
    sxy += dx * (ys[i]! - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}
