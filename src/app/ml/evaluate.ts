// `ml evaluate`: walk-forward with retraining, traded through the real engine, measured out of sample only.
//
// 1. Features (causal) and labels of the series; walk-forward splits (src/ml/cv): every `retrainEvery` bars a
//    model is fitted on the previous `trainBars` rows whose labels ended before the test block starts (purged
//    by the label horizon), its standardizer on that window only. Fits run on worker threads.
// 2. The fitted models, loaded back from their saved form as a model file would be, become one schedule: the
//    ml-ensemble strategy trades the whole series in BacktestNode, each model from the first bar of its test
//    block, with the request's costs. Nothing before the first test bar trades or counts.
// 3. The same for a small grid (model kinds x entry quantiles): the returns matrix gives the PBO (CSCV) and the
//    trial count and Sharpe spread of the deflated Sharpe ratio. Buy-and-hold and the classic strategies run
//    on the same out-of-sample bars with the same costs.
import { deflatedSharpeRatio, probabilisticSharpeRatio } from '../../analytics/sharpe-inference.ts';
import type { PerformanceMetrics } from '../../analytics/metrics.ts';
import { ConfigError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import type { BarSeries } from '../../model/bar.ts';
import { walkForward } from '../../ml/cv/index.ts';
import type { FeatureSpec } from '../../ml/features/index.ts';
import { classifyRegimes, REGIME_NAMES, regimeSegments } from '../../ml/regime/index.ts';
import type { ReliabilityBin } from '../../ml/models/metrics.ts';
import type { QueueTarget } from '../../research/queue-redis.ts';
import { cscv } from '../../research/pbo.ts';
import { MlEnsemble } from '../../strategies/builtin/ml-ensemble.ts';
import { ModelSchedule, type LabelInfo, type LoadedModel } from '../../strategies/builtin/ml-ensemble-model.ts';
import { builtinStrategy } from '../../strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../strategies/registry.ts';
import type { Strategy, StrategyClass } from '../../strategies/strategy.ts';
import { loadMarketData, marketOptionsOf } from '../market-data.ts';
import { checkRunSettings, type RunSettingsInput } from '../run-settings.ts';
import { barsHash, buildDataset, featureSpecOf, labelInfoOf, modelKindOf, MODEL_KINDS, type Dataset, type MlDataRequest, type ModelKind } from './dataset.ts';
import { shared } from './fit-pool.ts';
import { fitAll, type FitQueueSummary } from './fit-queue.ts';
import type { FitResult, FitTask } from './fit.ts';
import { buildModelFile, loadedModel } from './model-file.ts';
import { runOos, type OosRun, type RunCosts } from './oos-backtest.ts';
import { predictionStats, type PredictionStats } from './stats.ts';

const ML_CLASS = MlEnsemble as unknown as StrategyClass<object>;

/** The classic strategies it is compared with (default params, same costs, same out-of-sample bars). */
export const CLASSIC_STRATEGIES = ['buy-and-hold', 'sma-cross', 'rsi', 'macd', 'bollinger', 'donchian-breakout', 'zscore-reversion'] as const;
/** Entry quantiles of the grid (with the requested one). */
export const GRID_QUANTILES = [0.6, 0.75, 0.9] as const;
export const DEFAULT_TRAIN_BARS = 1000;
/** The seed's claims, checked out of sample. */
export const TARGETS = { sharpe: 1.5, maxDrawdown: 0.15, winRate: 0.6 } as const;

export interface EvaluateRequest extends MlDataRequest, RunSettingsInput {
  /** Only 'ml-ensemble' (the strategy the models are traded through). */
  readonly strategy?: string;
  /** ml-ensemble's params (entryQuantile, exitQuantile, allowShort, regimes, ...); not `model`. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** Rows each model trains on (default 1000, or half the bars after the features' warm-up on shorter data). */
  readonly trainBars?: number;
  /** Bars between retrainings, each model's test block (default 250). */
  readonly retrainEvery?: number;
  /** Train on every row before the test block instead of the last trainBars. */
  readonly expanding?: boolean;
  /** Model kinds of the overfitting grid (default: the model and logistic). */
  readonly gridModels?: readonly ModelKind[];
  /** Entry quantiles of the grid (default 0.6, 0.75, 0.9 and the requested one). */
  readonly gridQuantiles?: readonly number[];
  /** Strategies to compare with (default CLASSIC_STRATEGIES). */
  readonly compare?: readonly string[];
  /** Worker threads for the fits (default: the machine's cores; 0 = in process). */
  readonly threads?: number;
}

export interface EvaluateHooks {
  readonly onProgress?: (done: number, total: number) => void;
  /** Fit on `sextant worker` processes through this queue instead of local threads. */
  readonly queue?: QueueTarget;
  /** Something to know while waiting (no worker connected to the queue yet). */
  readonly onNotice?: (message: string) => void;
}

export interface FoldReport {
  readonly fold: number;
  readonly train: { readonly from: string; readonly to: string; readonly rows: number };
  readonly test: { readonly from: string; readonly to: string; readonly bars: number };
  readonly inSample: { readonly auc: number | null; readonly logLoss: number };
  readonly outOfSample: { readonly auc: number | null; readonly logLoss: number | null; readonly ic: number | null; readonly rows: number };
  /** Neural-net loss per epoch (nn and ensemble). */
  readonly learningCurve: { readonly trainLoss: number[]; readonly validationLoss: number[]; readonly bestEpoch: number } | null;
  readonly dataHash: string;
  readonly seconds: number;
}

export interface StrategyResult {
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  readonly metrics: PerformanceMetrics;
  /** Probability that the true Sharpe ratio is above 0. */
  readonly psr: number | null;
}

export interface GridRow {
  readonly model: ModelKind;
  readonly entryQuantile: number;
  readonly primary: boolean;
  readonly sharpe: number | null;
  readonly totalReturn: number | null;
  readonly maxDrawdown: number | null;
  readonly trades: number;
}

export interface EvaluateResult {
  readonly strategy: 'ml-ensemble';
  readonly data: readonly string[];
  readonly symbol: string;
  readonly bars: number;
  readonly model: ModelKind;
  readonly seed: number;
  readonly labels: LabelInfo;
  readonly features: readonly string[];
  readonly params: Record<string, unknown>;
  readonly costs: { readonly cash: number; readonly commission: number; readonly slippageBps: number; readonly size: string; readonly fill: string; readonly account: string };
  readonly walkForward: {
    readonly trainBars: number; readonly retrainEvery: number; readonly mode: 'rolling' | 'expanding'; readonly folds: number;
    readonly from: string; readonly to: string; readonly bars: number;
  };
  readonly folds: readonly FoldReport[];
  /** The stitched out-of-sample probabilities against the labels and the forward returns. */
  readonly predictions: PredictionStats;
  readonly importance: readonly { readonly feature: string; readonly permutation: number | null; readonly gain: number | null }[];
  readonly outOfSample: StrategyResult & {
    readonly deflatedSharpe: { readonly dsr: number | null; readonly sharpe: number | null; readonly expectedMaxSharpe: number; readonly numTrials: number; readonly trialSharpeVariance: number };
    readonly pbo: { readonly pbo: number; readonly blocks: number; readonly combinations: number; readonly trials: number; readonly meanLogit: number; readonly probOosLoss: number; readonly degradationSlope: number | null } | null;
  };
  /** The seed's targets, out of sample: Sharpe > 1.5, max drawdown < 15%, win rate > 60%. */
  readonly targets: { readonly sharpeAbove1_5: boolean; readonly maxDrawdownBelow15Pct: boolean; readonly winRateAbove60Pct: boolean; readonly allMet: boolean };
  /** ml-ensemble first, then the classic strategies, on the same out-of-sample bars. */
  readonly comparison: readonly StrategyResult[];
  readonly grid: readonly GridRow[];
  readonly regimes: {
    readonly timeline: readonly { readonly from: string; readonly to: string; readonly regime: string; readonly bars: number }[];
    readonly byRegime: readonly { readonly regime: string; readonly bars: number; readonly strategyMeanReturn: number | null; readonly buyHoldMeanReturn: number | null }[];
  };
  /** Out-of-sample curves for charts: one time axis, equity per strategy, the model's P(up) per bar. */
  readonly curves: { readonly time: readonly string[]; readonly equity: Record<string, readonly number[]>; readonly score: readonly (number | null)[] };
  readonly reliability: readonly ReliabilityBin[];
  /** Local worker threads of the fits (0 when they ran on the queue). */
  readonly threads: number;
  /** Where the fits ran when `--queue` was given. */
  readonly queue?: FitQueueSummary;
  readonly seconds: { readonly total: number; readonly fitting: number; readonly backtests: number };
}

function positiveInt(v: number, flag: string): number {
  if (!(Number.isInteger(v) && v >= 1)) throw new ConfigError(`must be a positive integer, got ${v}`, { field: flag });
  return v;
}

interface KindFits {
  readonly kind: ModelKind;
  readonly fits: readonly FitResult[];
  readonly schedule: ModelSchedule;
  /** P(up) per bar of the series (NaN outside the test blocks). */
  readonly scores: Float64Array;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  if (m === null || xs.length < 2) return 0;
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

export async function evaluateModel(req: EvaluateRequest, hooks: EvaluateHooks = {}): Promise<EvaluateResult> {
  const t0 = performance.now();
  if ((req.strategy ?? 'ml-ensemble') !== 'ml-ensemble') throw new ConfigError(`evaluate trades its models through ml-ensemble; got "${req.strategy}"`, { field: '--strategy' });
  if (req.params !== undefined && 'model' in req.params) throw new ConfigError('evaluate trains its own models; --param model is for backtest, paper and live', { field: '--param model' });
  const kind = modelKindOf(req);
  const seed = req.seed ?? 1;
  const label = labelInfoOf(req);
  const retrainEvery = positiveInt(req.retrainEvery ?? 250, '--retrain-every');
  const settings = checkRunSettings(req);
  const market = loadMarketData(req.data ?? [], marketOptionsOf(req, settings));
  if (market.series.length !== 1) throw new ConfigError(`evaluate runs on one series at a time; --data gave ${market.series.length}`, { field: '--data' });
  const series = market.series[0]!;
  const spec = featureSpecOf(req, [series]);
  const d = buildDataset(series, spec, label);
  const n = series.length;
  // Default: 1000 rows, or half the bars after the features' warm-up when the data has fewer than 2000 of them.
  const trainBars = positiveInt(req.trainBars ?? Math.max(1, Math.min(DEFAULT_TRAIN_BARS, Math.floor((n - d.firstFull) / 2))), '--train-bars');
  const start = d.firstFull + trainBars;
  if (start >= n - 1) {
    throw new ConfigError(`${n} bars leave no test window: the features need ${d.firstFull} bars of warm-up, then ${trainBars} to train on (a smaller --train-bars, or more data)`, { field: '--train-bars' });
  }
  const splits = walkForward(d.labels, { train: trainBars, step: retrainEvery, start, mode: req.expanding ? 'expanding' : 'rolling' });
  const first = splits[0]!.test[0]!;

  // Strategy params, checked now: the grid varies entryQuantile only.
  const base = parseStrategyConfig('ml-ensemble', ML_CLASS, { ...(req.params ?? {}) }) as Record<string, unknown>;
  const entryQ = base['entryQuantile'] as number;
  const exitQ = base['exitQuantile'] as number;
  const quantiles = [...new Set([...(req.gridQuantiles ?? GRID_QUANTILES), entryQ])].filter((q) => q > exitQ && q < 1).sort((a, b) => a - b);
  const kinds = [...new Set([kind, ...(req.gridModels ?? (kind === 'logistic' ? ['logistic', 'gbdt'] : [kind, 'logistic']))])] as ModelKind[];
  for (const k of kinds) if (!MODEL_KINDS.includes(k)) throw new ConfigError(`unknown model kind "${k}"`, { field: '--grid-models' });
  const compare = req.compare ?? CLASSIC_STRATEGIES;
  for (const c of compare) if (builtinStrategy(c) === undefined) throw new ConfigError(`unknown strategy "${c}"`, { field: '--compare' });

  const total = kinds.length * splits.length + kinds.length * quantiles.length + compare.length;
  let done = 0;
  const tick = (): void => hooks.onProgress?.(++done, total);

  // 1. Fits, all kinds and folds at once on the worker threads; the matrix is shared, not copied.
  const values = shared(d.matrix.values);
  const time = shared(d.matrix.time);
  const y = shared(d.labels.y);
  const end = shared(d.labels.end);
  const weight = shared(d.labels.weight);
  const tasks: FitTask[] = [];
  for (const k of kinds) {
    for (const s of splits) {
      const t = s.test[0]!;
      tasks.push({
        kind: k, seed, names: d.matrix.names, cols: d.matrix.cols, values, time, y, end, weight, train: s.train,
        fitFrom: Math.max(d.firstFull, req.expanding ? 0 : t - trainBars), fitTo: t, scoreFrom: t, scoreTo: s.test[s.test.length - 1]! + 1, importance: k === kind,
      });
    }
  }
  const tFit = performance.now();
  const { results, threads, queue } = await fitAll(tasks, { threads: req.threads, queue: hooks.queue, onNotice: hooks.onNotice }, tick);
  const fittingSeconds = (performance.now() - tFit) / 1000;
  const byKind: KindFits[] = kinds.map((k, ki) => {
    const fits = results.slice(ki * splits.length, (ki + 1) * splits.length);
    const scores = new Float64Array(n).fill(NaN);
    const entries = fits.map((f, j) => {
      const task = tasks[ki * splits.length + j]!;
      scores.set(f.scores, task.scoreFrom);
      return { fromMs: series.time[task.scoreFrom]!, model: foldModel(k, seed, spec, label, series, d, task, f, j + 1) };
    });
    return { kind: k, fits, schedule: new ModelSchedule(entries, `${k}: ${entries.length} walk-forward models`), scores };
  });

  // 2. Backtests: the grid (its primary cell is the requested configuration), then the classics.
  const tBt = performance.now();
  const costs: RunCosts = {
    cash: settings.cash, sizer: settings.sizer, commission: settings.commission, slippageBps: settings.slippageBps, fill: settings.fill,
    account: settings.account, leverage: settings.leverage, instruments: market.instruments,
  };
  const trials: { row: GridRow; run: OosRun }[] = [];
  let primary: OosRun | null = null;
  for (const kf of byKind) {
    for (const q of quantiles) {
      const strategy = new MlEnsemble(parseStrategyConfig('ml-ensemble', ML_CLASS, { ...(req.params ?? {}), model: kf.schedule, entryQuantile: q }) as never);
      const run = runOos(series, strategy, 'ml-ensemble', first, costs);
      const isPrimary = kf.kind === kind && q === entryQ;
      if (isPrimary) primary = run;
      const m = run.metrics;
      trials.push({ row: { model: kf.kind, entryQuantile: q, primary: isPrimary, sharpe: m.sharpe, totalReturn: m.totalReturn, maxDrawdown: m.maxDrawdown, trades: m.tradeCount }, run });
      tick();
    }
  }
  if (primary === null) throw new Error('ml evaluate: the requested configuration was not run');
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
  const ppy = primary.metrics.periodsPerYear;
  const sharpes = trials.map((t) => t.row.sharpe ?? 0);
  const trialSharpeVariance = sampleVariance(sharpes);
  const dsr = deflatedSharpeRatio(primary.returns, { periodsPerYear: ppy, numTrials: trials.length, trialSharpeVariance });
  const psrOf = (r: OosRun): number | null => probabilisticSharpeRatio(r.returns, { periodsPerYear: ppy });
  let pbo: EvaluateResult['outOfSample']['pbo'] = null;
  if (trials.length >= 2) {
    const len = Math.max(...trials.map((t) => t.run.returns.length));
    const matrix = trials.map((t) => {
      const r = new Float64Array(len);
      r.set(t.run.returns);
      return r;
    });
    if (len >= 8) {
      const c = cscv(matrix);
      pbo = { pbo: c.pbo, blocks: c.blocks, combinations: c.combinations, trials: c.trials, meanLogit: c.meanLogit, probOosLoss: c.probOosLoss, degradationSlope: c.degradationSlope };
    }
  }
  const primaryKind = byKind.find((k) => k.kind === kind)!;
  const oosScores = primaryKind.scores.subarray(first);
  const predictions = predictionStats(oosScores, d.labels.y.subarray(first), d.forward.subarray(first));
  const m = primary.metrics;
  const targets = {
    sharpeAbove1_5: (m.sharpe ?? -Infinity) > TARGETS.sharpe,
    maxDrawdownBelow15Pct: m.maxDrawdown !== null && -m.maxDrawdown < TARGETS.maxDrawdown,
    winRateAbove60Pct: (m.winRate ?? 0) > TARGETS.winRate,
  };
  const params = Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'model'));
  const bh = classics.find((c) => c.name === 'buy-and-hold')?.run ?? null;

  return {
    strategy: 'ml-ensemble', data: [...(req.data ?? ['synthetic'])], symbol: series.symbol, bars: n, model: kind, seed, labels: label, features: d.matrix.names, params,
    costs: { cash: settings.cash, commission: settings.commission, slippageBps: settings.slippageBps, size: settings.sizeText, fill: settings.fill, account: settings.account },
    walkForward: {
      trainBars, retrainEvery, mode: req.expanding ? 'expanding' : 'rolling', folds: splits.length,
      from: toIso(series.time[first]!), to: toIso(series.time[n - 1]!), bars: n - first,
    },
    folds: foldReports(primaryKind, tasks.slice(byKind.indexOf(primaryKind) * splits.length), d, series),
    predictions,
    importance: importanceOf(primaryKind.fits, d.matrix.names),
    outOfSample: {
      strategy: 'ml-ensemble', params, metrics: m, psr: psrOf(primary),
      deflatedSharpe: { dsr: dsr.dsr, sharpe: dsr.sharpe, expectedMaxSharpe: dsr.expectedMaxSharpe, numTrials: trials.length, trialSharpeVariance },
      pbo,
    },
    targets: { ...targets, allMet: targets.sharpeAbove1_5 && targets.maxDrawdownBelow15Pct && targets.winRateAbove60Pct },
    comparison: [
      { strategy: 'ml-ensemble', params, metrics: m, psr: psrOf(primary) },
      ...classics.map((c) => ({ strategy: c.name, params: c.params, metrics: c.run.metrics, psr: psrOf(c.run) })),
    ],
    grid: trials.map((t) => t.row),
    regimes: regimesOf(series, first, primary, bh),
    curves: curvesOf(primary, classics, oosScores),
    reliability: predictions.reliability,
    threads,
    ...(queue === null ? {} : { queue }),
    seconds: { total: (performance.now() - t0) / 1000, fitting: fittingSeconds, backtests: backtestSeconds },
  };
}

/** A fold's fitted model as the strategy loads a model file (a round trip through its saved form). */
function foldModel(kind: ModelKind, seed: number, spec: FeatureSpec, label: LabelInfo, series: BarSeries, d: Dataset, task: FitTask, f: FitResult, fold: number): LoadedModel {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const i of task.train) {
    startMs = Math.min(startMs, series.time[i]!);
    endMs = Math.max(endMs, series.time[i]!);
  }
  const file = buildModelFile({
    kind, seed, featureSpec: spec, standardizer: f.standardizer, label, timeframeMs: series.timeframeMs, saved: f.saved, libraries: f.libraries,
    trainStartMs: startMs, trainEndMs: endMs, dataHash: barsHash([{ series, from: 0, to: task.fitTo }]),
    training: { fold, rows: f.trainRows, firstFeatureRow: d.firstFull }, createdAt: toIso(series.time[task.scoreFrom]!),
  });
  return loadedModel(file, `walk-forward fold ${fold}`);
}

function foldReports(k: KindFits, tasks: readonly FitTask[], d: Dataset, series: BarSeries): FoldReport[] {
  return k.fits.map((f, j) => {
    const t = tasks[j]!;
    const oos = predictionStats(f.scores, d.labels.y.subarray(t.scoreFrom, t.scoreTo), d.forward.subarray(t.scoreFrom, t.scoreTo));
    return {
      fold: j + 1,
      train: { from: toIso(series.time[t.fitFrom]!), to: toIso(series.time[t.fitTo - 1]!), rows: f.trainRows },
      test: { from: toIso(series.time[t.scoreFrom]!), to: toIso(series.time[t.scoreTo - 1]!), bars: t.scoreTo - t.scoreFrom },
      inSample: { auc: f.inSample.auc, logLoss: f.inSample.logLoss },
      outOfSample: { auc: oos.auc, logLoss: oos.logLoss, ic: oos.ic, rows: oos.rows },
      learningCurve: f.history,
      dataHash: k.schedule.entries[j]!.model.metadata.dataHash,
      seconds: f.seconds,
    };
  });
}

function importanceOf(fits: readonly FitResult[], names: readonly string[]): EvaluateResult['importance'] {
  const rows = names.map((feature, c) => {
    const perm = fits.map((f) => f.permutation?.[c]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const gain = fits.map((f) => f.gain?.[c]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return { feature, permutation: mean(perm), gain: mean(gain) };
  });
  return rows.sort((a, b) => (b.permutation ?? -Infinity) - (a.permutation ?? -Infinity) || (b.gain ?? 0) - (a.gain ?? 0));
}

function regimesOf(series: BarSeries, first: number, ml: OosRun, bh: OosRun | null): EvaluateResult['regimes'] {
  const labels = classifyRegimes(series).labels;
  const time = series.time.subarray(first, series.length);
  const oosLabels = labels.subarray(first, series.length);
  const timeline = regimeSegments(time, oosLabels, REGIME_NAMES, series.timeframeMs || undefined)
    .map((s) => ({ from: toIso(s.fromMs), to: toIso(s.toMs), regime: s.regime, bars: s.bars }));
  const byRegime = [...REGIME_NAMES, 'unknown'].map((regime, code) => {
    const c = regime === 'unknown' ? -1 : code;
    const ms: number[] = [];
    const bs: number[] = [];
    // Return from bar i to bar i + 1 belongs to the regime of bar i.
    for (let i = 0; i + 1 < oosLabels.length; i++) {
      if (oosLabels[i] !== c) continue;
      if (i < ml.returns.length) ms.push(ml.returns[i]!);
      if (bh !== null && i < bh.returns.length) bs.push(bh.returns[i]!);
    }
    let bars = 0;
    for (const l of oosLabels) if (l === c) bars++;
    return { regime, bars, strategyMeanReturn: mean(ms), buyHoldMeanReturn: mean(bs) };
  }).filter((r) => r.bars > 0);
  return { timeline, byRegime };
}

function curvesOf(primary: OosRun, classics: readonly { name: string; run: OosRun }[], scores: Float64Array): EvaluateResult['curves'] {
  const time = Array.from(primary.timeMs, (t) => toIso(t));
  const equity: Record<string, number[]> = { 'ml-ensemble': Array.from(primary.equity) };
  for (const c of classics) {
    // Aligned on time (a ruined run stops early: its last value carries on).
    const out: number[] = [];
    let j = 0;
    for (const t of primary.timeMs) {
      while (j + 1 < c.run.timeMs.length && c.run.timeMs[j + 1]! <= t) j++;
      out.push(c.run.equity[j] ?? NaN);
    }
    equity[c.name] = out;
  }
  return { time, equity, score: Array.from(scores.subarray(0, time.length), (v) => (Number.isNaN(v) ? null : v)) };
}
