// SMA over a whole series: fsum(window) / period, bit-identical to folding the streaming SMA, since
// both return the correctly rounded exact window sum. Same exact split as WindowSum (window-sum.ts):
// with a scale sigma, q = (x + sigma) - sigma and r = x - q, the running sums of q's and of r's make
// no rounding error while every value stays inside the scale's bounds.
//
// The hot loop takes four points at a time and checks the four entering values against the bounds
// with one subtraction each, reusing x + sigma, which the split needs anyway. A value outside them is
// handled on its own: either it fits the scale after all (zero, a negative value), or the scale is
// re-chosen from the window. Only a window that no scale fits (NaN, infinities, values 2^45 apart)
// sends the whole series through the streaming SMA, whose per-window fallback is exact.
import { SMA } from './sma.ts';
import { scaleFor, splitSums } from './window-sum.ts';

interface Scale {
  sig: number;
  limit: number;
  floor: number;
  /** |x + sig - mid| <= half  <=>  floor <= q <= limit (positive values on the fast path). */
  mid: number;
  half: number;
}

function scaleOf(xs: Float64Array, from: number, to: number, period: number): Scale | null {
  const s = scaleFor(xs, from, to, period);
  if (s === null) return null;
  return { sig: s.sigma, limit: s.limit, floor: s.floor, mid: s.sigma + (s.floor + s.limit) / 2, half: (s.limit - s.floor) / 2 };
}

function folded(xs: Float64Array, period: number, out: Float64Array): Float64Array {
  const sma = new SMA(period);
  for (let i = 0; i < xs.length; i++) out[i] = sma.update(xs[i]!) ?? NaN;
  return out;
}

/** SMA(period) of xs, written into `out` when given (it must be as long as xs), else a new array. */
export function smaBatch(xs: Float64Array, period: number, out: Float64Array = new Float64Array(xs.length)): Float64Array {
  const n = xs.length;
  const p = period;
  if (out.length !== n) throw new RangeError(`smaBatch: out has ${out.length} elements, xs has ${n}`);
  if (n < p) return out.fill(NaN);
  let sc = scaleOf(xs, 0, p, p);
  if (sc === null) return folded(xs, p, out);
  let sig = sc.sig;
  let { hi, lo } = splitSums(xs, 0, p, sig);
  out.fill(NaN, 0, p - 1);
  out[p - 1] = (hi + lo) / p;
  let i = p;
  while (i < n) {
    const mid = sc.mid;
    const half = sc.half;
    for (; i + 3 < n; i += 4) {
      const a0 = xs[i]!;
      const a1 = xs[i + 1]!;
      const a2 = xs[i + 2]!;
      const a3 = xs[i + 3]!;
      const t0 = a0 + sig;
      const t1 = a1 + sig;
      const t2 = a2 + sig;
      const t3 = a3 + sig;
      if (!(Math.abs(t0 - mid) <= half && Math.abs(t1 - mid) <= half && Math.abs(t2 - mid) <= half && Math.abs(t3 - mid) <= half)) break;
      const b0 = xs[i - p]!;
      const b1 = xs[i + 1 - p]!;
      const b2 = xs[i + 2 - p]!;
      const b3 = xs[i + 3 - p]!;
      const q0 = t0 - sig;
      const q1 = t1 - sig;
      const q2 = t2 - sig;
      const q3 = t3 - sig;
      const o0 = b0 + sig - sig;
      const o1 = b1 + sig - sig;
      const o2 = b2 + sig - sig;
      const o3 = b3 + sig - sig;
      hi += q0 - o0;
      lo += a0 - q0 - (b0 - o0);
      out[i] = (hi + lo) / p;
      hi += q1 - o1;
      lo += a1 - q1 - (b1 - o1);
      out[i + 1] = (hi + lo) / p;
      hi += q2 - o2;
      lo += a2 - q2 - (b2 - o2);
      out[i + 2] = (hi + lo) / p;
      hi += q3 - o3;
      lo += a3 - q3 - (b3 - o3);
      out[i + 3] = (hi + lo) / p;
    }
    if (i >= n) break;
    // One point on its own: the tail, or a group that left the fast bounds.
    const x = xs[i]!;
    const a = Math.abs(x);
    if (a <= sc.limit && (a >= sc.floor || a === 0)) {
      const b = xs[i - p]!;
      const q = x + sig - sig;
      const o = b + sig - sig;
      hi += q - o;
      lo += x - q - (b - o);
    } else {
      sc = scaleOf(xs, i + 1 - p, i + 1, p);
      if (sc === null) return folded(xs, p, out);
      sig = sc.sig;
      ({ hi, lo } = splitSums(xs, i + 1 - p, i + 1, sig));
    }
    out[i] = (hi + lo) / p;
    i++;
  }
  return out;
}
