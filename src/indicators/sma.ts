// Simple moving average: fsum of the window (correctly rounded exact sum) / period. O(1) per update
// and bit-identical to fsum-based tools (backtrader), so crossovers never hinge on summation order.
import { checkPeriod, type Indicator } from './indicator.ts';
import { WindowSum } from './window-sum.ts';

export class SMA implements Indicator {
  readonly warmupPeriod: number;
  readonly #win: WindowSum;
  // The latest value as a plain double (a `number | null` field would box every update).
  #value = 0;
  #ready = false;

  constructor(readonly period: number) {
    this.warmupPeriod = checkPeriod('SMA', period);
    this.#win = new WindowSum(period);
  }

  get isReady(): boolean {
    return this.#ready;
  }

  get value(): number | null {
    return this.#ready ? this.#value : null;
  }

  update(x: number): number | null {
    const sum = this.#win.pushSum(x);
    if (this.#win.count < this.period) return null;
    this.#ready = true;
    return (this.#value = sum / this.period);
  }

  replace(x: number): number | null {
    this.#win.replaceLast(x);
    if (this.#win.count < this.period) return null;
    this.#ready = true;
    return (this.#value = this.#win.sum() / this.period);
  }

  reset(): void {
    this.#win.reset();
    this.#ready = false;
  }
}
