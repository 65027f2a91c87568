// Sliding-window sum that always returns fsum(window) (the correctly rounded exact sum) at the cost
// of a few flops: a double-double running sum (hi + lo) with a rigorous bound on its error. When
// the bound cannot prove that hi is the correct rounding, the window is summed exactly (ExactSum),
// which re-anchors the running sum. In practice the fallback almost never runs.
import { ExactSum } from './exact-sum.ts';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_POW_M53 = 1.1102230246251565e-16;
const TWO_POW_M104 = 4.930380657631324e-32;
const RESYNC_EVERY = 4096;

/** Half an ulp of x (x finite and normal): 2^(exponent - 53). */
function halfUlp(x: number): number {
  F64[0] = x;
  U32[0] = 0;
  U32[1]! &= 0x7ff00000;
  return F64[0]! * TWO_POW_M53;
}

export class WindowSum {
  readonly #buf: Float64Array;
  #count = 0;
  #head = 0;
  #hi = 0;
  #lo = 0;
  /** Bound on |exact window sum - (hi + lo)|. */
  #err = 0;
  #sinceSync = 0;
  readonly #exact = new ExactSum();

  constructor(readonly size: number) {
    this.#buf = new Float64Array(size);
  }

  get count(): number {
    return this.#count;
  }

  /** Pushes x; once full, the oldest value leaves the window. */
  push(x: number): void {
    if (this.#count === this.size) this.#add(-this.#buf[this.#head]!);
    else this.#count++;
    this.#buf[this.#head] = x;
    this.#add(x);
    this.#head = this.#head + 1 === this.size ? 0 : this.#head + 1;
    if (++this.#sinceSync === RESYNC_EVERY) this.#resync();
  }

  /**
   * Pushes x and returns the window's fsum: `push` + `sum` as one flat method (the removal and the
   * addition inlined), so the hot path of SMA makes one call and passes no intermediate doubles.
   */
  pushSum(x: number): number {
    let hi = this.#hi;
    let lo = this.#lo;
    let err = this.#err;
    if (this.#count === this.size) {
      const v = -this.#buf[this.#head]!;
      const s = hi + v;
      const bb = s - hi;
      const e = hi - (s - bb) + (v - bb);
      const l = lo + e;
      const lb = l - lo;
      if (lo - (l - lb) + (e - lb) !== 0) err += (Math.abs(s) + Math.abs(v)) * TWO_POW_M104;
      hi = s + l;
      const b2 = hi - s;
      lo = s - (hi - b2) + (l - b2);
    } else this.#count++;
    this.#buf[this.#head] = x;
    {
      const s = hi + x;
      const bb = s - hi;
      const e = hi - (s - bb) + (x - bb);
      const l = lo + e;
      const lb = l - lo;
      if (lo - (l - lb) + (e - lb) !== 0) err += (Math.abs(s) + Math.abs(x)) * TWO_POW_M104;
      hi = s + l;
      const b2 = hi - s;
      lo = s - (hi - b2) + (l - b2);
    }
    this.#hi = hi;
    this.#lo = lo;
    this.#err = err;
    this.#head = this.#head + 1 === this.size ? 0 : this.#head + 1;
    if (++this.#sinceSync === RESYNC_EVERY) this.#resync();
    return this.sum();
  }

  /** Replaces the newest value. */
  replaceLast(x: number): void {
    if (this.#count === 0) {
      this.push(x);
      return;
    }
    const last = this.#head === 0 ? this.size - 1 : this.#head - 1;
    this.#add(-this.#buf[last]!);
    this.#buf[last] = x;
    this.#add(x);
  }

  /** fsum of the values in the window. */
  sum(): number {
    const hi = this.#hi;
    const lo = this.#lo;
    // hi = fl(hi + lo) after renormalization (ties to even). With no error (hi + lo is the exact sum)
    // that is the correct rounding, ties included; otherwise hi is correct whenever the exact sum stays
    // strictly inside hi's rounding interval: |lo| + err < ulp(hi) / 2.
    if (this.#err === 0 && Number.isFinite(hi)) return hi;
    if (LITTLE_ENDIAN && Number.isFinite(hi) && hi !== 0 && halfUlp(hi) - Math.abs(lo) > this.#err) return hi;
    this.#resync();
    return this.#hi;
  }

  reset(): void {
    this.#buf.fill(0);
    this.#count = 0;
    this.#head = 0;
    this.#hi = 0;
    this.#lo = 0;
    this.#err = 0;
    this.#sinceSync = 0;
  }

  #add(x: number): void {
    const hi = this.#hi;
    const s = hi + x;
    const bb = s - hi;
    const e = hi - (s - bb) + (x - bb);
    const lo0 = this.#lo;
    const lo = lo0 + e;
    // Renormalize with a full TwoSum (exact even when an exact cancellation left |s| < |lo|).
    const h2 = s + lo;
    const b2 = h2 - s;
    this.#lo = s - (h2 - b2) + (lo - b2);
    this.#hi = h2;
    // lo0 + e is the one step that may round (by <= ulp(lo)/2 <= |s| 2^-104, as |lo| <= ulp(s));
    // the bound grows only when it did (its TwoSum error is non-zero).
    const lb = lo - lo0;
    if (lo0 - (lo - lb) + (e - lb) !== 0) this.#err += (Math.abs(s) + Math.abs(x)) * TWO_POW_M104;
  }

  /** Exact sum of the window: hi = fsum, lo = the rounded remainder. */
  #resync(): void {
    const ex = this.#exact;
    ex.reset();
    const n = this.#count;
    const buf = this.#buf;
    for (let k = 0; k < n; k++) {
      const idx = (this.#head - n + k + this.size) % this.size;
      ex.add(buf[idx]!);
    }
    const hi = ex.value();
    ex.add(-hi);
    const lo = ex.value();
    ex.add(-lo);
    this.#hi = hi;
    this.#lo = lo;
    // hi + lo is exact when nothing is left over.
    this.#err = ex.value() === 0 ? 0 : Math.abs(hi) * TWO_POW_M104;
    this.#sinceSync = 0;
  }
}
