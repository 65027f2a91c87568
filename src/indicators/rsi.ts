// Relative Strength Index with Wilder smoothing seeded by a simple average (as TA-Lib and backtrader).
// Gains/losses start at the second input, so the first value comes after period + 1 inputs.
// Arithmetic, kept bit-identical to backtrader (and to the batch form in batch.ts): each average is
// seeded with fsum(first `period` moves) / period, then prev * (1 - 1/period) + move * (1/period).
// The state is held in plain fields (no per-update object or call) because RSI sits on hot paths.
import { ExactSum } from './exact-sum.ts';
import { checkPeriod, type Indicator } from './indicator.ts';

export class RSI implements Indicator {
  readonly warmupPeriod: number;
  // The latest value as a plain double (a `number | null` field would box every update).
  #value = 0;
  #ready = false;
  readonly #alpha: number;
  readonly #alpha1: number;
  /** Moves seen so far (inputs - 1), capped at `period` once seeded. */
  #moves = 0;
  #prev = NaN;
  #up = 0;
  #down = 0;
  readonly #seedUp = new ExactSum();
  readonly #seedDown = new ExactSum();
  // State before the latest update, so `replace` can redo it.
  #lastPrev = NaN;
  #lastMoves = 0;
  #lastUp = 0;
  #lastDown = 0;
  #lastGain = 0;
  #lastLoss = 0;

  constructor(readonly period: number) {
    checkPeriod('RSI', period);
    this.warmupPeriod = period + 1;
    this.#alpha = 1 / period;
    this.#alpha1 = 1 - this.#alpha;
  }

  get isReady(): boolean {
    return this.#ready;
  }

  get value(): number | null {
    return this.#ready ? this.#value : null;
  }

  update(x: number): number | null {
    this.#lastPrev = this.#prev;
    this.#lastMoves = this.#moves;
    this.#lastUp = this.#up;
    this.#lastDown = this.#down;
    return this.#apply(x);
  }

  replace(x: number): number | null {
    if (Number.isNaN(this.#prev)) return this.update(x);
    // Undo the latest move (including its part of the seed sums), then apply the replacement.
    if (!Number.isNaN(this.#lastPrev) && this.#lastMoves < this.period) {
      this.#seedUp.remove(this.#lastGain);
      this.#seedDown.remove(this.#lastLoss);
    }
    this.#prev = this.#lastPrev;
    this.#moves = this.#lastMoves;
    this.#up = this.#lastUp;
    this.#down = this.#lastDown;
    return this.#apply(x);
  }

  reset(): void {
    this.#ready = false;
    this.#moves = 0;
    this.#prev = NaN;
    this.#up = 0;
    this.#down = 0;
    this.#seedUp.reset();
    this.#seedDown.reset();
    this.#lastPrev = NaN;
    this.#lastMoves = 0;
    this.#lastUp = 0;
    this.#lastDown = 0;
  }

  #apply(x: number): number | null {
    const prev = this.#prev;
    this.#prev = x;
    if (Number.isNaN(prev)) {
      this.#ready = false;
      return null;
    }
    const d = x - prev;
    const gain = gainOf(d);
    const loss = lossOf(d);
    this.#lastGain = gain;
    this.#lastLoss = loss;
    if (this.#moves < this.period) {
      this.#seedUp.add(gain);
      this.#seedDown.add(loss);
      if (++this.#moves < this.period) {
        this.#ready = false;
        return null;
      }
      this.#up = this.#seedUp.value() / this.period;
      this.#down = this.#seedDown.value() / this.period;
    } else {
      this.#up = this.#up * this.#alpha1 + gain * this.#alpha;
      this.#down = this.#down * this.#alpha1 + loss * this.#alpha;
    }
    // No losses in the window: RSI is 100 (rs = +inf), as backtrader without safediv.
    this.#ready = true;
    return (this.#value = 100 - 100 / (1 + this.#up / this.#down));
  }
}

// max(d, 0) and max(-d, 0) without a branch on the sign of d, which is a coin flip for prices and
// costs a mispredicted jump half the time: (d + |d|) / 2 and (|d| - d) / 2 are exact while |d| < 2^1023
// (d + |d| cannot overflow). Anything else (huge, infinite, NaN) takes the plain comparisons; NaN
// counts as no move.
const TWO_POW_1023 = 2 ** 1023;

/** The gain of a move: d when d > 0, else 0. */
export function gainOf(d: number): number {
  const a = Math.abs(d);
  return a < TWO_POW_1023 ? (d + a) * 0.5 : d > 0 ? d : 0;
}

/** The loss of a move: -d when d < 0, else 0. */
export function lossOf(d: number): number {
  const a = Math.abs(d);
  return a < TWO_POW_1023 ? (a - d) * 0.5 : d < 0 ? -d : 0;
}
