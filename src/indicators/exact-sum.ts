// An exact running sum (Shewchuk's non-overlapping partials, as Python's math.fsum): adding and
// removing values keeps the exact total, and `value()` returns it correctly rounded. A sliding
// window costs O(1) per step and equals fsum(window) bit for bit, so moving averages agree with
// tools that use fsum (backtrader) even where naive summation would flip a crossover by one ulp.

export class ExactSum {
  readonly #p = new Float64Array(64);
  #n = 0;
  /** Non-finite inputs poison the exact state; a plain sum carries NaN/Infinity through. */
  #special = 0;
  #specialCount = 0;

  add(v: number): void {
    if (!Number.isFinite(v)) {
      this.#special += v;
      this.#specialCount++;
      return;
    }
    const p = this.#p;
    let x = v;
    let i = 0;
    for (let j = 0; j < this.#n; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    if (x !== 0) p[i++] = x;
    this.#n = i;
  }

  /** Removes a value added before (exactly). */
  remove(v: number): void {
    if (!Number.isFinite(v)) {
      this.#specialCount--;
      if (this.#specialCount === 0) this.#special = 0;
      return;
    }
    this.add(-v);
  }

  /** The exact sum, correctly rounded to a double (round half to even). */
  value(): number {
    if (this.#specialCount > 0) return this.#special + this.#rounded();
    return this.#rounded();
  }

  reset(): void {
    this.#n = 0;
    this.#special = 0;
    this.#specialCount = 0;
  }

  #rounded(): number {
    const p = this.#p;
    let n = this.#n;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
    return hi;
  }
}
