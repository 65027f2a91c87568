// A hand-made policy for tests of rl-agent (its own, the look-ahead check, meta's RL agent): an actor-critic
// with seeded random weights, scaled so its actions change often, built without training (no tfjs), so a test
// can make one synchronously.
import { Rng } from '../../core/rng.ts';
import { ActorCritic } from '../../ml/rl/actor-critic.ts';
import { box, discrete } from '../../ml/rl/spaces.ts';
import { LoadedPolicy, observationSize, type ActionSpec, type ObservationSpec } from './rl-agent-policy.ts';

export interface HandPolicyOptions {
  readonly seed?: number;
  readonly window?: number;
  readonly actions?: 'discrete' | 'continuous';
  readonly account?: boolean;
  /** Multiplies the actor's weights (larger: more decisive, more changes of action). Default 30. */
  readonly gain?: number;
  readonly hidden?: readonly number[];
  readonly action?: Partial<ActionSpec>;
  readonly source?: string;
}

export function handPolicy(o: HandPolicyOptions = {}): LoadedPolicy {
  const observation: ObservationSpec = { features: { logReturns: o.window ?? 4 }, account: o.account ?? true };
  const kind = o.actions ?? 'discrete';
  const d = observationSize(observation);
  const ac = new ActorCritic({ observationSize: d, actionSpace: kind === 'discrete' ? discrete(3) : box(1, -1, 1), hidden: o.hidden ?? [8] }, true);
  ac.init(new Rng(o.seed ?? 1));
  const gain = o.gain ?? 30;
  for (let i = 0; i < ac.actor.size; i++) ac.params[i] = ac.params[i]! * gain;
  ac.paramsChanged();
  // Observation statistics of daily log returns (std ~1%) and of the account numbers.
  const mean = new Float64Array(d);
  const variance = new Float64Array(d).fill(1e-4);
  if (observation.account) {
    variance[d - 2] = 0.5;
    variance[d - 1] = 1e-3;
  }
  ac.obsNorm!.mean.set(mean);
  ac.obsNorm!.var.set(variance);
  const action: ActionSpec = { kind, maxWeight: 1, rebalanceBand: 0.05, multiplier: 1, ...o.action };
  return new LoadedPolicy(ac, observation, action, { note: 'hand-made test policy' }, o.source ?? 'hand-made policy');
}
