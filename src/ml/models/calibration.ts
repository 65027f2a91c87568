// Probability calibration fitted on held-out rows: Platt scaling (a logistic curve on the log-odds) and
// isotonic regression (pool-adjacent-violators, interpolated linearly between blocks as scikit-learn does).
import { f64FromBase64, toBase64 } from './base64.ts';

export type CalibrationMethod = 'platt' | 'isotonic';

export interface Calibrator {
  readonly method: CalibrationMethod;
  /** Calibrated probability of a raw one. */
  apply(p: number): number;
  toState(): Record<string, unknown>;
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class PlattCalibrator implements Calibrator {
  readonly method = 'platt';
  constructor(readonly a: number, readonly b: number) {}
  apply(p: number): number {
    return sigmoid(this.a * logit(p) + this.b);
  }
  toState(): Record<string, unknown> {
    return { a: this.a, b: this.b };
  }
}

/**
 * Platt scaling: P(y=1) = sigmoid(a * logit(p) + b), fitted by Newton's method on the regularised targets of
 * Platt (1999) ((N+ + 1)/(N+ + 2) for positives, 1/(N- + 2) for negatives), which keeps a and b finite on
 * separable data.
 */
export function fitPlatt(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): PlattCalibrator {
  const n = p.length;
  if (n === 0 || y.length !== n || (w && w.length !== n)) throw new RangeError('fitPlatt: need equal, non-empty predictions, labels and weights');
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) nPos += w ? w[i]! : 1;
    else nNeg += w ? w[i]! : 1;
  }
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const f = Float64Array.from({ length: n }, (_, i) => logit(p[i]!));
  let a = 1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 1e-12;
    let h01 = 0;
    let h11 = 1e-12;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1;
      const q = sigmoid(a * f[i]! + b);
      const t = y[i] === 1 ? hi : lo;
      const r = wi * (q - t);
      const s = wi * Math.max(q * (1 - q), 1e-12);
      g0 += r * f[i]!;
      g1 += r;
      h00 += s * f[i]! * f[i]!;
      h01 += s * f[i]!;
      h11 += s;
    }
    const det = h00 * h11 - h01 * h01;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-12) break;
  }
  return new PlattCalibrator(a, b);
}

export class IsotonicCalibrator implements Calibrator {
  readonly method = 'isotonic';
  /** Increasing raw probabilities (block ends) and their calibrated values (non-decreasing). */
  constructor(readonly xs: Float64Array, readonly ys: Float64Array) {
    if (xs.length !== ys.length || xs.length === 0) throw new RangeError('isotonic: need equal, non-empty breakpoints');
  }
  apply(p: number): number {
    const { xs, ys } = this;
    if (p !== p) return NaN;
    if (p <= xs[0]!) return ys[0]!;
    const last = xs.length - 1;
    if (p >= xs[last]!) return ys[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= p) lo = mid;
      else hi = mid;
    }
    const t = (p - xs[lo]!) / (xs[hi]! - xs[lo]!);
    return ys[lo]! + t * (ys[hi]! - ys[lo]!);
  }
  toState(): Record<string, unknown> {
    return { xs: toBase64(this.xs), ys: toBase64(this.ys) };
  }
}

/**
 * Isotonic regression of y on p (weighted pool-adjacent-violators over p sorted, tied p pooled first). As in
 * scikit-learn, each block keeps its first and last p as breakpoints, so a training row's calibrated value is
 * its fitted block mean, and values between blocks are interpolated linearly.
 */
export function fitIsotonic(p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): IsotonicCalibrator {
  const n = p.length;
  if (n === 0 || y.length !== n || (w && w.length !== n)) throw new RangeError('fitIsotonic: need equal, non-empty predictions, labels and weights');
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
  // Blocks: lowest and highest p, weighted mean of y, total weight.
  const lo: number[] = [];
  const hi: number[] = [];
  const by: number[] = [];
  const bw: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const wi = w ? w[i]! : 1;
    if (!(wi > 0) || p[i] !== p[i]) continue;
    const last = by.length - 1;
    if (last >= 0 && hi[last] === p[i]) {
      const tw = bw[last]! + wi;
      by[last] = (by[last]! * bw[last]! + y[i]! * wi) / tw;
      bw[last] = tw;
    } else {
      lo.push(p[i]!);
      hi.push(p[i]!);
      by.push(y[i]!);
      bw.push(wi);
    }
    while (by.length > 1 && by[by.length - 2]! > by[by.length - 1]!) {
      const j = by.length - 1;
      const tw = bw[j - 1]! + bw[j]!;
      by[j - 1] = (by[j - 1]! * bw[j - 1]! + by[j]! * bw[j]!) / tw;
      bw[j - 1] = tw;
      hi[j - 1] = hi[j]!;
      lo.pop();
      hi.pop();
      by.pop();
      bw.pop();
    }
  }
  if (by.length === 0) throw new RangeError('fitIsotonic: no row with a positive weight');
  const xs: number[] = [];
  const ys: number[] = [];
  for (let j = 0; j < by.length; j++) {
    xs.push(lo[j]!);
    ys.push(by[j]!);
    if (hi[j]! > lo[j]!) {
      xs.push(hi[j]!);
      ys.push(by[j]!);
    }
  }
  return new IsotonicCalibrator(Float64Array.from(xs), Float64Array.from(ys));
}

export function fitCalibrator(method: CalibrationMethod, p: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): Calibrator {
  return method === 'platt' ? fitPlatt(p, y, w) : fitIsotonic(p, y, w);
}

export function calibratorFromState(method: CalibrationMethod, s: unknown): Calibrator {
  const o = s as Record<string, unknown>;
  if (method === 'platt') {
    if (typeof o?.['a'] !== 'number' || typeof o['b'] !== 'number') throw new TypeError('platt calibrator: a and b must be numbers');
    return new PlattCalibrator(o['a'], o['b']);
  }
  if (method === 'isotonic') return new IsotonicCalibrator(f64FromBase64(o?.['xs'] as string, 'isotonic xs'), f64FromBase64(o['ys'] as string, 'isotonic ys'));
  throw new TypeError(`unknown calibration method ${String(method)}`);
}
