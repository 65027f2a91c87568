// `ml train`: fit a model on all the bars of the data and write it as a model file, with a training report.
// The report's scores come from a second fit that never saw the last `validation` share of each series (its
// training labels end before that tail starts): validation AUC, log loss, Brier, reliability, IC and the
// permutation importance of each feature there. The model file's classifier is then fitted on all the rows.
import { ConfigError } from '../../core/errors.ts';
import type { ModelFile } from '../../ml/models/registry.ts';
import type { ReliabilityBin } from '../../ml/models/metrics.ts';
import type { QueueTarget } from '../../research/queue-redis.ts';
import { toIso } from '../../core/time.ts';
import { barsHash, buildDataset, featureSpecOf, labelInfoOf, loadSeries, modelKindOf, type Dataset, type MlDataRequest, type ModelKind } from './dataset.ts';
import { fitAll, type FitQueueSummary } from './fit-queue.ts';
import type { FitTask } from './fit.ts';
import { buildModelFile } from './model-file.ts';
import { predictionStats } from './stats.ts';
import type { LabelInfo } from '../../strategies/builtin/ml-ensemble-model.ts';

export interface TrainRequest extends MlDataRequest {
  /** Share of each series' last rows held out for the report's validation scores (default 0.2). */
  readonly validation?: number;
  /** Worker threads for the two fits (default: the machine's cores; 0 = in process). */
  readonly threads?: number;
}

export interface ImportanceRow {
  readonly feature: string;
  /** AUC lost when the feature is shuffled among the validation rows. */
  readonly permutation: number | null;
  /** Mean split gain in the trees (GBDT and the ensemble's trees), null without trees. */
  readonly gain: number | null;
}

export interface TrainReport {
  readonly model: ModelKind;
  readonly seed: number;
  readonly data: readonly string[];
  readonly series: readonly { readonly symbol: string; readonly bars: number; readonly from: string; readonly to: string }[];
  readonly features: readonly string[];
  readonly labels: LabelInfo;
  readonly rows: { readonly train: number; readonly validation: number; readonly final: number };
  readonly validation: {
    readonly share: number;
    readonly from: readonly string[];
    readonly auc: number | null;
    readonly logLoss: number | null;
    readonly brier: number | null;
    readonly hitRate: number | null;
    readonly baseRate: number | null;
    readonly ic: number | null;
    readonly reliability: readonly ReliabilityBin[];
  };
  readonly inSample: { readonly auc: number | null; readonly logLoss: number; readonly brier: number };
  readonly importance: readonly ImportanceRow[];
  /** The neural net's loss per epoch in the final fit (nn and ensemble). */
  readonly learningCurve: { readonly trainLoss: number[]; readonly validationLoss: number[]; readonly bestEpoch: number } | null;
  readonly dataHash: string;
  readonly trainStart: string;
  readonly trainEnd: string;
  readonly libraries: Record<string, string>;
  /** Where the two fits ran when `--queue` was given. */
  readonly queue?: FitQueueSummary;
  readonly seconds: number;
}

export interface TrainResult {
  readonly model: ModelFile;
  readonly report: TrainReport;
}

interface Stacked {
  readonly values: Float64Array;
  readonly time: Float64Array;
  readonly y: Float64Array;
  readonly weight: Float64Array;
  readonly forward: Float64Array;
}

/** Rows of several datasets one after the other (features, labels, weights and forward returns per row). */
function stack(parts: readonly { readonly d: Dataset; readonly rows: readonly number[] }[]): Stacked {
  const cols = parts[0]!.d.matrix.cols;
  const n = parts.reduce((s, p) => s + p.rows.length, 0);
  const out = { values: new Float64Array(n * cols), time: new Float64Array(n), y: new Float64Array(n), weight: new Float64Array(n), forward: new Float64Array(n) };
  let r = 0;
  for (const { d, rows } of parts) {
    for (const i of rows) {
      out.values.set(d.matrix.values.subarray(i * cols, i * cols + cols), r * cols);
      out.time[r] = d.matrix.time[i]!;
      out.y[r] = d.labels.y[i]!;
      out.weight[r] = d.labels.weight[i]!;
      out.forward[r] = d.forward[i]!;
      r++;
    }
  }
  return out;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

export interface TrainHooks {
  readonly onProgress?: (done: number, total: number) => void;
  /** Fit on `sextant worker` processes through this queue instead of local threads. */
  readonly queue?: QueueTarget;
  readonly onNotice?: (message: string) => void;
}

export async function trainModel(req: TrainRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const kind = modelKindOf(req);
  const seed = req.seed ?? 1;
  const label = labelInfoOf(req);
  const share = req.validation ?? 0.2;
  if (!(share > 0 && share < 1)) throw new ConfigError(`validation share must be in (0, 1), got ${share}`, { field: '--validation' });
  const series = loadSeries(req);
  const spec = featureSpecOf(req, series);
  const sets = series.map((s) => buildDataset(s, spec, label));
  const names = sets[0]!.matrix.names;

  // Per series: a head to fit on (labels ending before the tail starts) and the tail to validate on.
  const heads: { d: Dataset; rows: number[] }[] = [];
  const tails: { d: Dataset; rows: number[] }[] = [];
  const all: { d: Dataset; rows: number[] }[] = [];
  for (const d of sets) {
    const n = d.series.length;
    const v = d.firstFull + Math.floor((n - d.firstFull) * (1 - share));
    heads.push({ d, rows: range(d.firstFull, v).filter((i) => d.labels.end[i]! < v) });
    tails.push({ d, rows: range(v, n) });
    all.push({ d, rows: range(d.firstFull, n) });
  }
  const validation = stack([...heads, ...tails]);
  const final = stack(all);
  const nHead = heads.reduce((s, h) => s + h.rows.length, 0);
  const nAll = final.time.length;
  const cols = names.length;
  const task = (s: Stacked, fitTo: number, train: number, scoreTo: number, importance: boolean): FitTask => ({
    kind, seed, names, cols, values: s.values, time: s.time, y: s.y, end: Int32Array.from(s.y, (_, i) => i), weight: s.weight,
    train: Int32Array.from(range(0, train)), fitFrom: 0, fitTo, scoreFrom: fitTo, scoreTo, importance,
  });
  let done = 0;
  const { results: [val, fit], queue } = await fitAll(
    [task(validation, nHead, nHead, validation.time.length, true), task(final, nAll, nAll, nAll, false)],
    { threads: req.threads, queue: hooks.queue, onNotice: hooks.onNotice },
    () => hooks.onProgress?.(++done, 2),
  );
  if (val === undefined || fit === undefined) throw new Error('ml train: a fit returned nothing');
  const vs = predictionStats(val.scores, validation.y.subarray(nHead), validation.forward.subarray(nHead));

  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < nAll; i++) {
    if (Number.isNaN(final.y[i]!)) continue;
    start = Math.min(start, final.time[i]!);
    end = Math.max(end, final.time[i]!);
  }
  const dataHash = barsHash(series.map((s) => ({ series: s, from: 0, to: s.length })));
  const seriesInfo = series.map((s) => ({ symbol: s.symbol, bars: s.length, from: toIso(s.time[0]!), to: toIso(s.time[s.length - 1]!) }));
  const importance: ImportanceRow[] = names.map((feature, c) => ({ feature, permutation: val.permutation?.[c] ?? null, gain: fit.gain?.[c] ?? null }));
  importance.sort((a, b) => (b.permutation ?? -Infinity) - (a.permutation ?? -Infinity) || (b.gain ?? 0) - (a.gain ?? 0));
  const validationInfo = {
    share, from: tails.map((t) => toIso(t.d.series.time[t.rows[0] ?? t.d.series.length - 1]!)),
    auc: vs.auc, logLoss: vs.logLoss, brier: vs.brier, hitRate: vs.hitRate, baseRate: vs.baseRate, ic: vs.ic, reliability: vs.reliability,
  };
  const model = buildModelFile({
    kind, seed, featureSpec: spec, standardizer: fit.standardizer, label, timeframeMs: series[0]!.timeframeMs, saved: fit.saved, libraries: fit.libraries,
    trainStartMs: start, trainEndMs: end, dataHash,
    training: { data: [...(req.data ?? ['synthetic'])], series: seriesInfo, rows: fit.trainRows, validation: { share, rows: vs.rows, auc: vs.auc, logLoss: vs.logLoss, brier: vs.brier } },
  });
  const report: TrainReport = {
    model: kind, seed, data: [...(req.data ?? ['synthetic'])], series: seriesInfo, features: names, labels: label,
    rows: { train: val.trainRows, validation: vs.rows, final: fit.trainRows },
    validation: validationInfo, inSample: fit.inSample, importance, learningCurve: fit.history,
    dataHash, trainStart: toIso(start), trainEnd: toIso(end), libraries: model.metadata.libraries, ...(queue === null ? {} : { queue }),
    seconds: (performance.now() - t0) / 1000,
  };
  return { model, report };
}
