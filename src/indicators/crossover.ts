// CrossOver of two series: +1 when a > b now and the last non-zero (a - b) before now was negative;
// -1 mirrored; 0 otherwise. Touching and bouncing back is no cross. Null until both inputs exist.
import type { Indicator } from './indicator.ts';

export class CrossOver implements Indicator<readonly [number | null, number | null], number> {
  readonly warmupPeriod = 1;
  value: number | null = null;
  #lastNonZero = 0;
  #before = 0;

  get isReady(): boolean {
    return this.value !== null;
  }

  /** Two-argument form for the hot path: `cross.step(fast, slow)`. */
  step(a: number | null, b: number | null): number | null {
    this.#before = this.#lastNonZero;
    return this.#apply(a, b);
  }

  update(x: readonly [number | null, number | null]): number | null {
    return this.step(x[0], x[1]);
  }

  replace(x: readonly [number | null, number | null]): number | null {
    this.#lastNonZero = this.#before;
    return this.#apply(x[0], x[1]);
  }

  reset(): void {
    this.value = null;
    this.#lastNonZero = 0;
    this.#before = 0;
  }

  #apply(a: number | null, b: number | null): number | null {
    if (a === null || b === null) return (this.value = null);
    const d = a - b;
    const prior = this.#lastNonZero;
    if (d !== 0) this.#lastNonZero = d;
    if (d > 0 && prior < 0) return (this.value = 1);
    if (d < 0 && prior > 0) return (this.value = -1);
    return (this.value = 0);
  }
}
