// Reward functions of a trading environment, fed one step at a time with the account's equity before and
// after the step and what the step traded. Specs are plain JSON so an env in a worker thread can build
// the same function. Every reward is multiplied by `scale` (default 1: currency units).

export interface RewardStep {
  /** Equity before the step (after the previous bar) and after it (marked at this bar's close). */
  readonly prevEquity: number;
  readonly equity: number;
  /** Absolute value traded during the step: sum of |qty × price × multiplier| over its fills. */
  readonly traded: number;
  /** Commission paid during the step (already inside the equity change). */
  readonly commission: number;
}

export interface RewardFunction {
  reset(initialEquity: number): void;
  reward(s: RewardStep): number;
}

export type RewardSpec =
  /** The equity change: profit and loss after costs. */
  | { readonly kind: 'pnl'; readonly scale?: number }
  /**
   * Moody & Saffell's differential Sharpe ratio: the sensitivity of an exponential moving Sharpe ratio
   * (decay `eta`, default 0.01) to this step's return R = equity / prevEquity - 1:
   * D = (B ΔA - ½ A ΔB) / (B - A²)^{3/2}, ΔA = R - A, ΔB = R² - B, then A += η ΔA, B += η ΔB.
   * 0 while the moving variance is not yet positive.
   */
  | { readonly kind: 'differential-sharpe'; readonly eta?: number; readonly scale?: number }
  /** PnL minus `penalty` (default 1) times each increase of the drawdown below the running equity peak. */
  | { readonly kind: 'drawdown'; readonly penalty?: number; readonly scale?: number }
  /** PnL minus `turnoverPenalty` (default 0.001) times the value traded: trading costs beyond the venue's. */
  | { readonly kind: 'cost-aware'; readonly turnoverPenalty?: number; readonly scale?: number };

export function makeReward(spec: RewardSpec): RewardFunction {
  const scale = spec.scale ?? 1;
  switch (spec.kind) {
    case 'pnl':
      return { reset: () => {}, reward: (s) => (s.equity - s.prevEquity) * scale };
    case 'cost-aware': {
      const k = spec.turnoverPenalty ?? 0.001;
      return { reset: () => {}, reward: (s) => (s.equity - s.prevEquity - k * s.traded) * scale };
    }
    case 'drawdown':
      return new DrawdownReward(spec.penalty ?? 1, scale);
    case 'differential-sharpe':
      return new DifferentialSharpe(spec.eta ?? 0.01, scale);
  }
}

class DrawdownReward implements RewardFunction {
  #peak = 0;
  #drawdown = 0;
  constructor(readonly penalty: number, readonly scale: number) {}
  reset(initialEquity: number): void {
    this.#peak = initialEquity;
    this.#drawdown = 0;
  }
  reward(s: RewardStep): number {
    if (s.equity > this.#peak) this.#peak = s.equity;
    const dd = this.#peak - s.equity;
    const deeper = dd > this.#drawdown ? dd - this.#drawdown : 0;
    this.#drawdown = dd;
    return (s.equity - s.prevEquity - this.penalty * deeper) * this.scale;
  }
}

export class DifferentialSharpe implements RewardFunction {
  /** Exponential moving first and second moments of the step returns. */
  a = 0;
  b = 0;
  constructor(readonly eta: number, readonly scale: number) {}
  reset(): void {
    this.a = 0;
    this.b = 0;
  }
  reward(s: RewardStep): number {
    const r = s.prevEquity > 0 ? s.equity / s.prevEquity - 1 : 0;
    const dA = r - this.a;
    const dB = r * r - this.b;
    const variance = this.b - this.a * this.a;
    const d = variance > 1e-12 ? (this.b * dA - 0.5 * this.a * dB) / (variance * Math.sqrt(variance)) : 0;
    this.a += this.eta * dA;
    this.b += this.eta * dB;
    return d * this.scale;
  }
}
