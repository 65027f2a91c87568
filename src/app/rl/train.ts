// `rl train`: PPO on the trading env over all the bars of the data, written as a policy file with its
// metadata; or PPO on CartPole-v1 (`env: 'cartpole'`), the control task the trainer must solve before it is
// trusted on markets: training stops once the mean return of the last 100 episodes reaches 475, then the
// deterministic policy plays 20 episodes.
import { ConfigError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import { CartPole } from '../../ml/rl/cartpole.ts';
import type { PolicyCheckpoint } from '../../ml/rl/actor-critic.ts';
import { SyncVecEnv } from '../../ml/rl/env.ts';
import { evaluatePolicy } from '../../ml/rl/evaluate.ts';
import { Ppo, type PpoConfig } from '../../ml/rl/ppo.ts';
import type { PolicyFile } from '../../strategies/builtin/rl-agent-policy.ts';
import { loadMarketData, marketOptionsOf, type MarketData } from '../market-data.ts';
import { barsHash, libraryVersions } from '../ml/dataset.ts';
import { checkRunSettings } from '../run-settings.ts';
import { buildPolicyFile } from './policy-file.ts';
import { checkEnvSettings, checkTrainSettings, intIn, rewardSpec, type EnvSettingsInput, type TrainSettingsInput } from './settings.ts';
import { curvePoint, trainPolicy, type CurvePoint } from './trainer.ts';

export interface RlDataRequest {
  readonly data?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly skipBadRows?: boolean;
  readonly timeframe?: string;
  readonly asset?: string;
  readonly instrument?: readonly string[];
}

export interface RlTrainRequest extends RlDataRequest, EnvSettingsInput, TrainSettingsInput {
  /** 'trading' (default) or 'cartpole'. */
  readonly env?: string;
}

export interface TrainHooks {
  /** Environment steps done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `rl train` on the trading env reports (also the policy file's metadata, beside libraries and PPO settings). */
export interface TradingTrainSummary {
  readonly env: 'trading';
  readonly data: readonly string[];
  readonly symbol: string;
  readonly bars: number;
  readonly from: string;
  readonly to: string;
  /** SHA-256 of the training bars (src/app/ml/dataset.ts barsHash). */
  readonly dataHash: string;
  readonly reward: { readonly name: string; readonly spec: unknown };
  readonly actions: 'discrete' | 'continuous';
  readonly observation: { readonly logReturns: number; readonly account: true };
  readonly episodeBars: number;
  readonly costs: { readonly cash: number; readonly commission: number; readonly slippageBps: number; readonly account: 'margin'; readonly leverage: number };
  readonly instrument: { readonly symbol: string; readonly assetClass: string; readonly lotSize: number; readonly multiplier: number };
  readonly seed: number;
  readonly steps: number;
  readonly trainedSteps: number;
  readonly envs: number;
  readonly workers: number;
  readonly threads: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly finalMeanEpisodeReturn: number | null;
  readonly learningCurve: readonly CurvePoint[];
}

export interface CartPoleSummary {
  readonly env: 'cartpole';
  readonly criterion: string;
  readonly solved: boolean;
  /** Environment steps when the criterion was first met (null: not within the budget). */
  readonly stepsToSolve: number | null;
  readonly steps: number;
  readonly trainedSteps: number;
  readonly episodes: number;
  readonly envs: number;
  readonly seed: number;
  readonly seconds: number;
  /** The deterministic policy (argmax) over 20 fresh episodes. */
  readonly evaluation: { readonly episodes: number; readonly meanReturn: number; readonly minReturn: number };
  readonly ppo: PpoConfig;
  readonly learningCurve: readonly CurvePoint[];
}

export interface CartPoleFile {
  readonly format: 'sextant-rl-cartpole/1';
  readonly policy: PolicyCheckpoint;
  readonly metadata: CartPoleSummary & { readonly libraries: Record<string, string>; readonly createdAt: string };
}

export type TrainResult =
  | { readonly env: 'trading'; readonly summary: TradingTrainSummary; readonly file: PolicyFile }
  | { readonly env: 'cartpole'; readonly summary: CartPoleSummary; readonly file: CartPoleFile };

export const CARTPOLE_GOAL = 475;
/** PPO on CartPole as bench/rl.ts solves it (8 envs; the learning rate decays over the --steps budget). */
export const CARTPOLE_PPO: Partial<PpoConfig> = { steps: 32, epochs: 4, minibatchSize: 64, learningRate: 1e-3, anneal: true, gamma: 0.98, lambda: 0.8 };
export const CARTPOLE_DEFAULT_STEPS = 300_000;

export async function trainRl(req: RlTrainRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const env = req.env ?? 'trading';
  if (env === 'cartpole') return { env, ...(await trainCartPole(req, hooks)) };
  if (env !== 'trading') throw new ConfigError(`unknown env "${env}": use trading or cartpole`, { field: '--env' });
  return { env, ...(await trainTrading(req, hooks)) };
}

/** The one series of a request's data, with its instrument. */
export function loadOneSeries(req: RlDataRequest, command: string): MarketData {
  const settings = checkRunSettings({ asset: req.asset, instrument: req.instrument, timeframe: req.timeframe });
  const market = loadMarketData(req.data ?? [], marketOptionsOf(req, settings));
  if (market.series.length !== 1) throw new ConfigError(`${command} runs on one series at a time; --data gave ${market.series.length}`, { field: '--data' });
  return market;
}

async function trainTrading(req: RlTrainRequest, hooks: TrainHooks): Promise<{ summary: TradingTrainSummary; file: PolicyFile }> {
  const train = checkTrainSettings(req);
  const market = loadOneSeries(req, 'rl train');
  const series = market.series[0]!;
  const instrument = market.instruments[0]!;
  const env = checkEnvSettings(req, instrument);
  const n = series.length;
  const trained = await trainPolicy(series, 0, n, env, train, { onSteps: (s) => hooks.onProgress?.(Math.min(s, train.steps), train.steps) });
  const last = trained.curve.at(-1);
  const summary: TradingTrainSummary = {
    env: 'trading', data: [...(req.data?.length ? req.data : ['synthetic'])], symbol: series.symbol, bars: n, from: toIso(series.time[0]!), to: toIso(series.time[n - 1]!),
    dataHash: barsHash([{ series, from: 0, to: n }]), reward: { name: env.reward, spec: rewardSpec(env.reward) }, actions: env.actions,
    observation: { logReturns: env.window, account: true }, episodeBars: env.episodeBars,
    costs: { cash: env.cash, commission: env.commission, slippageBps: env.slippageBps, account: 'margin', leverage: env.leverage },
    instrument: { symbol: instrument.symbol, assetClass: instrument.assetClass, lotSize: instrument.lotSize, multiplier: instrument.multiplier },
    seed: train.seed, steps: train.steps, trainedSteps: last?.steps ?? 0, envs: train.envs, workers: train.workers, threads: trained.threads,
    seconds: trained.seconds, stepsPerSecond: (last?.steps ?? 0) / trained.seconds, finalMeanEpisodeReturn: last?.meanEpisodeReturn ?? null, learningCurve: trained.curve,
  };
  const file = buildPolicyFile(trained.checkpoint, env, { ...summary, ppo: trained.ppo, libraries: libraryVersions('nn'), createdAt: new Date().toISOString() });
  return { summary, file };
}

async function trainCartPole(req: RlTrainRequest, hooks: TrainHooks): Promise<{ summary: CartPoleSummary; file: CartPoleFile }> {
  const steps = intIn(req.steps, CARTPOLE_DEFAULT_STEPS, 1, 1e9, '--steps');
  const seed = intIn(req.seed, 1, 0, 4294967295, '--seed');
  const envs = intIn(req.envs, 8, 1, 1024, '--envs');
  const vec = new SyncVecEnv(Array.from({ length: envs }, () => new CartPole()));
  const ppo = await Ppo.create({ observationSize: 4, actionSpace: vec.actionSpace }, { ...CARTPOLE_PPO, seed });
  try {
    let solvedAt: number | null = null;
    const t0 = performance.now();
    const curve = await ppo.learn(vec, steps, {
      onIteration: (s) => {
        hooks.onProgress?.(Math.min(s.steps, steps), steps);
        if (s.meanEpisodeReturn >= CARTPOLE_GOAL) {
          solvedAt = s.steps;
          return true;
        }
        return false;
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const returns = evaluatePolicy(ppo.policy, new CartPole(), { episodes: 20, seed: 10_000 });
    const last = curve.at(-1);
    const summary: CartPoleSummary = {
      env: 'cartpole', criterion: `mean return of the last 100 training episodes >= ${CARTPOLE_GOAL}`, solved: solvedAt !== null, stepsToSolve: solvedAt,
      steps, trainedSteps: last?.steps ?? 0, episodes: last?.episodes ?? 0, envs, seed, seconds,
      evaluation: { episodes: returns.length, meanReturn: returns.reduce((a, b) => a + b, 0) / returns.length, minReturn: Math.min(...returns) },
      ppo: ppo.config, learningCurve: curve.map(curvePoint),
    };
    const file: CartPoleFile = { format: 'sextant-rl-cartpole/1', policy: ppo.checkpoint(), metadata: { ...summary, libraries: libraryVersions('nn'), createdAt: new Date().toISOString() } };
    return { summary, file };
  } finally {
    ppo.dispose();
  }
}
