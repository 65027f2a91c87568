// Exponential smoothing seeded with a simple average: the shared core of EMA, SMMA/RMA and RSI.
// prev * (1 - alpha) + x * alpha, after `period` inputs seed it with their exact (fsum) mean.
import { ExactSum } from './exact-sum.ts';

export class SeededSmoothing {
  #count = 0;
  readonly #seed = new ExactSum();
  #prev = NaN;
  // State before the latest update, so `replace` can redo it.
  #lastCount = 0;
  #lastSeedInput = NaN;
  #lastPrev = NaN;
  readonly #alpha1: number;

  constructor(
    readonly period: number,
    readonly alpha: number,
  ) {
    this.#alpha1 = 1 - alpha;
  }

  get isReady(): boolean {
    return this.#count >= this.period;
  }

  /** The latest value; kept in #prev, a plain double, as a `number | null` field would box every update. */
  get value(): number | null {
    return this.#count >= this.period ? this.#prev : null;
  }

  update(x: number): number | null {
    this.#lastCount = this.#count;
    this.#lastSeedInput = this.#count < this.period ? x : NaN;
    this.#lastPrev = this.#prev;
    return this.#apply(x);
  }

  replace(x: number): number | null {
    if (this.#count === 0) return this.update(x);
    if (this.#lastCount < this.period) this.#seed.remove(this.#lastSeedInput);
    this.#count = this.#lastCount;
    this.#prev = this.#lastPrev;
    this.#lastSeedInput = this.#count < this.period ? x : NaN;
    return this.#apply(x);
  }

  reset(): void {
    this.#count = 0;
    this.#seed.reset();
    this.#prev = NaN;
    this.#lastCount = 0;
    this.#lastSeedInput = NaN;
    this.#lastPrev = NaN;
  }

  #apply(x: number): number | null {
    if (this.#count < this.period) {
      this.#seed.add(x);
      this.#count++;
      if (this.#count < this.period) return null;
      return (this.#prev = this.#seed.value() / this.period);
    }
    return (this.#prev = this.#prev * this.#alpha1 + x * this.alpha);
  }
}
