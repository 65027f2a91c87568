// The gym-style environment contract (reset / step) and its vectorized form. Environments are
// synchronous and deterministic given their seed; a VecEnv is asynchronous so that its envs may live
// in worker threads (src/engine/gym/worker-vec-env.ts), and resets each finished env by itself.
import type { ActionSpace } from './spaces.ts';

/** Numbers an environment reports beside the reward (equity, position, costs, ...). */
export type EnvInfo = Readonly<Record<string, number>>;

export interface StepResult {
  readonly observation: Float64Array;
  readonly reward: number;
  /** The episode is over (terminated, or cut by a time limit). */
  readonly done: boolean;
  /** It was cut by a time limit, not terminated: the value of `observation` is still worth bootstrapping. */
  readonly truncated: boolean;
  readonly info?: EnvInfo;
}

export interface Env {
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  /** Starts an episode; a seed reseeds the environment's random stream, none continues it. */
  reset(seed?: number): Float64Array;
  /** A discrete action is its index; a box action is `actionSpace.size` numbers. */
  step(action: number | Float64Array): StepResult;
}

/** One step of every env of a VecEnv, in flat arrays (row i is env i). */
export interface VecStep {
  /** count × observationSize: the next observation, already the first of a new episode where `dones[i]`. */
  readonly observations: Float64Array;
  readonly rewards: Float64Array;
  readonly dones: Uint8Array;
  readonly truncated: Uint8Array;
  /** count × observationSize: the last observation of the finished episode, in rows where `dones[i]`. */
  readonly terminalObservations: Float64Array;
  /** The last step's info of each env that finished an episode (null for the others). */
  readonly infos: readonly (EnvInfo | null)[];
}

export interface VecEnv {
  readonly count: number;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  /** Resets every env, env i with `envSeed(seed, i)`; count × observationSize observations. */
  reset(seed: number): Promise<Float64Array>;
  /** `actions` is count × actionSize(actionSpace). */
  step(actions: Float64Array): Promise<VecStep>;
  close(): Promise<void>;
}

/** The seed of env `i` of a VecEnv reset with `seed` (well mixed, so nearby seeds share no stream). */
export function envSeed(seed: number, i: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Output buffers of a batch of envs. */
export interface VecBuffers {
  observations: Float64Array;
  rewards: Float64Array;
  dones: Uint8Array;
  truncated: Uint8Array;
  terminalObservations: Float64Array;
  infos: (EnvInfo | null)[];
}

export function vecBuffers(count: number, observationSize: number): VecBuffers {
  return {
    observations: new Float64Array(count * observationSize), rewards: new Float64Array(count), dones: new Uint8Array(count),
    truncated: new Uint8Array(count), terminalObservations: new Float64Array(count * observationSize), infos: new Array<EnvInfo | null>(count).fill(null),
  };
}

/**
 * Steps `envs` (rows 0.. of the buffers) with auto-reset: a finished env is reset at once (its random
 * stream continues) and its terminal observation kept. Both VecEnv implementations use this, so
 * in-process and worker envs give the same trajectories.
 */
export function stepEnvs(envs: readonly Env[], actions: Float64Array, actionWidth: number, out: VecBuffers): void {
  const d = envs[0]?.observationSize ?? 0;
  const discreteAction = envs[0]?.actionSpace.kind === 'discrete';
  for (let k = 0; k < envs.length; k++) {
    const env = envs[k]!;
    const at = k * actionWidth;
    const r = env.step(discreteAction ? actions[at]! : actions.subarray(at, at + actionWidth));
    out.rewards[k] = r.reward;
    out.dones[k] = r.done ? 1 : 0;
    out.truncated[k] = r.truncated ? 1 : 0;
    if (r.done) {
      out.terminalObservations.set(r.observation, k * d);
      out.infos[k] = r.info ?? {};
      out.observations.set(env.reset(), k * d);
    } else {
      out.infos[k] = null;
      out.observations.set(r.observation, k * d);
    }
  }
}

/** Resets `envs` into rows 0.. of `out`; env k is env `first + k` of the VecEnv and gets `envSeed(seed, first + k)`. */
export function resetEnvs(envs: readonly Env[], seed: number, out: Float64Array, first = 0): void {
  const d = envs[0]?.observationSize ?? 0;
  for (let k = 0; k < envs.length; k++) out.set(envs[k]!.reset(envSeed(seed, first + k)), k * d);
}

/** Every env in this thread, stepped one after another. */
export class SyncVecEnv implements VecEnv {
  readonly count: number;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  readonly #envs: readonly Env[];
  readonly #width: number;

  constructor(envs: readonly Env[]) {
    if (envs.length === 0) throw new RangeError('a VecEnv needs at least one env');
    this.#envs = envs;
    this.count = envs.length;
    this.observationSize = envs[0]!.observationSize;
    this.actionSpace = envs[0]!.actionSpace;
    this.#width = this.actionSpace.kind === 'discrete' ? 1 : this.actionSpace.size;
  }

  get envs(): readonly Env[] {
    return this.#envs;
  }

  reset(seed: number): Promise<Float64Array> {
    const out = new Float64Array(this.count * this.observationSize);
    resetEnvs(this.#envs, seed, out);
    return Promise.resolve(out);
  }

  step(actions: Float64Array): Promise<VecStep> {
    const out = vecBuffers(this.count, this.observationSize);
    stepEnvs(this.#envs, actions, this.#width, out);
    return Promise.resolve(out);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
