// Running statistics for normalizing observations and rewards during training: mean and variance merged
// batch by batch (Chan et al.'s parallel update, as Stable-Baselines3's RunningMeanStd), saved with a policy.

export interface RunningStatsState {
  readonly mean: readonly number[];
  readonly var: readonly number[];
  readonly count: number;
}

export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Starts at a tiny count so the first batch sets the statistics almost alone. */
  count = 1e-4;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }

  /** Merges `rows` rows of `x` (row-major, `size` wide). */
  update(x: Float64Array, rows: number): void {
    const d = this.size;
    if (rows <= 0) return;
    const tot = this.count + rows;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * d + j]!;
      const bm = s / rows;
      let ss = 0;
      for (let r = 0; r < rows; r++) {
        const e = x[r * d + j]! - bm;
        ss += e * e;
      }
      const bv = ss / rows;
      const delta = bm - this.mean[j]!;
      this.mean[j] = this.mean[j]! + (delta * rows) / tot;
      const m2 = this.var[j]! * this.count + bv * rows + (delta * delta * this.count * rows) / tot;
      this.var[j] = m2 / tot;
    }
    this.count = tot;
  }

  /** (x - mean) / sqrt(var + 1e-8), clipped to ±clip, for `rows` rows of x into out. */
  normalize(x: Float64Array, rows: number, out: Float64Array, clip: number): void {
    const d = this.size;
    for (let j = 0; j < d; j++) {
      const m = this.mean[j]!;
      const inv = 1 / Math.sqrt(this.var[j]! + 1e-8);
      for (let r = 0; r < rows; r++) {
        const v = (x[r * d + j]! - m) * inv;
        out[r * d + j] = v > clip ? clip : v < -clip ? -clip : v;
      }
    }
  }

  save(): RunningStatsState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  static load(s: RunningStatsState): RunningMeanStd {
    const r = new RunningMeanStd(s.mean.length);
    r.mean.set(s.mean);
    r.var.set(s.var);
    r.count = s.count;
    return r;
  }
}

/**
 * Reward scaling (as Stable-Baselines3's VecNormalize): rewards divided by the running standard
 * deviation of each env's discounted return, so value targets stay near unit scale whatever the
 * reward's currency.
 */
export class RewardScaler {
  readonly stats = new RunningMeanStd(1);
  readonly #ret: Float64Array;

  constructor(readonly envs: number, readonly gamma: number, readonly clip = 10) {
    this.#ret = new Float64Array(envs);
  }

  /** Scales `rewards` in place (one per env) and forgets the returns of envs whose episode ended. */
  scale(rewards: Float64Array, dones: Uint8Array): void {
    const ret = this.#ret;
    for (let i = 0; i < this.envs; i++) ret[i] = ret[i]! * this.gamma + rewards[i]!;
    this.stats.update(ret, this.envs);
    const inv = 1 / Math.sqrt(this.stats.var[0]! + 1e-8);
    for (let i = 0; i < this.envs; i++) {
      const v = rewards[i]! * inv;
      rewards[i] = v > this.clip ? this.clip : v < -this.clip ? -this.clip : v;
      if (dones[i] === 1) ret[i] = 0;
    }
  }

  /** The factor rewards are currently multiplied by. */
  get factor(): number {
    return 1 / Math.sqrt(this.stats.var[0]! + 1e-8);
  }
}
