// Trains a PPO policy on the trading env over a range of bars: N envs (in this thread, or in worker threads
// with `workers`), episodes drawn at random starts inside the range, the seed behind everything. Used by
// `rl train` (the whole data) and `rl evaluate` (each walk-forward training window).
import { ConfigError } from '../../core/errors.ts';
import type { BarSeries } from '../../model/bar.ts';
import { createTradingEnv, seriesColumns, TRADING_ENV_FACTORY, type TradingEnvSpec } from '../../engine/gym/trading-env-factory.ts';
import { WorkerVecEnv } from '../../engine/gym/worker-vec-env.ts';
import type { PolicyCheckpoint } from '../../ml/rl/actor-critic.ts';
import { SyncVecEnv, type VecEnv } from '../../ml/rl/env.ts';
import { Ppo, type IterationStats, type PpoConfig } from '../../ml/rl/ppo.ts';
import { rewardSpec, TRADING_PPO, type EnvSettings, type TrainSettings } from './settings.ts';

/** One point of a learning curve (NaN as null, so it survives JSON). */
export interface CurvePoint {
  readonly iteration: number;
  readonly steps: number;
  readonly episodes: number;
  /** Mean undiscounted return of the last 100 finished training episodes (reward units). */
  readonly meanEpisodeReturn: number | null;
  readonly policyLoss: number | null;
  readonly valueLoss: number | null;
  readonly entropy: number | null;
  readonly approxKl: number | null;
  readonly clipFraction: number | null;
  readonly seconds: number;
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function curvePoint(s: IterationStats): CurvePoint {
  return {
    iteration: s.iteration, steps: s.steps, episodes: s.episodes, meanEpisodeReturn: fin(s.meanEpisodeReturn), policyLoss: fin(s.policyLoss),
    valueLoss: fin(s.valueLoss), entropy: fin(s.entropy), approxKl: fin(s.approxKl), clipFraction: fin(s.clipFraction), seconds: s.seconds,
  };
}

export interface TrainedPolicy {
  readonly checkpoint: PolicyCheckpoint;
  readonly ppo: PpoConfig;
  readonly curve: readonly CurvePoint[];
  /** Wall seconds of the training (rollouts and updates). */
  readonly seconds: number;
  /** Worker threads the envs ran on (0: this thread). */
  readonly threads: number;
}

/** The env spec of a training run over bars [from, to) of `series`. */
export function tradingEnvSpec(series: BarSeries, from: number, to: number, env: EnvSettings, shared: boolean): TradingEnvSpec {
  return {
    series: seriesColumns(series, shared), episodeLength: env.episodeBars, actions: env.actions, features: { logReturns: env.window }, accountFeatures: true,
    reward: rewardSpec(env.reward), cash: env.cash, leverage: env.leverage, maxWeight: env.maxWeight, rebalanceBand: env.rebalanceBand,
    commission: env.commission, slippageBps: env.slippageBps, sampling: 'random', range: { from, to }, instrument: env.instrument,
  };
}

/** Bars a range needs for one episode: the features' look-back, the decisions, and the bar after the last. */
export function barsNeeded(env: EnvSettings): number {
  return env.window + env.episodeBars + 1;
}

export async function trainPolicy(
  series: BarSeries, from: number, to: number, env: EnvSettings, train: TrainSettings,
  hooks: { readonly onSteps?: (steps: number) => void; readonly rangeFlag?: string } = {},
): Promise<TrainedPolicy> {
  if (to - from < barsNeeded(env)) {
    throw new ConfigError(`an episode of ${env.episodeBars} bars needs ${barsNeeded(env)} bars (a ${env.window}-bar observation window first); the training range has ${to - from}: a smaller --episode-bars, or more data`, { field: hooks.rangeFlag ?? '--episode-bars' });
  }
  const spec = tradingEnvSpec(series, from, to, env, train.workers > 0);
  let vec: VecEnv;
  let threads = 0;
  if (train.workers > 0) {
    const w = await WorkerVecEnv.create({ ...TRADING_ENV_FACTORY, args: spec }, train.envs, { threads: train.workers });
    threads = w.threads;
    vec = w;
  } else {
    vec = new SyncVecEnv(await Promise.all(Array.from({ length: train.envs }, (_, i) => createTradingEnv(spec, i))));
  }
  try {
    const ppo = await Ppo.create({ observationSize: vec.observationSize, actionSpace: vec.actionSpace }, { ...TRADING_PPO, seed: train.seed });
    try {
      const t0 = performance.now();
      const curve = await ppo.learn(vec, train.steps, { onIteration: (s) => hooks.onSteps?.(s.steps) });
      const seconds = (performance.now() - t0) / 1000;
      return { checkpoint: ppo.checkpoint(), ppo: ppo.config, curve: curve.map(curvePoint), seconds, threads };
    } finally {
      ppo.dispose();
    }
  } finally {
    await vec.close();
  }
}

/** Environment steps a `learn` call of `steps` really takes (whole rollouts of every env). */
export function stepsTaken(steps: number, envs: number): number {
  const batch = envs * (TRADING_PPO.steps ?? 128);
  return Math.ceil(steps / batch) * batch;
}
