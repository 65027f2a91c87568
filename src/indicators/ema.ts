// Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` inputs.
import { checkPeriod, type Indicator } from './indicator.ts';
import { SeededSmoothing } from './smoothing.ts';

export class EMA implements Indicator {
  readonly warmupPeriod: number;
  readonly #s: SeededSmoothing;

  constructor(readonly period: number) {
    this.warmupPeriod = checkPeriod('EMA', period);
    this.#s = new SeededSmoothing(period, 2 / (period + 1));
  }
  get isReady(): boolean {
    return this.#s.isReady;
  }
  get value(): number | null {
    return this.#s.value;
  }
  update(x: number): number | null {
    return this.#s.update(x);
  }
  replace(x: number): number | null {
    return this.#s.replace(x);
  }
  reset(): void {
    this.#s.reset();
  }
}

/** Wilder's smoothed moving average (SMMA/RMA): alpha = 1 / period, SMA-seeded. */
export class SMMA implements Indicator {
  readonly warmupPeriod: number;
  readonly #s: SeededSmoothing;

  constructor(readonly period: number) {
    this.warmupPeriod = checkPeriod('SMMA', period);
    this.#s = new SeededSmoothing(period, 1 / period);
  }
  get isReady(): boolean {
    return this.#s.isReady;
  }
  get value(): number | null {
    return this.#s.value;
  }
  update(x: number): number | null {
    return this.#s.update(x);
  }
  replace(x: number): number | null {
    return this.#s.replace(x);
  }
  reset(): void {
    this.#s.reset();
  }
}
