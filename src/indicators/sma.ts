// Simple moving average. The window is summed oldest-to-newest on every update (no running sum),
// so values are bit-identical to a fresh sum over the window: crossovers never depend on drift.
import { checkPeriod, type Indicator } from './indicator.ts';

export class SMA implements Indicator {
  readonly warmupPeriod: number;
  value: number | null = null;
  readonly #buf: Float64Array;
  #count = 0;
  #head = 0;

  constructor(readonly period: number) {
    this.warmupPeriod = checkPeriod('SMA', period);
    this.#buf = new Float64Array(period);
  }

  get isReady(): boolean {
    return this.#count >= this.period;
  }

  update(x: number): number | null {
    this.#buf[this.#head] = x;
    this.#head = this.#head + 1 === this.period ? 0 : this.#head + 1;
    if (this.#count < this.period) this.#count++;
    return (this.value = this.#count < this.period ? null : this.#mean());
  }

  replace(x: number): number | null {
    if (this.#count === 0) return this.update(x);
    const last = this.#head === 0 ? this.period - 1 : this.#head - 1;
    this.#buf[last] = x;
    return (this.value = this.#count < this.period ? null : this.#mean());
  }

  reset(): void {
    this.#buf.fill(0);
    this.#count = 0;
    this.#head = 0;
    this.value = null;
  }

  #mean(): number {
    const buf = this.#buf;
    const p = this.period;
    let s = 0;
    for (let i = this.#head; i < p; i++) s += buf[i]!;
    for (let i = 0; i < this.#head; i++) s += buf[i]!;
    return s / p;
  }
}
