// Exponential smoothing seeded with a simple average: the shared core of EMA, SMMA/RMA and RSI.
// prev * (1 - alpha) + x * alpha, after `period` inputs seed it with their mean.

export class SeededSmoothing {
  value: number | null = null;
  #count = 0;
  #seedSum = 0;
  #prev = NaN;
  // State before the latest update, so `replace` can redo it.
  #lastCount = 0;
  #lastSeedSum = 0;
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

  update(x: number): number | null {
    this.#lastCount = this.#count;
    this.#lastSeedSum = this.#seedSum;
    this.#lastPrev = this.#prev;
    return this.#apply(x);
  }

  replace(x: number): number | null {
    if (this.#count === 0) return this.update(x);
    this.#count = this.#lastCount;
    this.#seedSum = this.#lastSeedSum;
    this.#prev = this.#lastPrev;
    return this.#apply(x);
  }

  reset(): void {
    this.#count = 0;
    this.#seedSum = 0;
    this.#prev = NaN;
    this.#lastCount = 0;
    this.#lastSeedSum = 0;
    this.#lastPrev = NaN;
    this.value = null;
  }

  #apply(x: number): number | null {
    if (this.#count < this.period) {
      this.#seedSum += x;
      this.#count++;
      if (this.#count < this.period) return (this.value = null);
      this.#prev = this.#seedSum / this.period;
      return (this.value = this.#prev);
    }
    this.#prev = this.#prev * this.#alpha1 + x * this.alpha;
    return (this.value = this.#prev);
  }
}
