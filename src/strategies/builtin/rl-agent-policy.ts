// The `policy` param of the rl-agent strategy: a PPO policy written by `sextant rl train`, with what it needs
// to act exactly as it did in training: the observation it was trained on (the market features of
// src/ml/rl/observations.ts, then the account's position weight and unrealized PnL / equity, as
// src/engine/gym/trading-env.ts builds them) and how its actions became orders (discrete flat/long/short or a
// continuous target weight, the weight of action ±1, the rebalance band, the contract multiplier).
// A walk-forward evaluation gives the strategy a schedule instead: one policy per retraining.
import { z } from 'zod';
import { ActorCritic, type PolicyCheckpoint } from '../../ml/rl/actor-critic.ts';
import { logReturns, type MarketFeatures } from '../../ml/rl/observations.ts';
import { FileParamError } from '../file-params.ts';
import { checkIncreasing, indexAt } from './time-schedule.ts';

export const POLICY_FILE_FORMAT = 'sextant-rl-policy/1';

/** What the policy sees per bar: market features (the last `logReturns` log returns), then the account's two numbers. */
export const ObservationSpecSchema = z.object({
  features: z.object({ logReturns: z.number().int().min(1).max(10_000) }).strict(),
  account: z.boolean(),
});
export type ObservationSpec = z.infer<typeof ObservationSpecSchema>;

/** How an action becomes a target position (TradingEnv's settings). */
export const ActionSpecSchema = z.object({
  kind: z.enum(['discrete', 'continuous']),
  /** The weight of action ±1 (1: the whole equity). */
  maxWeight: z.number().positive().max(100),
  /** No order when the target moves the weight by no more than this. */
  rebalanceBand: z.number().min(0).max(1),
  /** Contract multiplier of the instrument it was trained on. */
  multiplier: z.number().positive(),
});
export type ActionSpec = z.infer<typeof ActionSpecSchema>;

const StatsSchema = z.object({ mean: z.array(z.number()), var: z.array(z.number().min(0)), count: z.number().positive() });

const CheckpointSchema = z.object({
  format: z.literal('sextant.rl-policy'),
  version: z.literal(1),
  observationSize: z.number().int().min(1),
  actionSpace: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('discrete'), n: z.number().int().min(2) }),
    z.object({ kind: z.literal('box'), size: z.number().int().min(1), low: z.number(), high: z.number() }),
  ]),
  hidden: z.array(z.number().int().min(1).max(4096)).max(16),
  params: z.string(),
  obsNorm: StatsSchema.nullable(),
  clipObs: z.number().positive(),
  steps: z.number().min(0),
  config: z.record(z.string(), z.unknown()),
});

export const PolicyFileSchema = z.object({
  format: z.literal(POLICY_FILE_FORMAT),
  policy: CheckpointSchema,
  observation: ObservationSpecSchema,
  action: ActionSpecSchema,
  /** How it was trained (data, hash, reward, env, PPO settings, libraries, learning curve): for the record. */
  metadata: z.record(z.string(), z.unknown()),
});

/** A policy file as `sextant rl train` writes it. */
export interface PolicyFile {
  readonly format: typeof POLICY_FILE_FORMAT;
  readonly policy: PolicyCheckpoint;
  readonly observation: ObservationSpec;
  readonly action: ActionSpec;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Market features of an observation spec: the very function the training env used. */
export function marketFeatures(spec: ObservationSpec): MarketFeatures {
  return logReturns(spec.features.logReturns);
}

/** Numbers of an observation: the market features, then position weight and unrealized PnL / equity. */
export function observationSize(spec: ObservationSpec): number {
  return spec.features.logReturns + (spec.account ? 2 : 0);
}

const DISCRETE_WEIGHTS = [0, 1, -1];

/** A trained policy ready to act. JSON.stringify gives its source (a file name), not its content. */
export class LoadedPolicy {
  constructor(
    readonly policy: ActorCritic,
    readonly observation: ObservationSpec,
    readonly action: ActionSpec,
    readonly metadata: Readonly<Record<string, unknown>>,
    /** Where it came from: the file's path, or a description. */
    readonly source: string,
  ) {
    const want = observationSize(observation);
    if (policy.shape.observationSize !== want) {
      throw new FileParamError(`the policy takes ${policy.shape.observationSize} numbers, its observation spec makes ${want}`, 'policy.observationSize');
    }
    const space = policy.shape.actionSpace;
    if (action.kind === 'discrete' ? !(space.kind === 'discrete' && space.n === 3) : !(space.kind === 'box' && space.size === 1)) {
      throw new FileParamError(`a ${action.kind} trading policy needs ${action.kind === 'discrete' ? 'a discrete action space of 3 (flat, long, short)' : 'a box action space of size 1'}`, 'policy.actionSpace');
    }
  }

  /** The target weight of an action as TradingEnv.weightOf gives it (discrete: 0 flat, 1 long, 2 short; continuous: clipped to ±1). */
  weightOf(action: number): number {
    if (this.action.kind === 'discrete') return (DISCRETE_WEIGHTS[action] ?? 0) * this.action.maxWeight;
    return (action > 1 ? 1 : action < -1 ? -1 : Number.isNaN(action) ? 0 : action) * this.action.maxWeight;
  }

  toJSON(): string {
    return this.source;
  }
}

/** Policies by time: each entry acts from `fromMs` (a bar's open time) until the next entry's. */
export class PolicySchedule {
  readonly entries: readonly { readonly fromMs: number; readonly policy: LoadedPolicy }[];

  constructor(entries: readonly { readonly fromMs: number; readonly policy: LoadedPolicy }[], readonly label = `${entries.length} walk-forward policies`) {
    if (entries.length === 0) throw new RangeError('policy schedule: no policies');
    checkIncreasing(entries, 'policy schedule');
    const first = entries[0]!.policy;
    const same = (p: LoadedPolicy): boolean => JSON.stringify([p.observation, p.action]) === JSON.stringify([first.observation, first.action]);
    if (!entries.every((e) => same(e.policy))) throw new RangeError('policy schedule: every policy must use the same observation and action specs');
    this.entries = entries;
  }

  /** Index of the entry in force at `tsMs` (-1 before the first). */
  indexAt(tsMs: number, hint = 0): number {
    return indexAt(this.entries, tsMs, hint);
  }

  toJSON(): string {
    return this.label;
  }
}

/** A LoadedPolicy from a policy file's parsed JSON. FileParamError names the bad field. */
export function policyFromJson(json: unknown, source: string): LoadedPolicy {
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== POLICY_FILE_FORMAT) {
    throw new FileParamError(`format is ${JSON.stringify(format) ?? 'missing'}, not "${POLICY_FILE_FORMAT}" (a policy file written by \`sextant rl train\`)`, 'format');
  }
  const r = PolicyFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new FileParamError(issue.message, issue.path.map(String).join('.') || undefined);
  }
  const f = r.data;
  const ck = f.policy;
  const d = ck.observationSize;
  if (ck.obsNorm !== null && (ck.obsNorm.mean.length !== d || ck.obsNorm.var.length !== d)) {
    throw new FileParamError(`the observation statistics have ${ck.obsNorm.mean.length} means and ${ck.obsNorm.var.length} variances; the policy takes ${d} numbers`, 'policy.obsNorm');
  }
  let ac: ActorCritic;
  try {
    ac = ActorCritic.fromCheckpoint(ck as PolicyCheckpoint);
  } catch (e) {
    throw new FileParamError((e as Error).message, 'policy.params');
  }
  for (const v of ac.params) if (!Number.isFinite(v)) throw new FileParamError('the weights hold a number that is not finite', 'policy.params');
  return new LoadedPolicy(ac, f.observation, f.action, f.metadata, source);
}

/** The strategy's file-param loader (`--param policy=<file>`; src/app/strategy-file-params.ts reads the file). */
export function loadPolicyParam(json: unknown, file: string): LoadedPolicy {
  return policyFromJson(json, file);
}
