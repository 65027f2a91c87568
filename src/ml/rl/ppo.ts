// Proximal policy optimization (Schulman et al. 2017) on tfjs: clipped surrogate objective, generalized
// advantage estimation, value loss (optionally clipped), entropy bonus, minibatch epochs over each
// rollout, global gradient-norm clipping, Adam; observation normalization by running statistics,
// per-minibatch advantage normalization, optional reward scaling. Rollouts act in plain JS on batched
// observations (actor-critic.ts); tfjs computes the gradients. Everything random comes from the seed:
// weights, action sampling, minibatch shuffles and env resets, so a seed gives one learning curve.
import { Rng } from '../../core/rng.ts';
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { ActorCritic, type PolicyCheckpoint, type PolicyShape } from './actor-critic.ts';
import type { VecEnv } from './env.ts';
import { computeGae } from './gae.ts';
import { RewardScaler } from './running-stats.ts';
import { loadTf, type TfModule } from './tf-init.ts';

export interface PpoConfig {
  readonly seed: number;
  /** Hidden layer widths of both networks (tanh). */
  readonly hidden: readonly number[];
  /** Steps per env per rollout. */
  readonly steps: number;
  readonly epochs: number;
  readonly minibatchSize: number;
  readonly learningRate: number;
  /** Decay the learning rate linearly to 0 over the steps of a `learn` call. */
  readonly anneal: boolean;
  readonly gamma: number;
  readonly lambda: number;
  readonly clipRange: number;
  /** Clip the value update around the rollout's values by this much (null: plain squared error). */
  readonly clipRangeValue: number | null;
  readonly entropyCoef: number;
  readonly valueCoef: number;
  readonly maxGradNorm: number;
  readonly normalizeObs: boolean;
  readonly clipObs: number;
  readonly normalizeAdvantage: boolean;
  /** Divide rewards by the running std of the discounted return (for rewards in currency units). */
  readonly normalizeReward: boolean;
  /** Stop an iteration's epochs once a minibatch's approximate KL exceeds 1.5 × this (null: never). */
  readonly targetKl: number | null;
  /** Initial log standard deviation of box actions. */
  readonly initLogStd: number;
  readonly adamEpsilon: number;
}

export const DEFAULT_PPO_CONFIG: PpoConfig = {
  seed: 0, hidden: [64, 64], steps: 128, epochs: 10, minibatchSize: 64, learningRate: 3e-4, anneal: false,
  gamma: 0.99, lambda: 0.95, clipRange: 0.2, clipRangeValue: null, entropyCoef: 0, valueCoef: 0.5, maxGradNorm: 0.5,
  normalizeObs: true, clipObs: 10, normalizeAdvantage: true, normalizeReward: false, targetKl: null, initLogStd: 0, adamEpsilon: 1e-5,
};

/** One point of the learning curve: one rollout and the updates on it. */
export interface IterationStats {
  readonly iteration: number;
  /** Environment steps so far (all envs). */
  readonly steps: number;
  /** Episodes finished so far. */
  readonly episodes: number;
  /** Mean undiscounted return of the last 100 finished episodes (NaN before the first). */
  readonly meanEpisodeReturn: number;
  readonly meanEpisodeLength: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  readonly learningRate: number;
  /** Minibatch updates done this iteration. */
  readonly updates: number;
  /** Wall seconds since `learn` started. */
  readonly seconds: number;
}

export interface LearnOptions {
  /** Called after each iteration; returning true stops training. */
  readonly onIteration?: (s: IterationStats) => boolean | void;
}

const WINDOW = 100;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class Ppo {
  readonly config: PpoConfig;
  readonly policy: ActorCritic;
  /** Environment steps trained on (over every learn call). */
  steps = 0;
  readonly #tf: TfModule;
  readonly #theta: Variable;
  readonly #m: Variable;
  readonly #v: Variable;
  #adamT = 0;
  readonly #rng: Rng;
  readonly #actRng: Rng;
  readonly #shuffleRng: Rng;
  #learnCalls = 0;

  private constructor(tf: TfModule, policy: ActorCritic, config: PpoConfig) {
    this.#tf = tf;
    this.config = config;
    this.policy = policy;
    this.#rng = new Rng(config.seed);
    this.#actRng = this.#rng.fork();
    this.#shuffleRng = this.#rng.fork();
    // Inside tidy: the initial values are freed, the variables (never tracked by tidy) stay.
    this.#theta = tf.tidy(() => tf.variable(tf.tensor1d(policy.params, 'float32'), true, undefined, 'float32'));
    this.#m = tf.tidy(() => tf.variable(tf.zeros([policy.size]), false));
    this.#v = tf.tidy(() => tf.variable(tf.zeros([policy.size]), false));
  }

  /** A new agent for observations of `observationSize` numbers and the given action space; weights from the seed. */
  static async create(shape: Omit<PolicyShape, 'hidden'> & { hidden?: readonly number[] }, config: Partial<PpoConfig> = {}): Promise<Ppo> {
    const tf = await loadTf();
    const cfg = { ...DEFAULT_PPO_CONFIG, ...config, ...(shape.hidden === undefined ? {} : { hidden: shape.hidden }) };
    const policy = new ActorCritic({ observationSize: shape.observationSize, actionSpace: shape.actionSpace, hidden: cfg.hidden }, cfg.normalizeObs);
    policy.clipObs = cfg.clipObs;
    policy.init(new Rng(cfg.seed).fork(), cfg.initLogStd);
    return new Ppo(tf, policy, cfg);
  }

  /** An agent that goes on from a checkpoint (weights and observation statistics; Adam starts afresh). */
  static async fromCheckpoint(ck: PolicyCheckpoint, config: Partial<PpoConfig> = {}): Promise<Ppo> {
    const tf = await loadTf();
    const policy = ActorCritic.fromCheckpoint(ck);
    const cfg = { ...DEFAULT_PPO_CONFIG, ...(ck.config as Partial<PpoConfig>), ...config, hidden: ck.hidden, normalizeObs: ck.obsNorm !== null };
    const ppo = new Ppo(tf, policy, cfg);
    ppo.steps = ck.steps;
    return ppo;
  }

  checkpoint(): PolicyCheckpoint {
    return this.policy.checkpoint(this.steps, { ...this.config, hidden: [...this.config.hidden] });
  }

  dispose(): void {
    this.#theta.dispose();
    this.#m.dispose();
    this.#v.dispose();
  }

  /** Trains on `env` for `totalSteps` environment steps (rounded up to whole rollouts); the learning curve. */
  async learn(env: VecEnv, totalSteps: number, opts: LearnOptions = {}): Promise<IterationStats[]> {
    const cfg = this.config;
    const pol = this.policy;
    const n = env.count;
    const T = cfg.steps;
    const d = env.observationSize;
    const aw = pol.actionWidth;
    if (d !== pol.shape.observationSize) throw new RangeError(`env observations have ${d} numbers, the policy takes ${pol.shape.observationSize}`);
    const batch = n * T;
    const obsBuf = new Float64Array(batch * d);
    const actBuf = new Float64Array(batch * aw);
    const logpBuf = new Float64Array(batch);
    const valBuf = new Float64Array(batch);
    const rewBuf = new Float64Array(batch);
    const doneBuf = new Uint8Array(batch);
    const lastValues = new Float64Array(n);
    const termNorm = new Float64Array(d);
    const termValue = new Float64Array(1);
    const scaler = cfg.normalizeReward ? new RewardScaler(n, cfg.gamma) : null;
    const epReturn = new Float64Array(n);
    const epLength = new Float64Array(n);
    const recentReturns: number[] = [];
    const recentLengths: number[] = [];
    let episodes = 0;
    const curve: IterationStats[] = [];
    const t0 = performance.now();
    const iterations = Math.ceil(totalSteps / batch);
    let obs = await env.reset((cfg.seed + this.#learnCalls++ * 0x9e3779b9) >>> 0);

    for (let it = 0; it < iterations; it++) {
      const lr = cfg.anneal ? cfg.learningRate * (1 - it / iterations) : cfg.learningRate;
      for (let t = 0; t < T; t++) {
        pol.obsNorm?.update(obs, n);
        const at = t * n;
        pol.act(obs, n, this.#actRng, actBuf.subarray(at * aw, (at + n) * aw), logpBuf.subarray(at, at + n), obsBuf.subarray(at * d, (at + n) * d), valBuf.subarray(at, at + n));
        const r = await env.step(actBuf.subarray(at * aw, (at + n) * aw));
        const rewards = r.rewards.slice();
        for (let i = 0; i < n; i++) {
          epReturn[i] = epReturn[i]! + r.rewards[i]!;
          epLength[i] = epLength[i]! + 1;
          if (r.dones[i] === 1) {
            recentReturns.push(epReturn[i]!);
            recentLengths.push(epLength[i]!);
            if (recentReturns.length > WINDOW) { recentReturns.shift(); recentLengths.shift(); }
            episodes++;
            epReturn[i] = 0;
            epLength[i] = 0;
          }
        }
        scaler?.scale(rewards, r.dones);
        for (let i = 0; i < n; i++) {
          if (r.truncated[i] === 1) {
            // Cut by a time limit: the episode would have gone on, so bootstrap its last state's value.
            pol.normalize(r.terminalObservations.subarray(i * d, (i + 1) * d), 1, termNorm);
            pol.valuesOf(termNorm, 1, termValue);
            rewards[i] = rewards[i]! + cfg.gamma * termValue[0]!;
          }
          rewBuf[at + i] = rewards[i]!;
          doneBuf[at + i] = r.dones[i]!;
        }
        obs = r.observations;
      }
      this.steps += batch;
      // Values of the observations after the rollout (normalized as the next rollout will see them).
      const lastNorm = new Float64Array(n * d);
      pol.normalize(obs, n, lastNorm);
      pol.valuesOf(lastNorm, n, lastValues);
      const { advantages, returns } = computeGae(rewBuf, valBuf, doneBuf, lastValues, T, n, cfg.gamma, cfg.lambda);
      const u = this.#update(obsBuf, actBuf, logpBuf, valBuf, advantages, returns, batch, lr);
      const mean = (a: number[]): number => (a.length === 0 ? NaN : a.reduce((x, y) => x + y, 0) / a.length);
      const s: IterationStats = {
        iteration: curve.length, steps: this.steps, episodes, meanEpisodeReturn: mean(recentReturns), meanEpisodeLength: mean(recentLengths),
        ...u, learningRate: lr, seconds: (performance.now() - t0) / 1000,
      };
      curve.push(s);
      if (opts.onIteration?.(s) === true) break;
    }
    return curve;
  }

  /** Epochs of shuffled minibatches over one rollout; mean statistics of the minibatches. */
  #update(
    obs: Float64Array, act: Float64Array, logp: Float64Array, values: Float64Array, adv: Float64Array, ret: Float64Array, batch: number, lr: number,
  ): Pick<IterationStats, 'policyLoss' | 'valueLoss' | 'entropy' | 'approxKl' | 'clipFraction' | 'updates'> {
    const cfg = this.config;
    const tf = this.#tf;
    const pol = this.policy;
    const d = pol.shape.observationSize;
    const aw = pol.actionWidth;
    const mb = Math.min(cfg.minibatchSize, batch);
    const idx = new Int32Array(batch);
    for (let i = 0; i < batch; i++) idx[i] = i;
    const xObs = new Float32Array(mb * d);
    const xAct = pol.shape.actionSpace.kind === 'discrete' ? new Int32Array(mb) : new Float32Array(mb * aw);
    const xLogp = new Float32Array(mb);
    const xAdv = new Float32Array(mb);
    const xRet = new Float32Array(mb);
    const xVal = new Float32Array(mb);
    const sum = [0, 0, 0, 0, 0];
    let updates = 0;
    let stop = false;
    for (let epoch = 0; epoch < cfg.epochs && !stop; epoch++) {
      const rng = this.#shuffleRng;
      for (let i = batch - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = t;
      }
      for (let start = 0; start + mb <= batch; start += mb) {
        let am = 0;
        for (let k = 0; k < mb; k++) am += adv[idx[start + k]!]!;
        am /= mb;
        let av = 0;
        for (let k = 0; k < mb; k++) av += (adv[idx[start + k]!]! - am) ** 2;
        const asd = Math.sqrt(av / Math.max(1, mb - 1));
        for (let k = 0; k < mb; k++) {
          const i = idx[start + k]!;
          for (let j = 0; j < d; j++) xObs[k * d + j] = obs[i * d + j]!;
          for (let j = 0; j < aw; j++) xAct[k * aw + j] = act[i * aw + j]!;
          xLogp[k] = logp[i]!;
          xAdv[k] = cfg.normalizeAdvantage ? (adv[i]! - am) / (asd + 1e-8) : adv[i]!;
          xRet[k] = ret[i]!;
          xVal[k] = values[i]!;
        }
        const stats = this.#step(tf, mb, xObs, xAct, xLogp, xAdv, xRet, xVal, lr);
        for (let k = 0; k < 5; k++) sum[k] = sum[k]! + stats[k]!;
        updates++;
        if (cfg.targetKl !== null && stats[3]! > 1.5 * cfg.targetKl) {
          stop = true;
          break;
        }
      }
    }
    const m = (k: number): number => (updates === 0 ? NaN : sum[k]! / updates);
    // Acting in JS uses the trained θ from now on.
    pol.params.set(this.#theta.dataSync() as Float32Array);
    pol.paramsChanged();
    return { policyLoss: m(0), valueLoss: m(1), entropy: m(2), approxKl: m(3), clipFraction: m(4), updates };
  }

  /** One gradient step on a minibatch; [policy loss, value loss, entropy, approx KL, clip fraction]. */
  #step(
    tf: TfModule, mb: number, xObs: Float32Array, xAct: Int32Array | Float32Array, xLogp: Float32Array, xAdv: Float32Array, xRet: Float32Array, xVal: Float32Array, lr: number,
  ): Float32Array {
    const cfg = this.config;
    const pol = this.policy;
    const space = pol.shape.actionSpace;
    const theta = this.#theta;
    let statsT: Tensor | null = null;
    tf.tidy(() => {
      const obs = tf.tensor2d(xObs, [mb, pol.shape.observationSize]);
      const act = space.kind === 'discrete' ? tf.tensor1d(xAct as Int32Array, 'int32') : tf.tensor2d(xAct as Float32Array, [mb, pol.actionWidth]);
      const oldLogp = tf.tensor1d(xLogp);
      const adv = tf.tensor1d(xAdv);
      const ret = tf.tensor1d(xRet);
      const oldV = tf.tensor1d(xVal);
      const { grads } = tf.variableGrads(() => {
        const sizes = [pol.actor.size, pol.critic.size];
        if (pol.size > pol.logStdOffset) sizes.push(pol.size - pol.logStdOffset);
        const pieces = tf.split(theta, sizes);
        const head = mlp(tf, pieces[0]!, pol.actor.shapes(), obs);
        const value = tf.reshape(mlp(tf, pieces[1]!, pol.critic.shapes(), obs), [mb]);
        let lp: Tensor;
        let entropy: Tensor;
        if (space.kind === 'discrete') {
          const logits = tf.logSoftmax(head);
          lp = tf.sum(tf.mul(logits, tf.oneHot(act as never, space.n)), 1);
          entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logits), logits), 1)));
        } else {
          const logStd = pieces[2]!;
          const z = tf.div(tf.sub(act, head), tf.exp(logStd));
          lp = tf.sum(tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), logStd), LOG_SQRT_2PI), 1);
          entropy = tf.sum(tf.add(logStd, 0.5 + LOG_SQRT_2PI));
        }
        const logRatio = tf.sub(lp, oldLogp);
        const ratio = tf.exp(logRatio);
        const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - cfg.clipRange, 1 + cfg.clipRange), adv));
        const policyLoss = tf.neg(tf.mean(surrogate));
        let valueLoss: Tensor = tf.mean(tf.square(tf.sub(value, ret)));
        if (cfg.clipRangeValue !== null) {
          const clipped = tf.add(oldV, tf.clipByValue(tf.sub(value, oldV), -cfg.clipRangeValue, cfg.clipRangeValue));
          valueLoss = tf.mean(tf.maximum(tf.square(tf.sub(value, ret)), tf.square(tf.sub(clipped, ret))));
        }
        const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
        const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipRange), 'float32'));
        statsT = tf.keep(tf.stack([policyLoss, valueLoss, entropy, approxKl, clipFraction]));
        return tf.sub(tf.add(policyLoss, tf.mul(valueLoss, cfg.valueCoef)), tf.mul(entropy, cfg.entropyCoef)) as never;
      }, [theta]);
      // Global gradient-norm clipping, then Adam (PyTorch's form: bias-corrected moments, eps outside the root).
      const g0 = grads[theta.name]!;
      const norm = tf.sqrt(tf.sum(tf.square(g0)));
      const g = tf.mul(g0, tf.minimum(1, tf.div(cfg.maxGradNorm, tf.add(norm, 1e-6))));
      this.#adamT++;
      const b1 = 0.9;
      const b2 = 0.999;
      const c1 = 1 / (1 - b1 ** this.#adamT);
      const c2 = 1 / (1 - b2 ** this.#adamT);
      const m = tf.add(tf.mul(this.#m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(this.#v, b2), tf.mul(tf.square(g), 1 - b2));
      this.#m.assign(m);
      this.#v.assign(v);
      theta.assign(tf.sub(theta, tf.div(tf.mul(m, lr * c1), tf.add(tf.sqrt(tf.mul(v, c2)), cfg.adamEpsilon))));
    });
    const t = statsT as unknown as Tensor;
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }
}

/** The MLP of `pieces` (W, b per layer; tanh between) applied to x, in tfjs. */
function mlp(tf: TfModule, flat: Tensor, shapes: readonly number[][], x: Tensor): Tensor {
  const parts = tf.split(flat, shapes.map((s) => s.reduce((a, b) => a * b, 1)));
  let h = x;
  for (let l = 0; l < shapes.length; l += 2) {
    const w = tf.reshape(parts[l]!, shapes[l]!);
    h = tf.add(tf.matMul(h as never, w as never), parts[l + 1]!);
    if (l + 2 < shapes.length) h = tf.tanh(h);
  }
  return h;
}
