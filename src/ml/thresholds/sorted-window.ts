// The last `size` values kept both in arrival order (to evict the oldest) and sorted (for quantiles and
// ranks): push is a binary search plus one memmove, O(size) worst case but a few hundred ns for windows
// of a few hundred values, and nothing is allocated after construction.

export class SortedWindow {
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #head = 0;
  #count = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
    this.#ring = new Float64Array(size);
    this.#sorted = new Float64Array(size);
  }

  get count(): number {
    return this.#count;
  }

  /** Adds `x` (NaN is ignored), evicting the oldest value when full. */
  push(x: number): void {
    if (Number.isNaN(x)) return;
    if (this.#count === this.size) {
      this.#remove(this.#ring[this.#head]!);
    } else {
      this.#count++;
    }
    this.#ring[this.#head] = x;
    this.#head = this.#head + 1 === this.size ? 0 : this.#head + 1;
    // Insert into the sorted prefix of length count-1.
    const n = this.#count - 1;
    const at = this.#upper(x, n);
    this.#sorted.copyWithin(at + 1, at, n);
    this.#sorted[at] = x;
  }

  /** Quantile q in [0, 1] by linear interpolation between order statistics (R type 7); NaN when empty. */
  quantile(q: number): number {
    const n = this.#count;
    if (n === 0) return NaN;
    const h = (n - 1) * Math.min(1, Math.max(0, q));
    const lo = Math.floor(h);
    const a = this.#sorted[lo]!;
    return lo + 1 < n ? a + (h - lo) * (this.#sorted[lo + 1]! - a) : a;
  }

  /** Fraction of held values <= x (0 when empty). */
  rankOf(x: number): number {
    const n = this.#count;
    return n === 0 ? 0 : this.#upper(x, n) / n;
  }

  /** Mid-rank of x: (fraction < x + fraction <= x) / 2, so a value tied with the whole window ranks 0.5. */
  midRankOf(x: number): number {
    const n = this.#count;
    return n === 0 ? 0 : (this.#lower(x, n) + this.#upper(x, n)) / (2 * n);
  }

  /**
   * `push(x)` then `midRankOf(x)`, for a non-NaN x, in one pass: when full, the oldest value's slot and x's
   * place are found by one binary search each and only the values between them move; x's ranks come from
   * where it lands (values equal to it sit just before it). The same window and the same rank as the two calls.
   */
  pushMidRank(x: number): number {
    if (this.#count < this.size || Number.isNaN(x)) {
      this.push(x);
      return this.midRankOf(x);
    }
    const s = this.#sorted;
    const n = this.#count;
    const old = this.#ring[this.#head]!;
    this.#ring[this.#head] = x;
    this.#head = this.#head + 1 === this.size ? 0 : this.#head + 1;
    // push() removes the last value <= old, then inserts x before the first value > x of what is left.
    const r = this.#upper(old, n) - 1;
    let at = this.#upper(x, n);
    if (at <= r) {
      for (let j = r; j > at; j--) s[j] = s[j - 1]!;
    } else {
      at--;
      for (let j = r; j < at; j++) s[j] = s[j + 1]!;
    }
    s[at] = x;
    let lower = at;
    while (lower > 0 && s[lower - 1] === x) lower--;
    return (lower + at + 1) / (2 * n);
  }

  reset(): void {
    this.#head = 0;
    this.#count = 0;
  }

  /** First index in sorted[0..n) whose value is > x. */
  #upper(x: number, n: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index in sorted[0..n) whose value is >= x. */
  #lower(x: number, n: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #remove(x: number): void {
    const n = this.#count;
    // The last index holding a value <= x is x itself (it is held).
    const at = this.#upper(x, n) - 1;
    this.#sorted.copyWithin(at, at + 1, n);
  }
}
