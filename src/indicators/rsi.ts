// Relative Strength Index with Wilder smoothing seeded by a simple average (as TA-Lib and backtrader).
// Gains/losses start at the second input, so the first value comes after period + 1 inputs.
import { checkPeriod, type Indicator } from './indicator.ts';
import { SeededSmoothing } from './smoothing.ts';

export class RSI implements Indicator {
  readonly warmupPeriod: number;
  value: number | null = null;
  readonly #up: SeededSmoothing;
  readonly #down: SeededSmoothing;
  #prev = NaN;
  #prevBefore = NaN;

  constructor(readonly period: number) {
    checkPeriod('RSI', period);
    this.warmupPeriod = period + 1;
    this.#up = new SeededSmoothing(period, 1 / period);
    this.#down = new SeededSmoothing(period, 1 / period);
  }

  get isReady(): boolean {
    return this.value !== null;
  }

  update(x: number): number | null {
    this.#prevBefore = this.#prev;
    const prev = this.#prev;
    this.#prev = x;
    if (Number.isNaN(prev)) return (this.value = null);
    const d = x - prev;
    return this.#combine(this.#up.update(d > 0 ? d : 0), this.#down.update(d < 0 ? -d : 0));
  }

  replace(x: number): number | null {
    const prev = this.#prevBefore;
    this.#prev = x;
    if (Number.isNaN(prev)) return (this.value = null);
    const d = x - prev;
    return this.#combine(this.#up.replace(d > 0 ? d : 0), this.#down.replace(d < 0 ? -d : 0));
  }

  reset(): void {
    this.#up.reset();
    this.#down.reset();
    this.#prev = NaN;
    this.#prevBefore = NaN;
    this.value = null;
  }

  #combine(up: number | null, down: number | null): number | null {
    if (up === null || down === null) return (this.value = null);
    // No losses in the window: RSI is 100 (rs = +inf), as backtrader without safediv.
    return (this.value = 100 - 100 / (1 + up / down));
  }
}
