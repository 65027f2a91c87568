// Multi-symbol strategies get one onBar call per symbol, in feed order, for bars with the same time.
// BarSync tells them when the last bar of a timestamp is in, so they act once per timestamp with every
// symbol's bar known (and their orders all fill on each symbol's next bar).
import type { Bar } from '../model/bar.ts';

export class BarSync {
  readonly symbols: readonly string[];
  readonly #index: Map<string, number>;
  readonly #seen: Uint8Array;
  /** Latest close of each symbol at the current time (NaN for symbols without a bar at it yet). */
  readonly closes: Float64Array;
  #time = NaN;
  #count = 0;

  constructor(symbols: readonly string[]) {
    this.symbols = symbols;
    this.#index = new Map(symbols.map((s, i) => [s, i]));
    this.#seen = new Uint8Array(symbols.length);
    this.closes = new Float64Array(symbols.length).fill(NaN);
  }

  /** Position of a symbol in `symbols` (-1 when not tracked). */
  indexOf(symbol: string): number {
    return this.#index.get(symbol) ?? -1;
  }

  /**
   * Records a bar. True exactly once per timestamp: for the bar that completes the set (every tracked
   * symbol has a bar at that time). Timestamps some symbol lacks never complete. Untracked symbols
   * and repeated bars of a symbol at one time are ignored.
   */
  push(bar: Bar): boolean {
    const i = this.#index.get(bar.symbol);
    if (i === undefined) return false;
    const t = bar.tsEventMs;
    if (t !== this.#time) {
      this.#time = t;
      this.#count = 0;
      this.#seen.fill(0);
      this.closes.fill(NaN);
    }
    if (this.#seen[i] === 1) return false;
    this.#seen[i] = 1;
    this.closes[i] = bar.close;
    return ++this.#count === this.symbols.length;
  }
}
