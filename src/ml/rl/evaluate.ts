// Runs a policy on one environment for whole episodes (no learning): the returns, for evaluation.
import { Rng } from '../../core/rng.ts';
import type { ActorCritic } from './actor-critic.ts';
import type { Env } from './env.ts';

export interface EvaluateOptions {
  readonly episodes: number;
  /** Seed of the first episode's reset (episode k resets with seed + k). */
  readonly seed: number;
  /** Most likely action (argmax / mean) instead of sampling. Default true. */
  readonly deterministic?: boolean;
  /** Stop an episode after this many steps (default: none beyond the env's own limit). */
  readonly maxSteps?: number;
}

/** Undiscounted return of each episode. */
export function evaluatePolicy(policy: ActorCritic, env: Env, opts: EvaluateOptions): Float64Array {
  const out = new Float64Array(opts.episodes);
  const rng = opts.deterministic === false ? new Rng(opts.seed) : null;
  const action = new Float64Array(policy.actionWidth);
  const discrete = env.actionSpace.kind === 'discrete';
  const max = opts.maxSteps ?? Infinity;
  for (let e = 0; e < opts.episodes; e++) {
    let obs = env.reset(opts.seed + e);
    let total = 0;
    for (let t = 0; t < max; t++) {
      policy.act(obs, 1, rng, action);
      const r = env.step(discrete ? action[0]! : action);
      total += r.reward;
      if (r.done) break;
      obs = r.observation;
    }
    out[e] = total;
  }
  return out;
}
