// `sextant ml train|evaluate|predict` (docs/ml.md): thin over src/app/ml.
import { writeFileSync } from 'node:fs';
import { evaluateModel, type EvaluateRequest, type EvaluateResult } from '../app/ml/evaluate.ts';
import type { MlDataRequest, ModelKind } from '../app/ml/dataset.ts';
import { predict, predictionsCsv, type PredictResult } from '../app/ml/predict.ts';
import { writeEvaluationReport } from '../app/ml/report.ts';
import { trainModel, type TrainReport } from '../app/ml/train.ts';
import { ConfigError } from '../core/errors.ts';
import type { QueueTarget } from '../research/queue-redis.ts';
import { bool, keyValues, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { notice, orJobFailure } from './optimize-command.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { ProgressBar } from './progress.ts';
import { instrumentFlags } from './run-flags.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

/** The app's request fields, by the flags that set them (errors name the flag). */
const FLAGS = {
  features: '--features', horizon: '--horizon', labels: '--labels', model: '--model', timeframe: '--timeframe', data: '--data',
  'param model': '--param model', validation: '--validation',
};

function dataRequest(a: ParsedArgs): MlDataRequest {
  return {
    data: strs(a, 'data'), from: str(a, 'from'), to: str(a, 'to'), skipBadRows: bool(a, 'skip-bad-rows'), timeframe: str(a, 'timeframe'),
    features: str(a, 'features'), labels: str(a, 'labels') as MlDataRequest['labels'], horizon: num(a, 'horizon'),
    profitTake: num(a, 'profit-take'), stopLoss: num(a, 'stop-loss'), model: str(a, 'model') as ModelKind | undefined, seed: num(a, 'seed'),
  };
}

const list = (v: string | undefined): string[] | undefined => v?.split(',').map((s) => s.trim()).filter((s) => s !== '');

function quantiles(v: string | undefined): number[] | undefined {
  const parts = list(v);
  if (parts === undefined) return undefined;
  return parts.map((p) => {
    const q = Number(p);
    if (!(q > 0.5 && q < 1)) throw new ConfigError(`each entry quantile must be in (0.5, 1), got "${p}"`, { field: '--grid-quantiles' });
    return q;
  });
}

/** `--queue`, `--queue-name`: the fits run on `sextant worker` processes (undefined: on local threads). */
function fitQueue(a: ParsedArgs): QueueTarget | undefined {
  const url = str(a, 'queue');
  const name = str(a, 'queue-name');
  if (url === undefined && name !== undefined) throw new ConfigError('--queue-name needs --queue redis://host:port', { field: '--queue-name' });
  return url === undefined ? undefined : { url, name };
}

/** A fit that failed on a queue worker is exit 1 with its message, as a failed research job is. */
export const runTrain = (a: ParsedArgs, io: CommandIO): Promise<number> => orJobFailure('ml train', () => train(a, io));
export const runEvaluate = (a: ParsedArgs, io: CommandIO): Promise<number> => orJobFailure('ml evaluate', () => evaluate(a, io));

async function train(a: ParsedArgs, io: CommandIO): Promise<number> {
  const out = str(a, 'out')!;
  const progress = new ProgressBar('ml train');
  let result;
  try {
    const hooks = { onProgress: (d: number, t: number) => progress.update(d, t), queue: fitQueue(a), onNotice: notice };
    result = await withFlagsAsync(() => trainModel({ ...dataRequest(a), validation: num(a, 'validation'), threads: num(a, 'threads') }, hooks));
  } finally {
    progress.finish();
  }
  writeFileSync(out, `${JSON.stringify(result.model)}\n`);
  writeJsonFlag(a, result.report, io);
  if (!bool(a, 'quiet') && !jsonOnStdout(a)) io.out(summarizeTraining(result.report, out));
  return 0;
}

async function evaluate(a: ParsedArgs, io: CommandIO): Promise<number> {
  const req: EvaluateRequest = {
    ...dataRequest(a), ...instrumentFlags(a), strategy: str(a, 'strategy'), params: keyValues(strs(a, 'param'), '--param'),
    cash: num(a, 'cash'), commission: num(a, 'commission'), slippageBps: num(a, 'slippage-bps'), size: str(a, 'size'), fill: str(a, 'fill') as 'next-open' | 'close' | undefined,
    account: str(a, 'account'), leverage: num(a, 'leverage'),
    trainBars: num(a, 'train-bars'), retrainEvery: num(a, 'retrain-every'), expanding: bool(a, 'expanding'),
    gridModels: list(str(a, 'grid-models')) as ModelKind[] | undefined, gridQuantiles: quantiles(str(a, 'grid-quantiles')), compare: list(str(a, 'compare')),
    threads: num(a, 'threads'),
  };
  const progress = new ProgressBar('ml evaluate');
  let result: EvaluateResult;
  try {
    result = await withFlagsAsync(() => evaluateModel(req, { onProgress: (d, t) => progress.update(d, t), queue: fitQueue(a), onNotice: notice }));
  } finally {
    progress.finish();
  }
  writeJsonFlag(a, result, io);
  const report = str(a, 'report');
  if (report !== undefined) withFlags({ path: '--report' }, () => writeEvaluationReport(result, report));
  if (!bool(a, 'quiet') && !jsonOnStdout(a)) io.out(summarizeEvaluation(result));
  return 0;
}

export async function runPredict(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await withFlagsAsync(() => Promise.resolve(predict({ model: str(a, 'model')!, data: strs(a, 'data'), from: str(a, 'from'), to: str(a, 'to'), skipBadRows: bool(a, 'skip-bad-rows'), timeframe: str(a, 'timeframe') })));
  writeJsonFlag(a, r, io);
  const csv = str(a, 'csv');
  if (csv === '-') io.out(predictionsCsv(r).trimEnd());
  else if (csv !== undefined) writeFileSync(csv, predictionsCsv(r));
  if (!bool(a, 'quiet') && !jsonOnStdout(a) && csv !== '-') io.out(summarizePredictions(r));
  return 0;
}

async function withFlagsAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return withFlags(FLAGS, () => {
      throw e;
    });
  }
}

/** `sextant ml <sub> <argv>` in process (tests, scripts). */
export function mlCommand(sub: 'train' | 'evaluate' | 'predict', argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  const run = sub === 'train' ? runTrain : sub === 'evaluate' ? runEvaluate : runPredict;
  return invoke(['ml', sub], argv, () => run, out, err);
}

export function summarizeTraining(r: TrainReport, out: string): string {
  const v = r.validation;
  const s = r.series.map((x) => `${x.symbol} ${x.from.slice(0, 10)}..${x.to.slice(0, 10)} (${x.bars} bars)`).join(', ');
  return [
    `${out}: ${r.model} model (seed ${r.seed}) on ${s}; ${r.features.length} features, ${r.labels.kind} labels over ${r.labels.horizon} bars, ${r.rows.final} training rows, ${r.seconds.toFixed(1)} s`,
    `Validation (a fit without the last ${fmtPct(v.share, 0)} of each series, ${r.rows.validation} rows): AUC ${fmtNum(v.auc, 3)}, log loss ${fmtNum(v.logLoss, 4)}, ` +
      `Brier ${fmtNum(v.brier, 4)}, IC ${fmtNum(v.ic, 3)}, hit rate ${fmtPct(v.hitRate)} (base rate ${fmtPct(v.baseRate)})`,
    `Most important (AUC lost when shuffled): ${r.importance.slice(0, 5).map((i) => `${i.feature} ${fmtNum(i.permutation, 4)}`).join(', ')}`,
    `Data SHA-256 ${r.dataHash.slice(0, 16)}…; trained on ${r.trainStart.slice(0, 10)}..${r.trainEnd.slice(0, 10)}`,
  ].join('\n');
}

function fitsWhere(r: EvaluateResult): string {
  if (r.queue === undefined) return `on ${r.threads || 'no'} worker threads`;
  const w = Object.keys(r.queue.workers).length;
  return `as ${r.queue.jobs} jobs on ${w} worker${w === 1 ? '' : 's'} of queue "${r.queue.name}"`;
}

export function summarizeEvaluation(r: EvaluateResult): string {
  const o = r.outOfSample;
  const p = r.predictions;
  const w = r.walkForward;
  const yes = (b: boolean): string => (b ? 'met' : 'NOT met');
  return [
    `ml-ensemble (${r.model}, seed ${r.seed}) on ${r.symbol}: ${w.folds} ${w.mode} walk-forward folds (train ${w.trainBars} rows, retrain every ${w.retrainEvery} bars), ` +
      `${r.labels.kind} labels over ${r.labels.horizon} bars; out of sample ${w.from.slice(0, 10)}..${w.to.slice(0, 10)} (${w.bars} bars); ` +
      `commission ${r.costs.commission}, slippage ${r.costs.slippageBps} bps; ${r.seconds.total.toFixed(1)} s (fits ${r.seconds.fitting.toFixed(1)} s ${fitsWhere(r)})`,
    '',
    renderTable(
      ['Strategy', 'Return', 'CAGR', 'Sharpe', 'PSR', 'Max DD', 'Trades', 'Win rate', 'Exposure'],
      r.comparison.map((c) => [c.strategy, fmtPct(c.metrics.totalReturn), fmtPct(c.metrics.cagr), fmtNum(c.metrics.sharpe), fmtNum(c.psr), fmtPct(c.metrics.maxDrawdown), String(c.metrics.tradeCount), fmtPct(c.metrics.winRate), fmtPct(c.metrics.exposure)]),
    ),
    '',
    `Predictions (${p.rows} rows): IC ${fmtNum(p.ic, 3)} (t ${fmtNum(p.icT)}), AUC ${fmtNum(p.auc, 3)}, hit rate ${fmtPct(p.hitRate)} (base rate ${fmtPct(p.baseRate)}), log loss ${fmtNum(p.logLoss, 4)}`,
    `Deflated Sharpe: ${fmtNum(o.deflatedSharpe.dsr)} (Sharpe ${fmtNum(o.metrics.sharpe)} against an expected best of ${fmtNum(o.deflatedSharpe.expectedMaxSharpe)} from ${o.deflatedSharpe.numTrials} configurations); ` +
      `PBO ${o.pbo === null ? 'n/a' : fmtPct(o.pbo.pbo, 1)}`,
    `The seed's targets out of sample: Sharpe > 1.5 ${yes(r.targets.sharpeAbove1_5)}, max drawdown < 15% ${yes(r.targets.maxDrawdownBelow15Pct)}, win rate > 60% ${yes(r.targets.winRateAbove60Pct)}`,
  ].join('\n');
}

export function summarizePredictions(r: PredictResult): string {
  const lines = r.series.map((s) => {
    const last = [...s.rows].reverse().find((x) => x.pUp !== null);
    return `${s.symbol}: ${s.scored} of ${s.bars} bars scored${last ? `; last ${last.time.slice(0, 10)} P(up over ${r.model.label.horizon} bars) = ${last.pUp!.toFixed(4)}` : ''}`;
  });
  return [`${r.model.file}: ${r.model.kind} model trained on ${r.model.trainStart.slice(0, 10)}..${r.model.trainEnd.slice(0, 10)}`, ...lines, ...r.warnings.map((w) => `warning: ${w}`)].join('\n');
}
