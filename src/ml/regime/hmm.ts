// A fitted Gaussian hidden Markov model (diagonal covariance) and its inference: the forward filter
// (what trading may use: P(state at t | observations 0..t)), the smoothed posterior (reads the future:
// for analysis and fitting only), Viterbi decoding, and save/load as JSON.
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { SavedModel } from '../types.ts';
import { firstComplete, forwardBackward } from './forward-backward.ts';
import type { EmissionModel, HmmParams } from './hmm-params.ts';

const LOG_2PI = Math.log(2 * Math.PI);

/** Streaming forward filter: feed one observation per bar, read P(state | everything so far). */
export class HmmFilter {
  readonly #m: GaussianHmm;
  readonly #p: Float64Array;
  readonly #pred: Float64Array;
  readonly #logb: Float64Array;
  #started = false;

  constructor(model: GaussianHmm) {
    this.#m = model;
    this.#p = new Float64Array(model.k).fill(NaN);
    this.#pred = new Float64Array(model.k);
    this.#logb = new Float64Array(model.k);
  }

  /**
   * Takes the observation of one bar (`d` values from `obs[offset..]`) and returns the filtered state
   * probabilities (a view reused by the next call; NaN until the first complete observation). An
   * observation holding NaN after the start only moves the state forward through the transition matrix.
   */
  update(obs: ArrayLike<number>, offset = 0): Float64Array {
    const { k, a, pi } = this.#m;
    const p = this.#p;
    const pred = this.#pred;
    if (!this.#started) pred.set(pi);
    else {
      pred.fill(0);
      for (let i = 0; i < k; i++) {
        const pi_ = p[i]!;
        for (let j = 0; j < k; j++) pred[j]! += pi_ * a[i * k + j]!;
      }
    }
    if (!this.#m.logEmission(obs, offset, this.#logb)) {
      if (this.#started) p.set(pred);
      return p;
    }
    this.#started = true;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (this.#logb[j]! > max) max = this.#logb[j]!;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = pred[j]! * Math.exp(this.#logb[j]! - max);
      p[j] = v;
      sum += v;
    }
    // Only a model with zero transition probabilities can make the observation impossible (sum 0): then
    // the observation alone decides, rather than the filter going NaN for good.
    if (!(sum > 0)) {
      sum = 0;
      for (let j = 0; j < k; j++) sum += p[j] = Math.exp(this.#logb[j]! - max);
    }
    for (let j = 0; j < k; j++) p[j]! /= sum;
    return p;
  }

  reset(): void {
    this.#started = false;
    this.#p.fill(NaN);
  }
}

export class GaussianHmm implements EmissionModel {
  readonly k: number;
  readonly d: number;
  readonly pi: Float64Array;
  readonly a: Float64Array;
  readonly means: Float64Array;
  readonly vars: Float64Array;
  readonly featureNames: readonly string[];
  /** Log-likelihood of the training data (NaN when not known). */
  readonly logLikelihood: number;
  /** 1 / variance, and each state's log normalizing constant: the emission density without a log per call. */
  readonly #invVar: Float64Array;
  readonly #logNorm: Float64Array;

  constructor(p: HmmParams, logLikelihood = NaN) {
    const { k, d } = p;
    if (p.pi.length !== k || p.a.length !== k * k || p.means.length !== k * d || p.vars.length !== k * d || p.featureNames.length !== d) {
      throw new InputError(`HMM parameters do not match k=${k}, d=${d}`);
    }
    this.k = k;
    this.d = d;
    this.pi = Float64Array.from(p.pi);
    this.a = Float64Array.from(p.a);
    this.means = Float64Array.from(p.means);
    this.vars = Float64Array.from(p.vars);
    this.featureNames = [...p.featureNames];
    this.logLikelihood = logLikelihood;
    this.#invVar = this.vars.map((v) => 1 / v);
    this.#logNorm = new Float64Array(k);
    for (let st = 0; st < k; st++) {
      let l = 0;
      for (let j = 0; j < d; j++) l += LOG_2PI + Math.log(this.vars[st * d + j]!);
      this.#logNorm[st] = -0.5 * l;
    }
  }

  /** Mean of feature `j` in state `s`. */
  mean(s: number, j: number): number {
    return this.means[s * this.d + j]!;
  }

  /** Transition probability from state i to state j. */
  transition(i: number, j: number): number {
    return this.a[i * this.k + j]!;
  }

  /**
   * Writes log N(obs | state) for every state into `out`; false (out untouched) when the observation
   * holds a NaN.
   */
  logEmission(obs: ArrayLike<number>, offset: number, out: Float64Array): boolean {
    const { k, d, means } = this;
    const inv = this.#invVar;
    for (let j = 0; j < d; j++) if (Number.isNaN(obs[offset + j]!)) return false;
    for (let s = 0; s < k; s++) {
      let q = 0;
      for (let j = 0; j < d; j++) {
        const e = obs[offset + j]! - means[s * d + j]!;
        q += e * e * inv[s * d + j]!;
      }
      out[s] = this.#logNorm[s]! - 0.5 * q;
    }
    return true;
  }

  createFilter(): HmmFilter {
    return new HmmFilter(this);
  }

  /**
   * Filtered probabilities P(state_t | x_0..t), rows x k row-major; the streaming filter folded over
   * the rows, so row t never depends on rows after t. Rows before the first complete one are NaN.
   */
  filter(x: Float64Array, rows: number): Float64Array {
    const f = this.createFilter();
    const out = new Float64Array(rows * this.k);
    for (let t = 0; t < rows; t++) out.set(f.update(x, t * this.d), t * this.k);
    return out;
  }

  /**
   * Smoothed posteriors P(state_t | all rows), rows x k. Reads the future: never a trading signal.
   * Leading NaN rows are NaN; a NaN after the first complete row is an error.
   */
  smooth(x: Float64Array, rows: number): Float64Array {
    const first = firstComplete(x, rows, this.d);
    const out = new Float64Array(rows * this.k).fill(NaN);
    if (first === rows) return out;
    const fb = forwardBackward(this, x.subarray(first * this.d, rows * this.d), rows - first, true);
    out.set(fb.gamma, first * this.k);
    return out;
  }

  /** Log-likelihood of the rows (leading NaN rows skipped). */
  score(x: Float64Array, rows: number): number {
    const first = firstComplete(x, rows, this.d);
    if (first === rows) return 0;
    return forwardBackward(this, x.subarray(first * this.d, rows * this.d), rows - first, false).logLikelihood;
  }

  /** The most likely state path (Viterbi, in log space); -1 for leading NaN rows. */
  viterbi(x: Float64Array, rows: number): Int8Array {
    const { k, d } = this;
    const first = firstComplete(x, rows, d);
    const path = new Int8Array(rows).fill(-1);
    const n = rows - first;
    if (n <= 0) return path;
    const logA = this.a.map(Math.log);
    const delta = new Float64Array(k);
    const next = new Float64Array(k);
    const logb = new Float64Array(k);
    const back = new Int8Array(n * k);
    for (let t = 0; t < n; t++) {
      if (!this.logEmission(x, (first + t) * d, logb)) throw new InputError(`HMM input row ${first + t} holds NaN after the warm-up`);
      if (t === 0) {
        for (let s = 0; s < k; s++) delta[s] = Math.log(this.pi[s]!) + logb[s]!;
        continue;
      }
      for (let j = 0; j < k; j++) {
        let best = -Infinity;
        let arg = 0;
        for (let i = 0; i < k; i++) {
          const v = delta[i]! + logA[i * k + j]!;
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        next[j] = best + logb[j]!;
        back[t * k + j] = arg;
      }
      delta.set(next);
    }
    let s = 0;
    for (let j = 1; j < k; j++) if (delta[j]! > delta[s]!) s = j;
    for (let t = n - 1; t >= 0; t--) {
      path[first + t] = s;
      s = back[t * k + s]!;
    }
    return path;
  }

  save(): SavedModel {
    return {
      kind: 'gaussian-hmm',
      format: 1,
      params: { k: this.k, d: this.d, featureNames: [...this.featureNames] },
      state: {
        pi: Array.from(this.pi),
        a: Array.from(this.a),
        means: Array.from(this.means),
        vars: Array.from(this.vars),
        logLikelihood: Number.isFinite(this.logLikelihood) ? this.logLikelihood : null,
      },
    };
  }

  static load(saved: unknown): GaussianHmm {
    const r = SavedHmmSchema.safeParse(saved);
    if (!r.success) throw new InputError(`not a saved Gaussian HMM: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { params, state } = r.data;
    return new GaussianHmm(
      {
        k: params.k,
        d: params.d,
        featureNames: params.featureNames,
        pi: Float64Array.from(state.pi),
        a: Float64Array.from(state.a),
        means: Float64Array.from(state.means),
        vars: Float64Array.from(state.vars),
      },
      state.logLikelihood ?? NaN,
    );
  }
}

const finite = z.number().finite();
const SavedHmmSchema = z.object({
  kind: z.literal('gaussian-hmm'),
  format: z.literal(1),
  params: z.object({ k: z.number().int().min(1).max(127), d: z.number().int().min(1), featureNames: z.array(z.string()) }),
  state: z.object({
    pi: z.array(finite.min(0)),
    a: z.array(finite.min(0)),
    means: z.array(finite),
    vars: z.array(finite.positive()),
    logLikelihood: finite.nullable().optional(),
  }),
});
