// `rl evaluate`: walk-forward out of sample for the recipe of a policy file. Every `testBars` bars a fresh
// policy is trained (PPO, the file's reward, action space, observation, episode length, costs and budget) on
// the `trainBars` bars before the test block only (src/ml/cv walkForward), written and read back as a policy
// file, and trades the test block through rl-agent in the engine with costs. The stitched blocks give one
// out-of-sample equity curve; nothing before the first test bar trades or counts.
// Trials: each seed x reward is a whole walk-forward; their Sharpe ratios give the deflated Sharpe's trial
// count and spread, their returns the PBO (CSCV). Buy-and-hold and the classic strategies, and the file's own
// policy as it is (flagged when its training window overlaps the test period), run on the same bars and costs.
import { deflatedSharpeRatio, probabilisticSharpeRatio } from '../../analytics/sharpe-inference.ts';
import { ConfigError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import { walkForward } from '../../ml/cv/index.ts';
import { cscv } from '../../research/pbo.ts';
import { RlAgent } from '../../strategies/builtin/rl-agent.ts';
import { PolicySchedule, policyFromJson, type LoadedPolicy } from '../../strategies/builtin/rl-agent-policy.ts';
import { builtinStrategy } from '../../strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../strategies/registry.ts';
import { parseSizer } from '../../strategies/sizing.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { CLASSIC_STRATEGIES, TARGETS, type StrategyResult } from '../ml/evaluate.ts';
import { runOos, type OosRun, type RunCosts } from '../ml/oos-backtest.ts';
import { buildPolicyFile, readPolicy } from './policy-file.ts';
import { checkEnvSettings, intIn, REWARD_KINDS, rewardKindOf, RL_DEFAULTS, type EnvSettings, type RewardKind } from './settings.ts';
import { barsNeeded, stepsTaken, trainPolicy, type CurvePoint } from './trainer.ts';
import { loadOneSeries, type RlDataRequest } from './train.ts';

export interface RlEvaluateRequest extends RlDataRequest {
  /** The policy file whose recipe is evaluated (and which is also run as it is). */
  readonly policy: string;
  /** Bars each policy trains on (default 1000, or half the bars when fewer than 2000). */
  readonly trainBars?: number;
  /** Bars between retrainings, each policy's test block (default 250). */
  readonly testBars?: number;
  /** Train on every bar before the test block instead of the last trainBars. */
  readonly expanding?: boolean;
  /** PPO environment steps per training (default: the file's). */
  readonly steps?: number;
  readonly envs?: number;
  readonly workers?: number;
  /** Seeds of the trials (default: the file's seed and the next two). */
  readonly seeds?: readonly number[];
  /** Rewards of the trials (default: the file's). */
  readonly rewards?: readonly string[];
  /** Strategies to compare with (default buy-and-hold and the classic strategies). */
  readonly compare?: readonly string[];
  /** Costs and account (default: the file's training env). */
  readonly cash?: number;
  readonly commission?: number;
  readonly slippageBps?: number;
  readonly leverage?: number;
}

export interface RlEvaluateHooks {
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TrialRow {
  readonly seed: number;
  readonly reward: RewardKind;
  readonly primary: boolean;
  readonly sharpe: number | null;
  readonly totalReturn: number | null;
  readonly maxDrawdown: number | null;
  readonly trades: number;
  readonly trainingSeconds: number;
}

export interface RlFoldReport {
  readonly fold: number;
  readonly train: { readonly from: string; readonly to: string; readonly bars: number };
  readonly test: { readonly from: string; readonly to: string; readonly bars: number };
  /** Mean return of the last 100 training episodes at the end of training (reward units). */
  readonly finalMeanEpisodeReturn: number | null;
  /** The primary trial's return over this test block, and buy-and-hold's. */
  readonly testReturn: number | null;
  readonly buyHoldReturn: number | null;
  readonly trainingSeconds: number;
}

export interface RlEvaluateResult {
  readonly strategy: 'rl-agent';
  readonly policy: {
    readonly file: string;
    readonly reward: RewardKind;
    readonly actions: 'discrete' | 'continuous';
    readonly window: number;
    readonly episodeBars: number;
    readonly trainedOn: { readonly symbol: string | null; readonly from: string | null; readonly to: string | null; readonly dataHash: string | null };
  };
  readonly data: readonly string[];
  readonly symbol: string;
  readonly bars: number;
  readonly costs: { readonly cash: number; readonly commission: number; readonly slippageBps: number; readonly account: 'margin'; readonly leverage: number; readonly fill: 'next-open' };
  readonly training: { readonly steps: number; readonly stepsPerTraining: number; readonly envs: number; readonly workers: number; readonly trainings: number };
  readonly walkForward: {
    readonly trainBars: number; readonly testBars: number; readonly mode: 'rolling' | 'expanding'; readonly folds: number;
    readonly from: string; readonly to: string; readonly bars: number;
  };
  readonly trials: readonly TrialRow[];
  readonly folds: readonly RlFoldReport[];
  readonly outOfSample: StrategyResult & {
    readonly deflatedSharpe: { readonly dsr: number | null; readonly sharpe: number | null; readonly expectedMaxSharpe: number; readonly numTrials: number; readonly trialSharpeVariance: number };
    readonly pbo: { readonly pbo: number; readonly blocks: number; readonly combinations: number; readonly trials: number; readonly meanLogit: number; readonly probOosLoss: number; readonly degradationSlope: number | null } | null;
  };
  /** The seed's targets, out of sample: Sharpe > 1.5, max drawdown < 15%, win rate > 60%. */
  readonly targets: { readonly sharpeAbove1_5: boolean; readonly maxDrawdownBelow15Pct: boolean; readonly winRateAbove60Pct: boolean; readonly allMet: boolean };
  /** The file's policy as it is, not retrained, over the same out-of-sample bars. */
  readonly policyFile: StrategyResult & { readonly overlapsTraining: boolean | null };
  /** rl-agent (walk-forward) first, then the classic strategies, on the same out-of-sample bars. */
  readonly comparison: readonly StrategyResult[];
  readonly curves: { readonly time: readonly string[]; readonly equity: Record<string, readonly number[]> };
  /** The primary trial's learning curve per fold. */
  readonly learningCurves: readonly { readonly fold: number; readonly points: readonly CurvePoint[] }[];
  readonly seconds: { readonly total: number; readonly training: number; readonly backtests: number };
}

/** The recorded training settings of a policy file (its metadata), where present and well typed. */
interface Recorded {
  readonly reward?: RewardKind;
  readonly seed?: number;
  readonly steps?: number;
  readonly envs?: number;
  readonly episodeBars?: number;
  readonly cash?: number;
  readonly commission?: number;
  readonly slippageBps?: number;
  readonly leverage?: number;
  readonly symbol?: string;
  readonly from?: string;
  readonly to?: string;
  readonly dataHash?: string;
}

function recorded(lp: LoadedPolicy, file: string): Recorded {
  const m = lp.metadata as Record<string, unknown>;
  const costs = (typeof m['costs'] === 'object' && m['costs'] !== null ? m['costs'] : {}) as Record<string, unknown>;
  const num = (o: Record<string, unknown>, k: string, field: string): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${field} must be a number`, { file, field });
    return v;
  };
  const text = (k: string): string | undefined => (typeof m[k] === 'string' ? (m[k] as string) : undefined);
  const rewardName = (m['reward'] as { name?: unknown } | undefined)?.name;
  return {
    reward: typeof rewardName === 'string' ? rewardKindOf(rewardName, 'metadata.reward.name') : undefined,
    seed: num(m, 'seed', 'metadata.seed'), steps: num(m, 'steps', 'metadata.steps'), envs: num(m, 'envs', 'metadata.envs'), episodeBars: num(m, 'episodeBars', 'metadata.episodeBars'),
    cash: num(costs, 'cash', 'metadata.costs.cash'), commission: num(costs, 'commission', 'metadata.costs.commission'),
    slippageBps: num(costs, 'slippageBps', 'metadata.costs.slippageBps'), leverage: num(costs, 'leverage', 'metadata.costs.leverage'),
    symbol: text('symbol'), from: text('from'), to: text('to'), dataHash: text('dataHash'),
  };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  if (m === null || xs.length < 2) return 0;
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

/** Equity ratio over [fromMs, toMs] of a run (null when the run does not cover it). */
function blockReturn(run: OosRun, fromMs: number, toMs: number): number | null {
  let a = -1;
  let b = -1;
  for (let i = 0; i < run.timeMs.length; i++) {
    if (a < 0 && run.timeMs[i]! >= fromMs) a = i;
    if (run.timeMs[i]! <= toMs) b = i;
  }
  // The block's return runs from the close before its first bar (its first decision) to its last close.
  const start = Math.max(0, a - 1);
  return a < 0 || b < a ? null : run.equity[b]! / run.equity[start]! - 1;
}

export async function evaluateRl(req: RlEvaluateRequest, hooks: RlEvaluateHooks = {}): Promise<RlEvaluateResult> {
  const t0 = performance.now();
  const file = readPolicy(req.policy, '--policy');
  const rec = recorded(file, req.policy);
  const market = loadOneSeries(req, 'rl evaluate');
  const series = market.series[0]!;
  const instrument = market.instruments[0]!;
  const n = series.length;
  const base = checkEnvSettings({
    episodeBars: rec.episodeBars, window: file.observation.features.logReturns, action: file.action.kind, reward: rec.reward,
    cash: req.cash ?? rec.cash, leverage: req.leverage ?? rec.leverage, commission: req.commission ?? rec.commission, slippageBps: req.slippageBps ?? rec.slippageBps,
  }, instrument);
  const env0: EnvSettings = { ...base, maxWeight: file.action.maxWeight, rebalanceBand: file.action.rebalanceBand };
  const steps = intIn(req.steps ?? rec.steps, RL_DEFAULTS.steps, 1, 1e9, '--steps');
  const envs = intIn(req.envs ?? rec.envs, RL_DEFAULTS.envs, 1, 1024, '--envs');
  const workers = intIn(req.workers, 0, 0, 256, '--workers');
  const seed0 = rec.seed ?? RL_DEFAULTS.seed;
  const seeds = [...new Set(req.seeds ?? [seed0, seed0 + 1, seed0 + 2])];
  for (const s of seeds) intIn(s, 0, 0, 4294967295, '--seeds');
  const rewards = [...new Set((req.rewards ?? [env0.reward]).map((r) => rewardKindOf(r, '--rewards')))];
  if (seeds.length === 0) throw new ConfigError('give at least one seed', { field: '--seeds' });
  if (rewards.length === 0) throw new ConfigError(`give at least one reward (${REWARD_KINDS.join(', ')})`, { field: '--rewards' });
  const compare = req.compare ?? CLASSIC_STRATEGIES;
  for (const c of compare) if (builtinStrategy(c) === undefined) throw new ConfigError(`unknown strategy "${c}"`, { field: '--compare' });

  const trainBars = intIn(req.trainBars, Math.min(1000, Math.floor(n / 2)), 1, 1e8, '--train-bars');
  const testBars = intIn(req.testBars, 250, 1, 1e8, '--test-bars');
  if (trainBars < barsNeeded(env0)) {
    throw new ConfigError(`each policy trains on ${trainBars} bars; an episode of ${env0.episodeBars} bars needs ${barsNeeded(env0)} (a smaller --episode-bars in training, or a larger --train-bars)`, { field: '--train-bars' });
  }
  if (trainBars >= n - 1) throw new ConfigError(`${n} bars leave no test window after ${trainBars} training bars (a smaller --train-bars, or more data)`, { field: '--train-bars' });
  const ends = Int32Array.from({ length: n }, (_, i) => i);
  const splits = walkForward(ends, { train: trainBars, step: testBars, start: trainBars, mode: req.expanding ? 'expanding' : 'rolling' });
  const first = splits[0]!.test[0]!;

  // 1. Trainings: every trial (seed x reward) over every fold.
  const perTraining = stepsTaken(steps, envs);
  const trials = rewards.flatMap((reward) => seeds.map((seed) => ({ seed, reward })));
  const trainingsTotal = trials.length * splits.length;
  const totalUnits = trainingsTotal * perTraining + trials.length + compare.length + 1;
  let unitsDone = 0;
  const tTrain = performance.now();
  const trained = [];
  for (const [ti, trial] of trials.entries()) {
    const env: EnvSettings = { ...env0, reward: trial.reward };
    const entries: { fromMs: number; policy: LoadedPolicy }[] = [];
    const curves: CurvePoint[][] = [];
    const seconds: number[] = [];
    for (const [fi, s] of splits.entries()) {
      const t = s.test[0]!;
      const from = req.expanding ? 0 : Math.max(0, t - trainBars);
      const before = unitsDone;
      const p = await trainPolicy(series, from, t, env, { steps, envs, workers, seed: trial.seed }, {
        rangeFlag: '--train-bars', onSteps: (k) => hooks.onProgress?.(before + Math.min(k, perTraining), totalUnits),
      });
      unitsDone = before + perTraining;
      const pf = buildPolicyFile(p.checkpoint, env, { fold: fi + 1, seed: trial.seed, reward: { name: trial.reward }, trainFrom: toIso(series.time[from]!), trainTo: toIso(series.time[t - 1]!) });
      entries.push({ fromMs: series.time[t]!, policy: policyFromJson(JSON.parse(JSON.stringify(pf)), `walk-forward fold ${fi + 1} (seed ${trial.seed}, ${trial.reward})`) });
      curves.push([...p.curve]);
      seconds.push(p.seconds);
    }
    trained.push({ ...trial, primary: ti === 0, schedule: new PolicySchedule(entries, `${trial.reward} seed ${trial.seed}: ${entries.length} walk-forward policies`), curves, seconds });
  }
  const trainingSeconds = (performance.now() - tTrain) / 1000;

  // 2. Backtests through the engine: the trials, the file's policy as it is, the classics.
  const tBt = performance.now();
  const costs: RunCosts = {
    cash: env0.cash, sizer: parseSizer('pct-cash:95')!, commission: env0.commission, slippageBps: env0.slippageBps, fill: 'next-open',
    account: 'margin', leverage: env0.leverage, instruments: market.instruments,
  };
  const tick = (): void => hooks.onProgress?.(++unitsDone, totalUnits);
  const runs = trained.map((t) => {
    const run = runOos(series, new RlAgent({ policy: t.schedule, longOnly: false, scale: 1 }), 'rl-agent', first, costs);
    tick();
    return { ...t, run };
  });
  const primary = runs[0]!;
  const fileRun = runOos(series, new RlAgent({ policy: file, longOnly: false, scale: 1 }), 'rl-agent (policy file)', first, costs);
  tick();
  const classics = compare.map((name) => {
    const cls = builtinStrategy(name)!;
    const params = parseStrategyConfig(name, cls, {}) as Record<string, unknown>;
    const strategy = new cls(params) as Strategy;
    // Buy-and-hold buys on its first bar: it starts at the first out-of-sample bar instead of being gated.
    const run = name === 'buy-and-hold' ? runOos(series.slice(first, n), strategy, name, 0, costs) : runOos(series, strategy, name, first, costs);
    tick();
    return { name, params, run };
  });
  const backtestSeconds = (performance.now() - tBt) / 1000;

  // 3. Statistics.
  const ppy = primary.run.metrics.periodsPerYear;
  const sharpes = runs.map((r) => r.run.metrics.sharpe ?? 0);
  const trialSharpeVariance = sampleVariance(sharpes);
  const dsr = deflatedSharpeRatio(primary.run.returns, { periodsPerYear: ppy, numTrials: runs.length, trialSharpeVariance });
  const psrOf = (r: OosRun): number | null => probabilisticSharpeRatio(r.returns, { periodsPerYear: ppy });
  let pbo: RlEvaluateResult['outOfSample']['pbo'] = null;
  if (runs.length >= 2) {
    const len = Math.max(...runs.map((r) => r.run.returns.length));
    if (len >= 8) {
      const c = cscv(runs.map((r) => {
        const x = new Float64Array(len);
        x.set(r.run.returns);
        return x;
      }));
      pbo = { pbo: c.pbo, blocks: c.blocks, combinations: c.combinations, trials: c.trials, meanLogit: c.meanLogit, probOosLoss: c.probOosLoss, degradationSlope: c.degradationSlope };
    }
  }
  const m = primary.run.metrics;
  const targets = {
    sharpeAbove1_5: (m.sharpe ?? -Infinity) > TARGETS.sharpe,
    maxDrawdownBelow15Pct: m.maxDrawdown !== null && -m.maxDrawdown < TARGETS.maxDrawdown,
    winRateAbove60Pct: (m.winRate ?? 0) > TARGETS.winRate,
  };
  const params = { policy: `${primary.reward} seed ${primary.seed}: walk-forward policies`, reward: primary.reward, seed: primary.seed };
  const bh = classics.find((c) => c.name === 'buy-and-hold')?.run ?? null;
  const oosFrom = series.time[first]!;
  const oosTo = series.time[n - 1]!;
  const overlaps = rec.from === undefined || rec.to === undefined ? null : Date.parse(rec.from) <= oosTo && Date.parse(rec.to) >= oosFrom;

  return {
    strategy: 'rl-agent',
    policy: {
      file: req.policy, reward: env0.reward, actions: env0.actions, window: env0.window, episodeBars: env0.episodeBars,
      trainedOn: { symbol: rec.symbol ?? null, from: rec.from ?? null, to: rec.to ?? null, dataHash: rec.dataHash ?? null },
    },
    data: [...(req.data?.length ? req.data : ['synthetic'])], symbol: series.symbol, bars: n,
    costs: { cash: env0.cash, commission: env0.commission, slippageBps: env0.slippageBps, account: 'margin', leverage: env0.leverage, fill: 'next-open' },
    training: { steps, stepsPerTraining: perTraining, envs, workers, trainings: trainingsTotal },
    walkForward: { trainBars, testBars, mode: req.expanding ? 'expanding' : 'rolling', folds: splits.length, from: toIso(oosFrom), to: toIso(oosTo), bars: n - first },
    trials: runs.map((r) => ({
      seed: r.seed, reward: r.reward, primary: r.primary, sharpe: r.run.metrics.sharpe, totalReturn: r.run.metrics.totalReturn, maxDrawdown: r.run.metrics.maxDrawdown,
      trades: r.run.metrics.tradeCount, trainingSeconds: r.seconds.reduce((a, b) => a + b, 0),
    })),
    folds: splits.map((s, j) => {
      const t = s.test[0]!;
      const last = s.test[s.test.length - 1]!;
      const from = req.expanding ? 0 : Math.max(0, t - trainBars);
      return {
        fold: j + 1,
        train: { from: toIso(series.time[from]!), to: toIso(series.time[t - 1]!), bars: t - from },
        test: { from: toIso(series.time[t]!), to: toIso(series.time[last]!), bars: last - t + 1 },
        finalMeanEpisodeReturn: primary.curves[j]!.at(-1)?.meanEpisodeReturn ?? null,
        testReturn: blockReturn(primary.run, series.time[t]!, series.time[last]!),
        buyHoldReturn: bh === null ? null : blockReturn(bh, series.time[t]!, series.time[last]!),
        trainingSeconds: primary.seconds[j]!,
      };
    }),
    outOfSample: {
      strategy: 'rl-agent', params, metrics: m, psr: psrOf(primary.run),
      deflatedSharpe: { dsr: dsr.dsr, sharpe: dsr.sharpe, expectedMaxSharpe: dsr.expectedMaxSharpe, numTrials: runs.length, trialSharpeVariance },
      pbo,
    },
    targets: { ...targets, allMet: targets.sharpeAbove1_5 && targets.maxDrawdownBelow15Pct && targets.winRateAbove60Pct },
    policyFile: { strategy: 'rl-agent (policy file)', params: { policy: req.policy }, metrics: fileRun.metrics, psr: psrOf(fileRun), overlapsTraining: overlaps },
    comparison: [
      { strategy: 'rl-agent', params, metrics: m, psr: psrOf(primary.run) },
      ...classics.map((c) => ({ strategy: c.name, params: c.params, metrics: c.run.metrics, psr: psrOf(c.run) })),
    ],
    curves: curvesOf(primary.run, [{ name: 'rl-agent (policy file)', run: fileRun }, ...classics]),
    learningCurves: primary.curves.map((points, j) => ({ fold: j + 1, points })),
    seconds: { total: (performance.now() - t0) / 1000, training: trainingSeconds, backtests: backtestSeconds },
  };
}

function curvesOf(primary: OosRun, others: readonly { name: string; run: OosRun }[]): RlEvaluateResult['curves'] {
  const time = Array.from(primary.timeMs, (t) => toIso(t));
  const equity: Record<string, number[]> = { 'rl-agent': Array.from(primary.equity) };
  for (const c of others) {
    // Aligned on time (a ruined run stops early: its last value carries on).
    const out: number[] = [];
    let j = 0;
    for (const t of primary.timeMs) {
      while (j + 1 < c.run.timeMs.length && c.run.timeMs[j + 1]! <= t) j++;
      out.push(c.run.equity[j] ?? NaN);
    }
    equity[c.name] = out;
  }
  return { time, equity };
}

