// Hedge (multiplicative weights): weights on the simplex over n experts, each multiplied by exp(-eta x loss)
// per round. With losses in [0, 1] and eta = sqrt(8 ln n / T), the cumulative expected loss exceeds the
// best expert's by at most sqrt(T ln n / 2) on every sequence (Freund & Schapire 1997; Cesa-Bianchi &
// Lugosi 2006, Thm 2.2). An optional floor mixes in the uniform weights after each round (fixed share,
// Herbster & Warmuth 1998), so an expert that lost for a long time can come back when it starts winning.
import { ConfigError } from '../../core/errors.ts';

/** The learning rate that minimizes Hedge's regret bound over a horizon of T rounds. */
export function hedgeEta(n: number, horizon: number): number {
  return Math.sqrt((8 * Math.log(n)) / horizon);
}

/** The bound on cumulative regret for n experts after T rounds at the optimal eta: sqrt(T ln n / 2). */
export function hedgeRegretBound(n: number, horizon: number): number {
  return Math.sqrt((horizon * Math.log(n)) / 2);
}

/** Maps a period return to a loss in [0, 1]: +scale and above is 0, -scale and below is 1. */
export function returnToLoss(r: number, scale: number): number {
  const l = (scale - r) / (2 * scale);
  return l < 0 ? 0 : l > 1 ? 1 : l;
}

export class Hedge {
  readonly #logW: Float64Array;
  readonly #w: Float64Array;
  #rounds = 0;

  constructor(
    readonly n: number,
    readonly eta: number,
    /** Minimum weight of every expert (0..1/n); 0 is plain Hedge. */
    readonly floor = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(`Hedge needs at least one expert, got ${n}`);
    if (!(eta > 0) || !Number.isFinite(eta)) throw new ConfigError(`Hedge learning rate must be positive, got ${eta}`, { field: 'eta' });
    if (!(floor >= 0 && floor * n <= 1)) throw new ConfigError(`Hedge floor must lie in [0, 1/${n}], got ${floor}`, { field: 'floor' });
    this.#logW = new Float64Array(n);
    this.#w = new Float64Array(n).fill(1 / n);
  }

  /** Current weights (a view; sums to 1). */
  get weights(): Float64Array {
    return this.#w;
  }

  get rounds(): number {
    return this.#rounds;
  }

  /** One round: each expert's loss in [0, 1] (values outside are clamped; NaN counts as the worst, 1). */
  update(losses: ArrayLike<number>): void {
    const { n, eta } = this;
    const lw = this.#logW;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const l = losses[i]!;
      const c = Number.isNaN(l) ? 1 : l < 0 ? 0 : l > 1 ? 1 : l;
      lw[i]! -= eta * c;
      if (lw[i]! > max) max = lw[i]!;
    }
    // Kept in log space, shifted so the largest is 0: no overflow or underflow however long it runs.
    let sum = 0;
    for (let i = 0; i < n; i++) {
      lw[i]! -= max;
      sum += Math.exp(lw[i]!);
    }
    const f = this.floor;
    for (let i = 0; i < n; i++) this.#w[i] = (1 - n * f) * (Math.exp(lw[i]!) / sum) + f;
    if (f > 0) for (let i = 0; i < n; i++) lw[i] = Math.log(this.#w[i]!);
    this.#rounds++;
  }

  /** Starts over from the given weights (normalized; e.g. a prior from another learner). */
  setWeights(w: ArrayLike<number>): void {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.max(0, w[i]!);
    for (let i = 0; i < this.n; i++) {
      const v = s > 0 ? Math.max(0, w[i]!) / s : 1 / this.n;
      this.#w[i] = v;
      this.#logW[i] = Math.log(v);
    }
  }
}
