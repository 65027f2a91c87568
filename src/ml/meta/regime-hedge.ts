// A contextual learner keyed by regime: one Hedge per regime, plus one over all periods. The agents'
// returns are observed every period whether or not they got capital (they run in shadow), so this is the
// full-information setting and needs no exploration: Hedge applies directly, and keying it by regime
// gives each regime its own winner with the regret bound holding within each regime. LinUCB or Thompson
// sampling would be the tools if only the funded agent's return were seen (bandit feedback); here they
// would throw away information. A regime seen for few periods borrows from the all-period learner:
// weights = lambda x regime + (1 - lambda) x global, lambda = n / (n + prior), n = that regime's periods.
import { Hedge } from './hedge.ts';

export interface RegimeHedgeConfig {
  readonly eta: number;
  readonly floor?: number;
  /** Periods after which a regime's own learner and the global one weigh equally. */
  readonly prior?: number;
}

export class RegimeHedge {
  readonly global: Hedge;
  readonly #byRegime = new Map<string, Hedge>();
  readonly #blend: Float64Array;
  readonly #prior: number;

  constructor(
    readonly n: number,
    readonly config: RegimeHedgeConfig,
  ) {
    this.global = new Hedge(n, config.eta, config.floor ?? 0);
    this.#blend = new Float64Array(n);
    this.#prior = config.prior ?? 20;
  }

  /** The learner of one regime (created on first use). */
  learner(regime: string): Hedge {
    let h = this.#byRegime.get(regime);
    if (h === undefined) {
      h = new Hedge(this.n, this.config.eta, this.config.floor ?? 0);
      this.#byRegime.set(regime, h);
    }
    return h;
  }

  /** Periods observed in a regime. */
  periods(regime: string): number {
    return this.#byRegime.get(regime)?.rounds ?? 0;
  }

  /** Share of the regime's own learner in its weights (0 for a regime never seen). */
  lambda(regime: string): number {
    const n = this.periods(regime);
    return n / (n + this.#prior);
  }

  /** Weights for a period in `regime` (a view reused by the next call). */
  weights(regime: string): Float64Array {
    const lam = this.lambda(regime);
    const g = this.global.weights;
    const r = this.#byRegime.get(regime)?.weights;
    for (let i = 0; i < this.n; i++) this.#blend[i] = r === undefined ? g[i]! : lam * r[i]! + (1 - lam) * g[i]!;
    return this.#blend;
  }

  /** The losses of one period spent in `regime`: its learner and the global one both learn them. */
  update(regime: string, losses: ArrayLike<number>): void {
    this.learner(regime).update(losses);
    this.global.update(losses);
  }
}
