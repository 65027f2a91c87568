// A fixed-size window over the latest inputs (a ring buffer) with `replaceLast` for still-forming bars.
// Reductions walk the window oldest-to-newest, so results never depend on where the ring starts.

export class RingWindow {
  readonly buf: Float64Array;
  /** Number of values held (<= size). */
  count = 0;
  /** Slot of the next write. */
  #head = 0;

  constructor(readonly size: number) {
    this.buf = new Float64Array(size);
  }

  get isFull(): boolean {
    return this.count === this.size;
  }

  push(x: number): void {
    this.buf[this.#head] = x;
    this.#head = this.#head + 1 === this.size ? 0 : this.#head + 1;
    if (this.count < this.size) this.count++;
  }

  /** Overwrites the newest value (push when empty). */
  replaceLast(x: number): void {
    if (this.count === 0) return this.push(x);
    this.buf[this.#head === 0 ? this.size - 1 : this.#head - 1] = x;
  }

  /** Adds (`replace` false) or overwrites the newest value (`replace` true). */
  put(x: number, replace: boolean): void {
    if (replace) this.replaceLast(x);
    else this.push(x);
  }

  /** The i-th value held, 0 = oldest. */
  at(i: number): number {
    let k = this.#head - this.count + i;
    if (k < 0) k += this.size;
    return this.buf[k]!;
  }

  /** The newest value (NaN when empty). */
  last(): number {
    return this.count === 0 ? NaN : this.buf[this.#head === 0 ? this.size - 1 : this.#head - 1]!;
  }

  /** Slot of the oldest value, for tight loops: walk `count` slots from here, wrapping at `size`. */
  get start(): number {
    const k = this.#head - this.count;
    return k < 0 ? k + this.size : k;
  }

  sum(): number {
    const { buf, size } = this;
    let s = 0;
    let k = this.start;
    for (let i = 0; i < this.count; i++) {
      s += buf[k]!;
      if (++k === size) k = 0;
    }
    return s;
  }

  max(): number {
    const { buf, size } = this;
    let m = -Infinity;
    let k = this.start;
    for (let i = 0; i < this.count; i++) {
      const v = buf[k]!;
      if (v > m) m = v;
      if (++k === size) k = 0;
    }
    return m;
  }

  min(): number {
    const { buf, size } = this;
    let m = Infinity;
    let k = this.start;
    for (let i = 0; i < this.count; i++) {
      const v = buf[k]!;
      if (v < m) m = v;
      if (++k === size) k = 0;
    }
    return m;
  }

  /** Age (0 = newest) of the highest value; ties go to the newest, as TA-Lib's AROON. */
  ageOfMax(): number {
    const { buf, size } = this;
    let m = -Infinity;
    let at = 0;
    let k = this.start;
    for (let i = 0; i < this.count; i++) {
      const v = buf[k]!;
      if (v >= m) {
        m = v;
        at = i;
      }
      if (++k === size) k = 0;
    }
    return this.count - 1 - at;
  }

  /** Age (0 = newest) of the lowest value; ties go to the newest. */
  ageOfMin(): number {
    const { buf, size } = this;
    let m = Infinity;
    let at = 0;
    let k = this.start;
    for (let i = 0; i < this.count; i++) {
      const v = buf[k]!;
      if (v <= m) {
        m = v;
        at = i;
      }
      if (++k === size) k = 0;
    }
    return this.count - 1 - at;
  }

  clear(): void {
    this.buf.fill(0);
    this.count = 0;
    this.#head = 0;
  }
}
