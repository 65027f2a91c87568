// Batch forms over Float64Array columns. `fold*` run a streaming indicator over a whole series (the
// definition); the `*Batch` loops below are tight versions of the hottest indicators (no allocation
// per element), proven bit-identical to the fold by property tests (batch.test.ts). NaN marks warm-up.
import { ExactSum } from './exact-sum.ts';
import type { BarInput, Indicator } from './indicator.ts';

/** Columnar OHLCV(+time) input of a batch computation (a model BarSeries fits). */
export interface Columns {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly open?: Float64Array;
  readonly time?: Float64Array;
}

/** Runs a single-input, single-output streaming indicator over `xs` (reset first). */
export function foldScalar(ind: Indicator<number, number>, xs: Float64Array): Float64Array {
  ind.reset();
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = ind.update(xs[i]!) ?? NaN;
  return out;
}

/** A reusable bar object re-pointed at row i of the columns (indicators never keep their input). */
class Cursor implements BarInput {
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  open: number | undefined = undefined;
  tsEventMs: number | undefined = undefined;
  constructor(readonly cols: Columns) {}
  at(i: number): this {
    const c = this.cols;
    this.high = c.high[i]!;
    this.low = c.low[i]!;
    this.close = c.close[i]!;
    this.volume = c.volume[i]!;
    this.open = c.open?.[i];
    this.tsEventMs = c.time?.[i];
    return this;
  }
}

function rows(cols: Columns): number {
  return cols.close.length;
}

/** Runs a bar-input, single-output streaming indicator over columns. */
export function foldBars(ind: Indicator<BarInput, number>, cols: Columns): Float64Array {
  ind.reset();
  const n = rows(cols);
  const cur = new Cursor(cols);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(cur.at(i)) ?? NaN;
  return out;
}

/** Runs a pair-input, single-output streaming indicator over two aligned series. */
export function foldPair(ind: Indicator<readonly [number, number], number>, xs: Float64Array, ys: Float64Array): Float64Array {
  ind.reset();
  const n = Math.min(xs.length, ys.length);
  const out = new Float64Array(n);
  const pair: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    pair[0] = xs[i]!;
    pair[1] = ys[i]!;
    out[i] = ind.update(pair) ?? NaN;
  }
  return out;
}

/** Runs a multi-output streaming indicator over `n` inputs given by `input(i)`: one column per output key. */
export function foldMulti<In, K extends string>(
  ind: Indicator<In, Readonly<Record<K, number>>>,
  n: number,
  input: (i: number) => In,
  keys: readonly K[],
): Record<K, Float64Array> {
  ind.reset();
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) out[k] = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const v = ind.update(input(i));
    if (v !== null) for (const k of keys) out[k][i] = v[k];
  }
  return out;
}

/** foldMulti over a single series. */
export function foldScalarMulti<K extends string>(
  ind: Indicator<number, Readonly<Record<K, number>>>,
  xs: Float64Array,
  keys: readonly K[],
): Record<K, Float64Array> {
  return foldMulti(ind, xs.length, (i) => xs[i]!, keys);
}

/** foldMulti over columns of bars. */
export function foldBarsMulti<K extends string>(
  ind: Indicator<BarInput, Readonly<Record<K, number>>>,
  cols: Columns,
  keys: readonly K[],
): Record<K, Float64Array> {
  const cur = new Cursor(cols);
  return foldMulti(ind, rows(cols), (i) => cur.at(i), keys);
}

// ---- Tight loops ---------------------------------------------------------------------------------

/** fsum (the correctly rounded exact sum) of xs[from, to), as the streaming seeds compute it. */
function exactSum(xs: ArrayLike<number>, from: number, to: number): number {
  const e = new ExactSum();
  for (let i = from; i < to; i++) e.add(xs[i]!);
  return e.value();
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_POW_M53 = 1.1102230246251565e-16;
const TWO_POW_M104 = 4.930380657631324e-32;

/**
 * SMA over a series: fsum(window)/period, bit-identical to folding `new SMA(period)` (whose WindowSum
 * returns fsum too). The window sum runs in double-double, hi + lo, both renormalized by TwoSum.
 * While every step is provably exact (the one rounding step, lo + e, leaves no residual, which holds
 * for ordinary prices), hi + lo IS the exact sum and hi = fl(hi + lo) its correct rounding, ties to
 * even included. Otherwise WindowSum's error bound decides, and failing that the window is summed
 * exactly (ExactSum), which re-anchors the running sum.
 */
export function smaBatch(xs: Float64Array, period: number): Float64Array {
  const n = xs.length;
  const out = new Float64Array(n);
  const ex = new ExactSum();
  let hi = 0;
  let lo = 0;
  let err = 0;
  let exact = true;
  let sinceSync = 0;
  for (let i = 0; i < n; i++) {
    for (let pass = i >= period ? 0 : 1; pass < 2; pass++) {
      // pass 0 removes the value leaving the window, pass 1 adds the new one.
      const x = pass === 0 ? -xs[i - period]! : xs[i]!;
      const s = hi + x;
      const sb = s - hi;
      const e = hi - (s - sb) + (x - sb);
      const l = lo + e;
      const lb = l - lo;
      if (lo - (l - lb) + (e - lb) !== 0) exact = false;
      const h = s + l;
      const hb = h - s;
      lo = s - (h - hb) + (l - hb);
      hi = h;
      err += (Math.abs(s) + Math.abs(x)) * TWO_POW_M104;
    }
    if (i < period - 1) {
      out[i] = NaN;
      continue;
    }
    let ok = exact && Number.isFinite(hi);
    if (!ok && LITTLE_ENDIAN && Number.isFinite(hi) && ++sinceSync < 4096) {
      F64[0] = hi;
      U32[0] = 0;
      U32[1]! &= 0x7ff00000;
      ok = F64[0]! * TWO_POW_M53 - Math.abs(lo) > err;
    }
    if (!ok) {
      ex.reset();
      for (let j = i - period + 1; j <= i; j++) ex.add(xs[j]!);
      hi = ex.value();
      ex.add(-hi);
      lo = ex.value();
      ex.add(-lo);
      exact = ex.value() === 0 && Number.isFinite(lo);
      err = Math.abs(hi) * TWO_POW_M104;
      sinceSync = 0;
    }
    out[i] = hi / period;
  }
  return out;
}

/** SMA-seeded exponential smoothing (EMA: alpha 2/(p+1), SMMA: 1/p) into `out`, from input `from` on. */
function smoothInto(xs: Float64Array, from: number, period: number, alpha: number, out: Float64Array): void {
  const n = xs.length;
  const a1 = 1 - alpha;
  const seedEnd = from + period;
  out.fill(NaN, from, Math.min(n, seedEnd - 1));
  if (n < seedEnd) return;
  let prev = exactSum(xs, from, seedEnd) / period;
  out[seedEnd - 1] = prev;
  for (let i = seedEnd; i < n; i++) out[i] = prev = prev * a1 + xs[i]! * alpha;
}

/** EMA over a series; bit-identical to folding `new EMA(period)`. */
export function emaBatch(xs: Float64Array, period: number): Float64Array {
  const out = new Float64Array(xs.length);
  smoothInto(xs, 0, period, 2 / (period + 1), out);
  return out;
}

/** SMMA/RMA over a series; bit-identical to folding `new SMMA(period)`. */
export function smmaBatch(xs: Float64Array, period: number): Float64Array {
  const out = new Float64Array(xs.length);
  smoothInto(xs, 0, period, 1 / period, out);
  return out;
}

/** RSI over a series; bit-identical to folding `new RSI(period)`. */
export function rsiBatch(xs: Float64Array, period: number): Float64Array {
  const n = xs.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  const alpha = 1 / period;
  const a1 = 1 - alpha;
  const ups = new ExactSum();
  const downs = new ExactSum();
  for (let i = 1; i <= period; i++) {
    const d = xs[i]! - xs[i - 1]!;
    ups.add(d > 0 ? d : 0);
    downs.add(d < 0 ? -d : 0);
  }
  let up = ups.value() / period;
  let down = downs.value() / period;
  out[period] = 100 - 100 / (1 + up / down);
  for (let i = period + 1; i < n; i++) {
    const d = xs[i]! - xs[i - 1]!;
    up = up * a1 + (d > 0 ? d : 0) * alpha;
    down = down * a1 + (d < 0 ? -d : 0) * alpha;
    out[i] = 100 - 100 / (1 + up / down);
  }
  return out;
}

/** MACD over a series; bit-identical to folding `new MACD(fast, slow, signal)`. */
export function macdBatch(
  xs: Float64Array,
  fast: number,
  slow: number,
  signal: number,
): { macd: Float64Array; signal: Float64Array; histogram: Float64Array } {
  const n = xs.length;
  const macd = new Float64Array(n).fill(NaN);
  const sig = new Float64Array(n).fill(NaN);
  const hist = new Float64Array(n).fill(NaN);
  const first = slow - 1;
  if (n <= first) return { macd, signal: sig, histogram: hist };
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  const kf1 = 1 - kf;
  const ks1 = 1 - ks;
  const kg1 = 1 - kg;
  let s = exactSum(xs, 0, slow) / slow;
  let f = exactSum(xs, slow - fast, slow) / fast;
  // Signal seed: the fsum mean of the first `signal` MACD values.
  const g0 = new ExactSum();
  g0.add(f - s);
  const seedEnd = first + signal - 1;
  for (let i = first + 1; i <= seedEnd && i < n; i++) {
    const x = xs[i]!;
    s = s * ks1 + x * ks;
    f = f * kf1 + x * kf;
    g0.add(f - s);
  }
  if (seedEnd >= n) return { macd, signal: sig, histogram: hist };
  let g = g0.value() / signal;
  let m = f - s;
  macd[seedEnd] = m;
  sig[seedEnd] = g;
  hist[seedEnd] = m - g;
  for (let i = seedEnd + 1; i < n; i++) {
    const x = xs[i]!;
    s = s * ks1 + x * ks;
    f = f * kf1 + x * kf;
    m = f - s;
    g = g * kg1 + m * kg;
    macd[i] = m;
    sig[i] = g;
    hist[i] = m - g;
  }
  return { macd, signal: sig, histogram: hist };
}

/** ATR over columns; bit-identical to folding `new ATR(period)`. */
export function atrBatch(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  const alpha = 1 / period;
  const a1 = 1 - alpha;
  const seed = new ExactSum();
  for (let i = 1; i <= period; i++) seed.add(tr(high[i]!, low[i]!, close[i - 1]!));
  let prev = seed.value() / period;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) out[i] = prev = prev * a1 + tr(high[i]!, low[i]!, close[i - 1]!) * alpha;
  return out;
}

function tr(h: number, l: number, pc: number): number {
  let r = h - l;
  const a = Math.abs(h - pc);
  if (a > r) r = a;
  const b = Math.abs(l - pc);
  if (b > r) r = b;
  return r;
}

/** Bollinger Bands over a series; bit-identical to folding `new Bollinger(period, mult)`. */
export function bollingerBatch(
  xs: Float64Array,
  period: number,
  mult: number,
): { upper: Float64Array; middle: Float64Array; lower: Float64Array } {
  const n = xs.length;
  const middle = smaBatch(xs, period);
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  const p = period;
  let i = p - 1;
  for (; i + 3 < n; i += 4) {
    // Four windows interleaved, each summed oldest to newest like the streaming two-pass variance.
    const b = i - p + 1;
    const m0 = middle[i]!;
    const m1 = middle[i + 1]!;
    const m2 = middle[i + 2]!;
    const m3 = middle[i + 3]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = b; j <= i; j++) {
      const d0 = xs[j]! - m0;
      const d1 = xs[j + 1]! - m1;
      const d2 = xs[j + 2]! - m2;
      const d3 = xs[j + 3]! - m3;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    const dev0 = Math.sqrt(s0 / p) * mult;
    const dev1 = Math.sqrt(s1 / p) * mult;
    const dev2 = Math.sqrt(s2 / p) * mult;
    const dev3 = Math.sqrt(s3 / p) * mult;
    upper[i] = m0 + dev0;
    lower[i] = m0 - dev0;
    upper[i + 1] = m1 + dev1;
    lower[i + 1] = m1 - dev1;
    upper[i + 2] = m2 + dev2;
    lower[i + 2] = m2 - dev2;
    upper[i + 3] = m3 + dev3;
    lower[i + 3] = m3 - dev3;
  }
  for (; i < n; i++) {
    const m = middle[i]!;
    let s = 0;
    for (let j = i - p + 1; j <= i; j++) {
      const d = xs[j]! - m;
      s += d * d;
    }
    const dev = Math.sqrt(s / p) * mult;
    upper[i] = m + dev;
    lower[i] = m - dev;
  }
  return { upper, middle, lower };
}
