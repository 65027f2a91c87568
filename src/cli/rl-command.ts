// `sextant rl train|evaluate` (docs/ml.md, "Reinforcement learning"): thin over src/app/rl.
import { writeFileSync } from 'node:fs';
import { evaluateRl, type RlEvaluateResult } from '../app/rl/evaluate.ts';
import { renderRlEvaluationReport, renderTrainReport, writeReport } from '../app/rl/report.ts';
import { trainRl, type CartPoleSummary, type RlDataRequest, type TradingTrainSummary } from '../app/rl/train.ts';
import { ConfigError } from '../core/errors.ts';
import { bool, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { ProgressBar } from './progress.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

function dataRequest(a: ParsedArgs): RlDataRequest {
  const instrument = strs(a, 'instrument');
  return {
    data: str(a, 'data') === undefined ? undefined : [str(a, 'data')!], from: str(a, 'from'), to: str(a, 'to'), skipBadRows: bool(a, 'skip-bad-rows'),
    timeframe: str(a, 'timeframe'), asset: str(a, 'asset'), instrument: instrument.length ? instrument : undefined,
  };
}

const list = (v: string | undefined): string[] | undefined => v?.split(',').map((s) => s.trim()).filter((s) => s !== '');

function seedList(v: string | undefined): number[] | undefined {
  return list(v)?.map((p) => {
    const s = Number(p);
    if (!(Number.isInteger(s) && s >= 0 && s <= 4294967295)) throw new ConfigError(`each seed must be a whole number from 0 to 4294967295, got "${p}"`, { field: '--seeds' });
    return s;
  });
}

/** Writes the policy file; a failure names the file and --out. */
function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new ConfigError(`cannot write the policy file: ${(e as Error).message}`, { file: path, field: '--out' });
  }
}

async function withProgress<T>(label: string, fn: (update: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const progress = new ProgressBar(label);
  try {
    return await fn((d, t) => progress.update(d, t));
  } finally {
    progress.finish();
  }
}

export async function runTrain(a: ParsedArgs, io: CommandIO): Promise<number> {
  const env = str(a, 'env') ?? 'trading';
  const out = str(a, 'out');
  if (env === 'trading' && out === undefined) throw new ConfigError('rl train on the trading env writes a policy file: give --out policy.json', { field: '--out' });
  const result = await withProgress(`rl train (${env})`, (onProgress) => trainRl({
    ...dataRequest(a), env, reward: str(a, 'reward'), action: str(a, 'action'), steps: num(a, 'steps'), envs: num(a, 'envs'), workers: num(a, 'workers'),
    seed: num(a, 'seed'), episodeBars: num(a, 'episode-bars'), window: num(a, 'window'), cash: num(a, 'cash'), commission: num(a, 'commission'),
    slippageBps: num(a, 'slippage-bps'), leverage: num(a, 'leverage'),
  }, { onProgress }));
  if (out !== undefined) writeOut(out, `${JSON.stringify(result.file)}\n`);
  writeJsonFlag(a, { ...result.summary, out: out ?? null }, io);
  const report = str(a, 'report');
  if (report !== undefined) withFlags({ path: '--report' }, () => writeReport(renderTrainReport(result.summary), report));
  if (!bool(a, 'quiet') && !jsonOnStdout(a)) io.out(result.env === 'cartpole' ? summarizeCartPole(result.summary) : summarizeTraining(result.summary, out!));
  return 0;
}

export async function runEvaluate(a: ParsedArgs, io: CommandIO): Promise<number> {
  const result = await withProgress('rl evaluate', (onProgress) => evaluateRl({
    ...dataRequest(a), policy: str(a, 'policy')!, trainBars: num(a, 'train-bars'), testBars: num(a, 'test-bars'), expanding: bool(a, 'expanding'),
    steps: num(a, 'steps'), envs: num(a, 'envs'), workers: num(a, 'workers'), seeds: seedList(str(a, 'seeds')), rewards: list(str(a, 'rewards')),
    compare: list(str(a, 'compare')), cash: num(a, 'cash'), commission: num(a, 'commission'), slippageBps: num(a, 'slippage-bps'), leverage: num(a, 'leverage'),
  }, { onProgress }));
  writeJsonFlag(a, result, io);
  const report = str(a, 'report');
  if (report !== undefined) withFlags({ path: '--report' }, () => writeReport(renderRlEvaluationReport(result), report));
  if (!bool(a, 'quiet') && !jsonOnStdout(a)) io.out(summarizeEvaluation(result));
  return 0;
}

/** `sextant rl <sub> <argv>` in process (tests, scripts). */
export function rlCommand(sub: 'train' | 'evaluate', argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['rl', sub], argv, () => (sub === 'train' ? runTrain : runEvaluate), out, err);
}

export function summarizeTraining(s: TradingTrainSummary, out: string): string {
  const ret = s.finalMeanEpisodeReturn;
  return [
    `${out}: PPO ${s.actions} policy on ${s.symbol} ${s.from.slice(0, 10)}..${s.to.slice(0, 10)} (${s.bars} bars), ${s.reward.name} reward, ${s.observation.logReturns} log returns + position; ` +
      `${s.episodeBars}-bar episodes, commission ${s.costs.commission}, slippage ${s.costs.slippageBps} bps, leverage ${s.costs.leverage}`,
    `Trained ${s.trainedSteps} steps on ${s.envs} envs${s.threads > 0 ? ` (${s.threads} worker threads)` : ''}, seed ${s.seed}: ${s.seconds.toFixed(1)} s (${Math.round(s.stepsPerSecond)} steps/s); ` +
      `mean return of the last training episodes ${ret === null ? 'n/a' : fmtNum(ret)} (in sample; \`sextant rl evaluate\` tests out of sample)`,
    `Data SHA-256 ${s.dataHash.slice(0, 16)}…`,
  ].join('\n');
}

export function summarizeCartPole(s: CartPoleSummary): string {
  return [
    `CartPole-v1: ${s.solved ? `SOLVED after ${s.stepsToSolve} steps` : `NOT solved within ${s.trainedSteps} steps`} (${s.criterion}); ${s.episodes} episodes, ${s.seconds.toFixed(1)} s, seed ${s.seed}, ${s.envs} envs`,
    `The deterministic policy over ${s.evaluation.episodes} new episodes: mean return ${fmtNum(s.evaluation.meanReturn, 1)}, worst ${fmtNum(s.evaluation.minReturn, 0)} (500 is the most an episode gives)`,
  ].join('\n');
}

export function summarizeEvaluation(r: RlEvaluateResult): string {
  const o = r.outOfSample;
  const w = r.walkForward;
  const yes = (b: boolean): string => (b ? 'met' : 'NOT met');
  const rows = [...r.comparison, r.policyFile];
  return [
    `rl-agent (${r.policy.reward} reward, ${r.policy.actions} actions) on ${r.symbol}: ${w.folds} ${w.mode} walk-forward folds (train ${w.trainBars} bars, test ${w.testBars}), ` +
      `${r.training.stepsPerTraining} PPO steps per training x ${r.trials.length} trials; out of sample ${w.from.slice(0, 10)}..${w.to.slice(0, 10)} (${w.bars} bars); ` +
      `commission ${r.costs.commission}, slippage ${r.costs.slippageBps} bps, margin x${r.costs.leverage}; ${r.seconds.total.toFixed(1)} s (training ${r.seconds.training.toFixed(1)} s)`,
    '',
    renderTable(
      ['Strategy', 'Return', 'CAGR', 'Sharpe', 'PSR', 'Max DD', 'Trades', 'Win rate', 'Exposure'],
      rows.map((c) => [c.strategy, fmtPct(c.metrics.totalReturn), fmtPct(c.metrics.cagr), fmtNum(c.metrics.sharpe), fmtNum(c.psr), fmtPct(c.metrics.maxDrawdown), String(c.metrics.tradeCount), fmtPct(c.metrics.winRate), fmtPct(c.metrics.exposure)]),
    ),
    ...(r.policyFile.overlapsTraining === true ? ['(the policy file\'s own training window overlaps these bars: its row is in sample)'] : []),
    '',
    `Trials (seed x reward): ${r.trials.map((t) => `${t.reward}/${t.seed} Sharpe ${fmtNum(t.sharpe)}`).join(', ')}`,
    `Deflated Sharpe: ${fmtNum(o.deflatedSharpe.dsr)} (Sharpe ${fmtNum(o.metrics.sharpe)} against an expected best of ${fmtNum(o.deflatedSharpe.expectedMaxSharpe)} from ${o.deflatedSharpe.numTrials} trials); ` +
      `PBO ${o.pbo === null ? 'n/a' : fmtPct(o.pbo.pbo, 1)}`,
    `The seed's targets out of sample: Sharpe > 1.5 ${yes(r.targets.sharpeAbove1_5)}, max drawdown < 15% ${yes(r.targets.maxDrawdownBelow15Pct)}, win rate > 60% ${yes(r.targets.winRateAbove60Pct)}`,
  ].join('\n');
}
