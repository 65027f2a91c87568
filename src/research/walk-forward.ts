// Walk-forward analysis: the timeline is cut into N folds of (train, test) windows; each fold
// re-optimizes on its training window and trades its test window with the chosen params. The test
// windows are consecutive and never overlap, so their equity curves stitch into one out-of-sample
// curve. Rolling folds keep the training length fixed; anchored folds all train from the first bar.
// Indicators always run from the first bar of the data (warm at every window start); trading and
// measuring happen only inside the window.
import { computeMetrics, type PerformanceMetrics } from '../analytics/metrics.ts';
import { toIso } from '../core/time.ts';
import { ConfigError } from '../core/errors.ts';
import { optimize, type OptimizeOptions } from './optimize.ts';
import type { ParamValue, Params, ProgressFn, Runner, TimeWindow, TrialMetrics } from './types.ts';

export interface FoldPlan {
  readonly fold: number;
  /** Bar indices into the runner's timeline; `to` exclusive. */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
}

/**
 * Fold windows over `bars` bars. With train fraction f, a test window is L bars and a rolling
 * training window ⌊L·f/(1−f)⌋ bars, L = ⌊bars / (folds + f/(1−f))⌋; the test windows tile the end of
 * the data and the bars left over lengthen the first training window.
 */
export function planFolds(bars: number, folds: number, trainFraction = 0.75, anchored = false): FoldPlan[] {
  if (!(Number.isInteger(folds) && folds >= 1)) throw new ConfigError(`folds must be a positive integer, got ${folds}`, { field: '--folds' });
  if (!(trainFraction > 0 && trainFraction < 1)) throw new ConfigError(`train fraction must be in (0, 1), got ${trainFraction}`, { field: '--train' });
  const ratio = trainFraction / (1 - trainFraction);
  const testLen = Math.floor(bars / (folds + ratio));
  const trainLen = Math.floor(testLen * ratio);
  if (testLen < 3 || trainLen < 3) {
    throw new ConfigError(`${bars} bars are too few for ${folds} folds with train fraction ${trainFraction} (test windows of ${testLen} bars)`, { field: '--folds' });
  }
  const first = bars - folds * testLen;
  const plan: FoldPlan[] = [];
  for (let k = 0; k < folds; k++) {
    const testFrom = first + k * testLen;
    plan.push({ fold: k + 1, trainFrom: anchored ? 0 : testFrom - trainLen, trainTo: testFrom, testFrom, testTo: testFrom + testLen });
  }
  return plan;
}

/** The time window of bar indices [from, to) on a timeline. */
export function windowOf(timeline: Float64Array, from: number, to: number): TimeWindow {
  return { fromMs: timeline[from]!, toMs: to < timeline.length ? timeline[to]! : timeline[timeline.length - 1]! + 1 };
}

export interface WalkForwardOptions extends Omit<OptimizeOptions, 'window' | 'analyze' | 'onProgress'> {
  readonly folds: number;
  /** Share of each fold's window used to train (default 0.75). */
  readonly trainFraction?: number;
  readonly anchored?: boolean;
  readonly onProgress?: ProgressFn;
}

export interface FoldReport {
  readonly fold: number;
  readonly train: { readonly from: string; readonly to: string; readonly bars: number };
  readonly test: { readonly from: string; readonly to: string; readonly bars: number };
  readonly params: Params;
  /** Whether the chosen set had a score on the training window (else: the first trial's set). */
  readonly scored: boolean;
  readonly trainScore: number | null;
  readonly trainMetrics: TrialMetrics;
  readonly testScore: number | null;
  readonly testMetrics: TrialMetrics;
  readonly evaluated: number;
  readonly skipped: number;
}

export interface ParamStability {
  readonly name: string;
  readonly values: readonly ParamValue[];
  /** Numeric params: mean, sample std, std / |mean|, range; choices: the most frequent value. */
  readonly mean: number | null;
  readonly std: number | null;
  readonly cv: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** std divided by the width of the searched range (0 = same value every fold). */
  readonly stdOfRange: number | null;
  readonly mode: ParamValue;
  readonly modeShare: number;
  /** Folds whose value differs from the previous fold's. */
  readonly changes: number;
}

export interface WalkForwardReport {
  readonly objective: string;
  readonly method: string;
  readonly anchored: boolean;
  readonly trainFraction: number;
  readonly folds: FoldReport[];
  /** Out-of-sample equity: the test windows' curves chained, one point per test bar. */
  readonly equity: { time: string; equity: number }[];
  readonly metrics: PerformanceMetrics;
  /** Mean test score / mean train score (null when undefined or the train mean is not positive). */
  readonly efficiency: number | null;
  readonly stability: ParamStability[];
  readonly seconds: number;
}

function stabilityOf(name: string, values: readonly ParamValue[], range: number | null): ParamStability {
  const counts = new Map<ParamValue, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let mode: ParamValue = values[0]!;
  for (const [v, c] of counts) if (c > (counts.get(mode) ?? 0)) mode = v;
  let changes = 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) changes++;
  const base = { name, values, mode, modeShare: (counts.get(mode) ?? 0) / values.length, changes };
  if (!values.every((v) => typeof v === 'number')) return { ...base, mean: null, std: null, cv: null, min: null, max: null, stdOfRange: null };
  const xs = values as number[];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return {
    ...base, mean, std, cv: mean !== 0 ? std / Math.abs(mean) : null, min: Math.min(...xs), max: Math.max(...xs),
    stdOfRange: range !== null && range > 0 ? std / range : null,
  };
}

export async function walkForward(runner: Runner, o: WalkForwardOptions): Promise<WalkForwardReport> {
  const t0 = performance.now();
  const timeline = runner.timeline;
  const trainFraction = o.trainFraction ?? 0.75;
  const anchored = o.anchored ?? false;
  const plan = planFolds(timeline.length, o.folds, trainFraction, anchored);
  const folds: FoldReport[] = [];
  const curves: { timeMs: Float64Array; equity: Float64Array }[] = [];
  for (const f of plan) {
    const train = windowOf(timeline, f.trainFrom, f.trainTo);
    const test = windowOf(timeline, f.testFrom, f.testTo);
    const report = await optimize(runner, {
      ...o, window: train, analyze: false,
      onProgress: (done, total) => o.onProgress?.(f.fold - 1 + done / Math.max(1, total), plan.length),
    });
    const chosen = report.best ?? report.trials[0]!;
    const [out] = await runner.evaluate([chosen.params], { window: test, blocks: 0, keepCurve: true });
    const curve = out!.curve!;
    curves.push(curve);
    folds.push({
      fold: f.fold,
      train: { from: toIso(timeline[f.trainFrom]!), to: toIso(timeline[f.trainTo - 1]!), bars: f.trainTo - f.trainFrom },
      test: { from: toIso(timeline[f.testFrom]!), to: toIso(timeline[f.testTo - 1]!), bars: f.testTo - f.testFrom },
      params: chosen.params, scored: report.best !== null, trainScore: chosen.score, trainMetrics: chosen.metrics,
      testScore: o.objective.score(out!.metrics), testMetrics: out!.metrics, evaluated: report.evaluated, skipped: report.skipped,
    });
    o.onProgress?.(f.fold, plan.length);
  }

  // Chain the test curves: each fold starts flat with fresh cash, so its first point carries the
  // stitched equity over unchanged and every later point applies that fold's own bar return.
  const n = curves.reduce((a, c) => a + c.equity.length, 0);
  const timeMs = new Float64Array(n);
  const equity = new Float64Array(n);
  let k = 0;
  let e = curves[0]?.equity[0] ?? 1;
  for (const c of curves) {
    for (let i = 0; i < c.equity.length; i++) {
      if (i > 0) e *= c.equity[i]! / c.equity[i - 1]!;
      timeMs[k] = c.timeMs[i]!;
      equity[k++] = e;
    }
  }
  const metrics = computeMetrics({ timeMs, equity, trades: [] });
  const tradeCount = folds.reduce((a, f) => a + f.testMetrics.tradeCount, 0);

  const trainScores = folds.map((f) => f.trainScore).filter((s): s is number => s !== null);
  const testScores = folds.map((f) => f.testScore ?? 0);
  const meanTrain = trainScores.length ? trainScores.reduce((a, b) => a + b, 0) / trainScores.length : NaN;
  const meanTest = testScores.reduce((a, b) => a + b, 0) / Math.max(1, testScores.length);
  const efficiency = meanTrain > 0 && Number.isFinite(meanTest) ? meanTest / meanTrain : null;

  const stability = o.space.params.map((d) =>
    stabilityOf(d.name, folds.map((f) => f.params[d.name]!), d.kind === 'choice' ? null : d.hi - d.lo),
  );
  const eqOut: { time: string; equity: number }[] = [];
  for (let i = 0; i < n; i++) eqOut.push({ time: toIso(timeMs[i]!), equity: equity[i]! });
  return {
    objective: o.objective.name, method: o.method ?? 'grid', anchored, trainFraction, folds, equity: eqOut,
    metrics: { ...metrics, tradeCount }, efficiency, stability, seconds: (performance.now() - t0) / 1000,
  };
}
