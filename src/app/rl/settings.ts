// The settings of `rl train` (and of the retraining in `rl evaluate`), checked in one place: the reward, the
// action space, the observation window, the episode length, the costs and the PPO budget. A bad value is a
// ConfigError naming its flag (CLI exit 2). Also the PPO hyper-parameters used on markets.
import { ConfigError } from '../../core/errors.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { PpoConfig } from '../../ml/rl/ppo.ts';
import type { RewardSpec } from '../../ml/rl/rewards.ts';

export const REWARD_KINDS = ['pnl', 'dsr', 'drawdown', 'cost-aware'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];
export const ACTION_KINDS = ['discrete', 'continuous'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Defaults of the trading env and of training. */
export const RL_DEFAULTS = {
  reward: 'pnl' as RewardKind,
  action: 'discrete' as ActionKind,
  steps: 50_000,
  envs: 8,
  workers: 0,
  seed: 1,
  episodeBars: 256,
  window: 16,
  cash: 100_000,
  leverage: 2,
  commission: 0,
  slippageBps: 0,
  maxWeight: 1,
  rebalanceBand: 0.05,
} as const;

/**
 * PPO on markets: 64x64 tanh networks, rollouts of 128 steps per env, 4 epochs of minibatches of 256, Adam at
 * 3e-4 decayed linearly to 0, γ 0.99, λ 0.95, entropy bonus 0.01, rewards scaled by the running std of the
 * discounted return (PnL is in currency units), observations normalized by running statistics.
 */
export const TRADING_PPO: Partial<PpoConfig> = {
  hidden: [64, 64], steps: 128, epochs: 4, minibatchSize: 256, learningRate: 3e-4, anneal: true, gamma: 0.99, lambda: 0.95,
  entropyCoef: 0.01, normalizeReward: true, normalizeObs: true,
};

/** The reward function a `--reward` name stands for (src/ml/rl/rewards.ts). */
export function rewardSpec(kind: RewardKind): RewardSpec {
  switch (kind) {
    case 'pnl':
      return { kind: 'pnl' };
    case 'dsr':
      return { kind: 'differential-sharpe' };
    case 'drawdown':
      return { kind: 'drawdown' };
    case 'cost-aware':
      return { kind: 'cost-aware' };
  }
}

export function rewardKindOf(v: string | undefined, flag = '--reward'): RewardKind {
  const k = v ?? RL_DEFAULTS.reward;
  if (!(REWARD_KINDS as readonly string[]).includes(k)) throw new ConfigError(`unknown reward "${k}": use ${REWARD_KINDS.join(', ')}`, { field: flag });
  return k as RewardKind;
}

export function actionKindOf(v: string | undefined, flag = '--action'): ActionKind {
  const k = v ?? RL_DEFAULTS.action;
  if (!(ACTION_KINDS as readonly string[]).includes(k)) throw new ConfigError(`unknown action space "${k}": use discrete or continuous`, { field: flag });
  return k as ActionKind;
}

export function intIn(v: number | undefined, dflt: number, min: number, max: number, flag: string): number {
  const x = v ?? dflt;
  if (!(Number.isInteger(x) && x >= min && x <= max)) throw new ConfigError(`must be a whole number from ${min} to ${max}, got ${x}`, { field: flag });
  return x;
}

/** The trading env of a training run, as plain data (it goes to worker threads as it is). */
export interface EnvSettings {
  readonly episodeBars: number;
  readonly window: number;
  readonly actions: ActionKind;
  readonly reward: RewardKind;
  readonly cash: number;
  readonly leverage: number;
  readonly commission: number;
  readonly slippageBps: number;
  readonly maxWeight: number;
  readonly rebalanceBand: number;
  readonly instrument: Instrument;
}

/** What a training run does beside the env. */
export interface TrainSettings {
  readonly steps: number;
  readonly envs: number;
  readonly workers: number;
  readonly seed: number;
}

export interface EnvSettingsInput {
  readonly episodeBars?: number;
  readonly window?: number;
  readonly action?: string;
  readonly reward?: string;
  readonly cash?: number;
  readonly leverage?: number;
  readonly commission?: number;
  readonly slippageBps?: number;
}

export interface TrainSettingsInput {
  readonly steps?: number;
  readonly envs?: number;
  readonly workers?: number;
  readonly seed?: number;
}

export function checkEnvSettings(req: EnvSettingsInput, instrument: Instrument): EnvSettings {
  const cash = req.cash ?? RL_DEFAULTS.cash;
  if (!(cash > 0 && cash <= 1e15)) throw new ConfigError(`cash must be positive, got ${cash}`, { field: '--cash' });
  const leverage = req.leverage ?? RL_DEFAULTS.leverage;
  if (!(leverage >= 1 && leverage <= 100)) throw new ConfigError(`--leverage must be from 1 to 100, got ${leverage}`, { field: '--leverage' });
  const commission = req.commission ?? RL_DEFAULTS.commission;
  if (!(commission >= 0 && commission < 1)) throw new ConfigError(`commission is a fraction of traded value in [0, 1), got ${commission}`, { field: '--commission' });
  const slippageBps = req.slippageBps ?? RL_DEFAULTS.slippageBps;
  if (!(slippageBps >= 0 && slippageBps <= 10_000)) throw new ConfigError(`slippage must be from 0 to 10000 bps, got ${slippageBps}`, { field: '--slippage-bps' });
  return {
    episodeBars: intIn(req.episodeBars, RL_DEFAULTS.episodeBars, 2, 1_000_000, '--episode-bars'),
    window: intIn(req.window, RL_DEFAULTS.window, 1, 1000, '--window'),
    actions: actionKindOf(req.action),
    reward: rewardKindOf(req.reward),
    cash, leverage, commission, slippageBps, maxWeight: RL_DEFAULTS.maxWeight, rebalanceBand: RL_DEFAULTS.rebalanceBand, instrument,
  };
}

export function checkTrainSettings(req: TrainSettingsInput): TrainSettings {
  const envs = intIn(req.envs, RL_DEFAULTS.envs, 1, 1024, '--envs');
  return {
    steps: intIn(req.steps, RL_DEFAULTS.steps, 1, 1e9, '--steps'),
    envs,
    workers: intIn(req.workers, RL_DEFAULTS.workers, 0, 256, '--workers'),
    seed: intIn(req.seed, RL_DEFAULTS.seed, 0, 4294967295, '--seed'),
  };
}
