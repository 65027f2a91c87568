// Simple moving average: fsum of the window (correctly rounded exact sum) / period. O(1) per update
// and bit-identical to fsum-based tools (backtrader), so crossovers never hinge on summation order.
import { checkPeriod, type Indicator } from './indicator.ts';
import { WindowSum } from './window-sum.ts';

export class SMA implements Indicator {
  readonly warmupPeriod: number;
  value: number | null = null;
  readonly #win: WindowSum;

  constructor(readonly period: number) {
    this.warmupPeriod = checkPeriod('SMA', period);
    this.#win = new WindowSum(period);
  }

  get isReady(): boolean {
    return this.#win.count >= this.period;
  }

  update(x: number): number | null {
    const sum = this.#win.pushSum(x);
    return (this.value = this.#win.count < this.period ? null : sum / this.period);
  }

  replace(x: number): number | null {
    this.#win.replaceLast(x);
    return (this.value = this.#win.count < this.period ? null : this.#win.sum() / this.period);
  }

  reset(): void {
    this.#win.reset();
    this.value = null;
  }
}
