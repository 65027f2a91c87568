// Sliding-window sum that always returns fsum(window), the correctly rounded exact sum (as Python's
// math.fsum, which backtrader uses), at the cost of a naive running sum.
//
// Each value x is split exactly against a power-of-two scale sigma = 1.5 * 2^k (Rump's
// error-free "ExtractScalar"): q = (x + sigma) - sigma is x on the grid 2^(k-52), r = x - q the rest.
// While every value in the window obeys floor <= |x| <= limit (or is zero), with 2^k >= (n + 1) * max,
// the q's and the r's each sum without any rounding, so H = sum(q) and L = sum(r) are exact and
// fl(H + L) is the correctly rounded window sum, ties to even included. Removing a value recomputes
// its split (it is deterministic), so the window keeps only the raw values.
//
// A value outside those bounds (a tiny one next to large ones, NaN, infinities, a price that grew past
// the limit) re-chooses the scale from the window; when no scale fits, the window is summed exactly
// (ExactSum) until the odd value has left. In practice prices never leave the fast path.
import { ExactSum } from './exact-sum.ts';

export interface SplitScale {
  readonly sigma: number;
  /** Largest |x| the scale takes. */
  readonly limit: number;
  /** Smallest non-zero |x| it takes. */
  readonly floor: number;
}

/** The scale of the split for `size` values whose largest magnitude is `max`, or null if none fits. */
export function splitScale(size: number, max: number): SplitScale | null {
  if (!Number.isFinite(max)) return null;
  // One power of two of headroom, so a slowly rising price re-scales only when it doubles.
  let k = Math.max(Math.ceil(Math.log2((size + 1) * max)) + 1, -960);
  if (!(k <= 960)) return null;
  while (2 ** k < (size + 1) * max) k++;
  const p = 2 ** k;
  // limit: every |q| <= limit keeps each partial sum of q's below 2^(k+1), the grid's exact range.
  // floor: a value this large has an ulp that keeps the r's of a window within 53 bits.
  return { sigma: 1.5 * p, limit: p / (size + 1), floor: (size + 1) * 2 ** (k - 52) };
}

/** The scale that takes every value of xs[from, to) (a window of `size`), or null (NaN, infinities, too wide a range). */
export function scaleFor(xs: Float64Array, from: number, to: number, size: number): SplitScale | null {
  let max = 0;
  for (let j = from; j < to; j++) {
    const a = Math.abs(xs[j]!);
    // NaN sticks: once max is NaN, no comparison replaces it.
    if (a > max || a !== a) max = a;
  }
  const s = splitScale(size, max);
  if (s === null) return null;
  for (let j = from; j < to; j++) {
    const a = Math.abs(xs[j]!);
    if (!(a >= s.floor) && a !== 0) return null;
  }
  return s;
}

/** The exact sums of the q parts and of the r parts of xs[from, to) under `sigma` (values the scale takes). */
export function splitSums(xs: Float64Array, from: number, to: number, sigma: number): { hi: number; lo: number } {
  let hi = 0;
  let lo = 0;
  for (let j = from; j < to; j++) {
    const x = xs[j]!;
    const q = x + sigma - sigma;
    hi += q;
    lo += x - q;
  }
  return { hi, lo };
}

export class WindowSum {
  readonly #buf: Float64Array;
  #count = 0;
  #head = 0;
  /** Exact sum of the q parts and of the r parts of the window (fast path). */
  #hi = 0;
  #lo = 0;
  #sigma = 0;
  /** -1 (nothing fits) while off the fast path, so the hot check needs no separate flag. */
  #limit = -1;
  #floor = 0;
  /** Pushes left before the fast path is tried again; 0 while on it. */
  #slow = 0;
  readonly #exact = new ExactSum();

  constructor(readonly size: number) {
    this.#buf = new Float64Array(size);
  }

  get count(): number {
    return this.#count;
  }

  /** Pushes x; once full, the oldest value leaves the window. */
  push(x: number): void {
    this.pushSum(x);
  }

  /** Pushes x and returns the window's fsum. */
  pushSum(x: number): number {
    const a = Math.abs(x);
    const head = this.#head;
    const buf = this.#buf;
    if (a <= this.#limit && (a >= this.#floor || a === 0)) {
      const sig = this.#sigma;
      const q = x + sig - sig;
      let hi = this.#hi;
      let lo = this.#lo;
      if (this.#count === this.size) {
        const old = buf[head]!;
        const qo = old + sig - sig;
        hi += q - qo;
        lo += x - q - (old - qo);
      } else {
        this.#count++;
        hi += q;
        lo += x - q;
      }
      buf[head] = x;
      this.#head = head + 1 === this.size ? 0 : head + 1;
      this.#hi = hi;
      this.#lo = lo;
      return hi + lo;
    }
    if (this.#count < this.size) this.#count++;
    buf[head] = x;
    this.#head = head + 1 === this.size ? 0 : head + 1;
    this.#offPath();
    return this.sum();
  }

  /** Replaces the newest value. */
  replaceLast(x: number): void {
    if (this.#count === 0) {
      this.push(x);
      return;
    }
    const last = this.#head === 0 ? this.size - 1 : this.#head - 1;
    const a = Math.abs(x);
    if (a <= this.#limit && (a >= this.#floor || a === 0)) {
      const sig = this.#sigma;
      const old = this.#buf[last]!;
      const q = x + sig - sig;
      const qo = old + sig - sig;
      this.#hi += q - qo;
      this.#lo += x - q - (old - qo);
      this.#buf[last] = x;
      return;
    }
    this.#buf[last] = x;
    if (this.#slow === 0) this.#rescale();
  }

  /** fsum of the values in the window. */
  sum(): number {
    if (this.#slow === 0) return this.#hi + this.#lo;
    const ex = this.#exact;
    ex.reset();
    const n = this.#count;
    for (let k = 0; k < n; k++) ex.add(this.#buf[(this.#head - n + k + this.size) % this.size]!);
    return ex.value();
  }

  reset(): void {
    this.#buf.fill(0);
    this.#count = 0;
    this.#head = 0;
    this.#hi = 0;
    this.#lo = 0;
    this.#sigma = 0;
    this.#limit = -1;
    this.#floor = 0;
    this.#slow = 0;
  }

  /**
   * The newest value is outside the fast path's bounds, or the window is waiting for an odd value to
   * leave: re-scale now, or (exact-only) after `size` pushes. Re-scaling checks every value, so the
   * countdown only decides how often that O(n) check runs.
   */
  #offPath(): void {
    if (this.#slow > 1) {
      this.#slow--;
      return;
    }
    this.#rescale();
  }

  /** Re-chooses the scale from the window and re-sums it; when no scale fits, stays exact-only for a window. */
  #rescale(): void {
    const n = this.#count;
    const buf = this.#buf;
    const scale = scaleFor(buf, 0, n, this.size);
    if (scale === null) {
      this.#slow = this.size;
      this.#limit = -1;
      return;
    }
    const { hi, lo } = splitSums(buf, 0, n, scale.sigma);
    this.#hi = hi;
    this.#lo = lo;
    this.#sigma = scale.sigma;
    this.#limit = scale.limit;
    this.#floor = scale.floor;
    this.#slow = 0;
  }
}
