// SMA over a whole series: fsum(window) / period, bit-identical to folding the streaming SMA, since
// both return the correctly rounded exact window sum. Same exact split as WindowSum (window-sum.ts):
// with a scale sigma, q = (x + sigma) - sigma and r = x - q, the running sums of q's and of r's make
// no rounding error while every value stays inside the scale's bounds.
//
// The hot loop (`fitRun`) is a small function of its own, one point per iteration, called on chunks
// of CHUNK points. That shape is for cold processes (a backtest computes each line once): a small
// function reaches V8's optimizing compiler after a few thousand points and compiles quickly, its
// first chunk returns early, so the code after the loop has type feedback when it is optimized (no
// deoptimization at the end of the series), and the second line of a run starts in optimized code.
// The same loop written inline in `smaBatch`, four points per iteration, ran interpreted for tens of
// thousands of points in a fresh process, and deoptimized at its tail (docs/architecture.md, "Cold run").
//
// A value outside the scale's fast bounds is handled on its own: either it fits the scale after all
// (zero, a negative value), or the scale is re-chosen from the window. Only a window that no scale fits
// (NaN, infinities, values 2^45 apart) sends the whole series through the streaming SMA, whose
// per-window fallback is exact.
import { SMA } from './sma.ts';
import { scaleFor, splitSums, type SplitScale } from './window-sum.ts';

/** Points per call of the hot loop. */
const CHUNK = 4096;

function folded(xs: Float64Array, period: number, out: Float64Array): Float64Array {
  const sma = new SMA(period);
  for (let i = 0; i < xs.length; i++) out[i] = sma.update(xs[i]!) ?? NaN;
  return out;
}

/**
 * Slides the window over xs[i, to) while each entering value x has floor <= x + sig - sig <= limit
 * (|x + sig - mid| <= half); returns the index of the first value that does not (or `to`). The exact
 * sums of q's and r's come in and go out through `acc` ([hi, lo]).
 */
function fitRun(xs: Float64Array, out: Float64Array, p: number, i: number, to: number, sig: number, mid: number, half: number, acc: Float64Array): number {
  let hi = acc[0]!;
  let lo = acc[1]!;
  for (; i < to; i++) {
    const a = xs[i]!;
    const t = a + sig;
    if (!(Math.abs(t - mid) <= half)) break;
    const b = xs[i - p]!;
    const q = t - sig;
    const o = b + sig - sig;
    hi += q - o;
    lo += a - q - (b - o);
    out[i] = (hi + lo) / p;
  }
  acc[0] = hi;
  acc[1] = lo;
  return i;
}

/** SMA(period) of xs, written into `out` when given (it must be as long as xs), else a new array. */
export function smaBatch(xs: Float64Array, period: number, out: Float64Array = new Float64Array(xs.length)): Float64Array {
  const n = xs.length;
  const p = period;
  if (out.length !== n) throw new RangeError(`smaBatch: out has ${out.length} elements, xs has ${n}`);
  if (n < p) return out.fill(NaN);
  let sc: SplitScale | null = scaleFor(xs, 0, p, p);
  if (sc === null) return folded(xs, p, out);
  const acc = new Float64Array(2);
  let sig = sc.sigma;
  let mid = sig + (sc.floor + sc.limit) / 2;
  let half = (sc.limit - sc.floor) / 2;
  const first = splitSums(xs, 0, p, sig);
  acc[0] = first.hi;
  acc[1] = first.lo;
  out.fill(NaN, 0, p - 1);
  out[p - 1] = (acc[0] + acc[1]) / p;
  let i = p;
  while (i < n) {
    const to = Math.min(n, i + CHUNK);
    i = fitRun(xs, out, p, i, to, sig, mid, half, acc);
    if (i === to) continue;
    // One point outside the fast bounds.
    const x = xs[i]!;
    const a = Math.abs(x);
    if (a <= sc.limit && (a >= sc.floor || a === 0)) {
      const b = xs[i - p]!;
      const q = x + sig - sig;
      const o = b + sig - sig;
      acc[0] += q - o;
      acc[1] += x - q - (b - o);
    } else {
      sc = scaleFor(xs, i + 1 - p, i + 1, p);
      if (sc === null) return folded(xs, p, out);
      sig = sc.sigma;
      mid = sig + (sc.floor + sc.limit) / 2;
      half = (sc.limit - sc.floor) / 2;
      const sums = splitSums(xs, i + 1 - p, i + 1, sig);
      acc[0] = sums.hi;
      acc[1] = sums.lo;
    }
    out[i] = (acc[0] + acc[1]) / p;
    i++;
  }
  return out;
}

// One small call at load: every operation of `fitRun`, its exit included, has type feedback before V8
// first compiles it (a function gets its feedback vector only after some work, hence 256 points;
// fractional values, so that the arithmetic's feedback is "double", not "small integer"). Without it,
// the loop optimized during the first chunk lacks feedback for the code after the loop and
// deoptimizes at the end of the chunk.
smaBatch(Float64Array.from({ length: 256 }, (_, i) => 100 + i / 3), 2);
