// Batch forms over Float64Array columns. `fold*` run a streaming indicator over a whole series (the
// definition); the `*Batch` loops below are tight versions of the hottest indicators (no allocation
// per element), proven bit-identical to the fold by property tests (batch.test.ts). NaN marks warm-up.
import { ExactSum } from './exact-sum.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { REANCHOR_EVERY, spreadVariance } from './rolling-spread.ts';
import { gainOf, lossOf } from './rsi.ts';
import { smaBatch } from './sma-batch.ts';

export { smaBatch };

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
export class Cursor implements BarInput {
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
export function rsiBatch(xs: Float64Array, period: number, out: Float64Array = new Float64Array(xs.length)): Float64Array {
  const n = xs.length;
  if (out.length !== n) throw new RangeError(`rsiBatch: out has ${out.length} elements, xs has ${n}`);
  out.fill(NaN, 0, Math.min(period + 1, n));
  if (n <= period) return out;
  const alpha = 1 / period;
  const a1 = 1 - alpha;
  const ups = new ExactSum();
  const downs = new ExactSum();
  for (let i = 1; i <= period; i++) {
    const d = xs[i]! - xs[i - 1]!;
    ups.add(gainOf(d));
    downs.add(lossOf(d));
  }
  let up = ups.value() / period;
  let down = downs.value() / period;
  out[period] = 100 - 100 / (1 + up / down);
  for (let i = period + 1; i < n; i++) {
    const d = xs[i]! - xs[i - 1]!;
    up = up * a1 + gainOf(d) * alpha;
    down = down * a1 + lossOf(d) * alpha;
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

/** The three bands of a batch computation (a type alias, so it also fits `Record<string, Float64Array>`). */
export type Bands = { upper: Float64Array; middle: Float64Array; lower: Float64Array };

/**
 * Bollinger Bands over a series, bit-identical to folding `new Bollinger(period, mult)`: the middle band
 * is smaBatch, the spread repeats RollingSpread's operations in its order (running sums about an
 * anchor re-set every REANCHOR_EVERY inputs). Writes into `out` when given (arrays as long as xs).
 */
export function bollingerBatch(xs: Float64Array, period: number, mult: number, out?: Bands): Bands {
  const n = xs.length;
  const middle = smaBatch(xs, period, out?.middle);
  const upper = out?.upper ?? new Float64Array(n);
  const lower = out?.lower ?? new Float64Array(n);
  if (upper.length !== n || lower.length !== n) throw new RangeError(`bollingerBatch: output arrays must have ${n} elements`);
  bandsAround(xs, middle, upper, lower, period, mult);
  return { upper, middle, lower };
}

/** upper/lower = middle ± mult·σ, σ from RollingSpread's running sums (same operations, same order). */
function bandsAround(xs: Float64Array, middle: Float64Array, upper: Float64Array, lower: Float64Array, p: number, mult: number): void {
  const n = xs.length;
  const invN = 1 / p;
  // Blocks of REANCHOR_EVERY inputs: the first input of a block moves the anchor to itself and
  // re-sums the window; the others slide the running sums.
  for (let b = 0; b < n; b += REANCHOR_EVERY) {
    const x0 = xs[b]!;
    const c = Number.isFinite(x0) ? x0 : 0;
    let s1 = 0;
    let s2 = 0;
    for (let j = b < p ? 0 : b - p + 1; j <= b; j++) {
      const d = xs[j]! - c;
      s1 += d;
      s2 += d * d;
    }
    const end = Math.min(b + REANCHOR_EVERY, n);
    let i = b;
    // Warm-up inputs (the window not yet full) of this block, the block's first input included.
    for (; i < end && i < p; i++) {
      if (i > b) {
        const d = xs[i]! - c;
        s1 = s1 + d;
        s2 = s2 + d * d;
      }
      if (i < p - 1) {
        upper[i] = NaN;
        lower[i] = NaN;
        continue;
      }
      const dev = Math.sqrt(spreadVariance(s1, s2, invN)) * mult;
      upper[i] = middle[i]! + dev;
      lower[i] = middle[i]! - dev;
    }
    if (i === b && i < end) {
      const dev = Math.sqrt(spreadVariance(s1, s2, invN)) * mult;
      upper[i] = middle[i]! + dev;
      lower[i] = middle[i]! - dev;
      i++;
    }
    for (; i < end; i++) {
      const d = xs[i]! - c;
      const e = xs[i - p]! - c;
      s1 = s1 + (d - e);
      s2 = s2 + (d * d - e * e);
      const dev = Math.sqrt(spreadVariance(s1, s2, invN)) * mult;
      const m = middle[i]!;
      upper[i] = m + dev;
      lower[i] = m - dev;
    }
  }
}
