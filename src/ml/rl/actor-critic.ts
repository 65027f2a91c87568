// The policy and value networks as plain numbers: two MLPs (actor, critic) and, for box actions, a
// state-independent log standard deviation, in one float32 vector θ = [actor | critic | logStd] (the
// layout the tfjs trainer slices). Acting runs in plain JS on batches of observations, normalized by
// the running statistics saved with the policy. Checkpoints are JSON-safe (θ as base64 float32).
import type { Rng } from '../../core/rng.ts';
import { MlpLayout, MlpScratch, mlpForward, orthogonalInit, packMlp } from './mlp.ts';
import { RunningMeanStd, type RunningStatsState } from './running-stats.ts';
import { actionSize, type ActionSpace } from './spaces.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export interface PolicyShape {
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  readonly hidden: readonly number[];
}

/** A saved policy: everything needed to act exactly as it did, and to go on training it. */
export interface PolicyCheckpoint {
  readonly format: 'sextant.rl-policy';
  readonly version: 1;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  readonly hidden: readonly number[];
  /** θ as little-endian float32, base64. */
  readonly params: string;
  /** Observation normalizer (null when observations are used as they are). */
  readonly obsNorm: RunningStatsState | null;
  readonly clipObs: number;
  /** Environment steps trained on. */
  readonly steps: number;
  /** The trainer's configuration (JSON-safe), for the record. */
  readonly config: Readonly<Record<string, unknown>>;
}

export class ActorCritic {
  readonly actor: MlpLayout;
  readonly critic: MlpLayout;
  /** Numbers per action (1 for discrete); the actor outputs logits (discrete) or means (box). */
  readonly actionWidth: number;
  readonly actorOutputs: number;
  readonly logStdOffset: number;
  readonly size: number;
  /** θ; after writing to it, call `paramsChanged()` (acting uses a repacked copy). */
  readonly params: Float32Array;
  obsNorm: RunningMeanStd | null;
  #actorW: Float64Array = new Float64Array(0);
  #criticW: Float64Array = new Float64Array(0);
  clipObs = 10;
  #scratch: MlpScratch | null = null;
  #rows = 0;
  #norm = new Float64Array(0);
  #head = new Float64Array(0);

  constructor(readonly shape: PolicyShape, normalizeObs: boolean) {
    const space = shape.actionSpace;
    this.actionWidth = actionSize(space);
    this.actorOutputs = space.kind === 'discrete' ? space.n : space.size;
    this.actor = new MlpLayout(shape.observationSize, shape.hidden, this.actorOutputs);
    this.critic = new MlpLayout(shape.observationSize, shape.hidden, 1);
    this.logStdOffset = this.actor.size + this.critic.size;
    this.size = this.logStdOffset + (space.kind === 'box' ? space.size : 0);
    this.params = new Float32Array(this.size);
    this.obsNorm = normalizeObs ? new RunningMeanStd(shape.observationSize) : null;
  }

  /** Orthogonal weights (policy head gain 0.01, value head 1), zero biases, log std `initLogStd`. */
  init(rng: Rng, initLogStd = 0): void {
    orthogonalInit(this.actor, this.params, 0, rng, 0.01);
    orthogonalInit(this.critic, this.params, this.actor.size, rng, 1);
    this.params.fill(initLogStd, this.logStdOffset, this.size);
    this.paramsChanged();
  }

  /** Repacks θ for the JS forward pass; call after every change to `params`. */
  paramsChanged(): void {
    this.#actorW = packMlp(this.actor, this.params, 0);
    this.#criticW = packMlp(this.critic, this.params, this.actor.size);
  }

  #ensure(rows: number): void {
    if (rows <= this.#rows) return;
    this.#rows = rows;
    // The actor's widths cover the critic's hidden layers (same input and hidden sizes).
    this.#scratch = new MlpScratch(this.actor, rows);
    this.#norm = new Float64Array(rows * this.shape.observationSize);
    this.#head = new Float64Array(rows * this.actorOutputs);
  }

  /** Observations as the networks see them (normalized and clipped when a normalizer is set). */
  normalize(obs: Float64Array, rows: number, out: Float64Array): void {
    if (this.obsNorm === null) out.set(obs.subarray(0, rows * this.shape.observationSize));
    else this.obsNorm.normalize(obs, rows, out, this.clipObs);
  }

  /** Values of `rows` observations (already normalized). */
  valuesOf(normObs: Float64Array, rows: number, out: Float64Array): void {
    this.#ensure(rows);
    mlpForward(this.critic, this.#criticW, normObs, rows, out, this.#scratch!);
  }

  /**
   * Actions for `rows` raw observations: sampled with `rng`, or the most likely (argmax / mean) when
   * rng is null. Writes actions (rows × actionWidth), their log-probabilities, and when asked the
   * normalized observations and values.
   */
  act(obs: Float64Array, rows: number, rng: Rng | null, actions: Float64Array, logp?: Float64Array, normOut?: Float64Array, values?: Float64Array): void {
    this.#ensure(rows);
    const x = normOut ?? this.#norm;
    this.normalize(obs, rows, x);
    const head = this.#head;
    mlpForward(this.actor, this.#actorW, x, rows, head, this.#scratch!);
    if (values !== undefined) mlpForward(this.critic, this.#criticW, x, rows, values, this.#scratch!);
    const space = this.shape.actionSpace;
    if (space.kind === 'discrete') {
      const n = space.n;
      for (let r = 0; r < rows; r++) {
        const o = r * n;
        let max = -Infinity;
        let arg = 0;
        for (let j = 0; j < n; j++) if (head[o + j]! > max) { max = head[o + j]!; arg = j; }
        let z = 0;
        for (let j = 0; j < n; j++) z += Math.exp(head[o + j]! - max);
        const logZ = max + Math.log(z);
        let a = arg;
        if (rng !== null) {
          let u = rng.next() * z;
          a = n - 1;
          for (let j = 0; j < n; j++) {
            u -= Math.exp(head[o + j]! - max);
            if (u < 0) { a = j; break; }
          }
        }
        actions[r] = a;
        if (logp !== undefined) logp[r] = head[o + a]! - logZ;
      }
    } else {
      const d = space.size;
      const ls = this.logStdOffset;
      for (let r = 0; r < rows; r++) {
        let lp = 0;
        for (let j = 0; j < d; j++) {
          const logStd = this.params[ls + j]!;
          const eps = rng === null ? 0 : rng.normal();
          actions[r * d + j] = head[r * d + j]! + Math.exp(logStd) * eps;
          lp += -0.5 * eps * eps - logStd - LOG_SQRT_2PI;
        }
        if (logp !== undefined) logp[r] = lp;
      }
    }
  }

  checkpoint(steps: number, config: Readonly<Record<string, unknown>>): PolicyCheckpoint {
    return {
      format: 'sextant.rl-policy', version: 1, observationSize: this.shape.observationSize, actionSpace: this.shape.actionSpace,
      hidden: [...this.shape.hidden], params: floatsToBase64(this.params), obsNorm: this.obsNorm?.save() ?? null, clipObs: this.clipObs,
      steps, config,
    };
  }

  static fromCheckpoint(ck: PolicyCheckpoint): ActorCritic {
    if (ck.format !== 'sextant.rl-policy' || ck.version !== 1) throw new TypeError(`not a policy checkpoint (format ${String(ck.format)} version ${String(ck.version)})`);
    const ac = new ActorCritic({ observationSize: ck.observationSize, actionSpace: ck.actionSpace, hidden: ck.hidden }, false);
    const p = base64ToFloats(ck.params);
    if (p.length !== ac.size) throw new TypeError(`policy checkpoint has ${p.length} parameters, its shape needs ${ac.size}`);
    ac.params.set(p);
    ac.paramsChanged();
    ac.obsNorm = ck.obsNorm === null ? null : RunningMeanStd.load(ck.obsNorm);
    ac.clipObs = ck.clipObs;
    return ac;
  }
}

export function floatsToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i]!, true);
  return Buffer.from(bytes).toString('base64');
}

export function base64ToFloats(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) throw new TypeError('base64 float32 data has a length that is not a multiple of 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
