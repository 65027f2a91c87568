// Fitting one model on rows of a feature matrix: the standardizer on the training window only, the classifier
// on the standardized training rows (uniqueness weights), then its scores for the rows after the window, its
// in-sample fit, its learning curve (neural nets) and what drove it (tree gain; permutation importance on the
// scored rows). The same function runs a walk-forward fold in a worker thread and `ml train` in process.
import { Rng } from '../../core/rng.ts';
import { applyStandardizer, fitStandardizer, gatherRows, type Standardizer } from '../../ml/features/index.ts';
import { auc, brierScore, logLoss } from '../../ml/models/metrics.ts';
import { EnsembleClassifier } from '../../ml/models/ensemble.ts';
import { GbdtClassifier, type GbdtParams } from '../../ml/models/gbdt.ts';
import { LogisticClassifier } from '../../ml/models/logistic.ts';
import { NnClassifier, type NnHistory, type NnParams } from '../../ml/models/nn.ts';
import { defaultEnsemble } from '../../ml/models/registry.ts';
import { hasLibraries } from '../../ml/models/classifier.ts';
import type { Classifier, FeatureMatrix, SavedModel } from '../../ml/types.ts';
import type { ModelKind } from './dataset.ts';

/** Shallow, shrunk trees: daily returns are mostly noise, and deep trees learn the noise. */
export const GBDT_PARAMS: Partial<GbdtParams> = { trees: 150, maxDepth: 3, eta: 0.05, subsample: 0.8, colsample: 0.8, minChildWeight: 10 };
export const NN_PARAMS: Partial<NnParams> = { hidden: [32, 16], dropout: 0.1, epochs: 60, patience: 6 };

/** An unfitted classifier of a kind; 'ensemble' is 60% GBDT + 40% NN, Platt-calibrated on the last 20% of its rows. */
export function makeClassifier(kind: ModelKind, seed: number): Classifier {
  switch (kind) {
    case 'logistic': return new LogisticClassifier({ l2: 1 });
    case 'gbdt': return new GbdtClassifier({ ...GBDT_PARAMS, seed });
    case 'nn': return new NnClassifier({ ...NN_PARAMS, seed });
    case 'ensemble': return defaultEnsemble(seed, GBDT_PARAMS, NN_PARAMS);
  }
}

/** The settings a kind trains with (recorded in the model file). */
export function classifierParams(kind: ModelKind): Record<string, unknown> {
  if (kind === 'logistic') return { l2: 1 };
  if (kind === 'gbdt') return { gbdt: GBDT_PARAMS };
  if (kind === 'nn') return { nn: NN_PARAMS };
  return { weights: [0.6, 0.4], calibration: 'platt', holdout: 0.2, gbdt: GBDT_PARAMS, nn: NN_PARAMS };
}

export interface FitTask {
  readonly kind: ModelKind;
  readonly seed: number;
  /** The whole feature matrix (values may sit in a SharedArrayBuffer). */
  readonly names: readonly string[];
  readonly cols: number;
  readonly values: Float64Array;
  readonly time: Float64Array;
  readonly y: Float64Array;
  readonly end: Int32Array;
  readonly weight: Float64Array;
  /** Rows the classifier fits on (labels known before the first scored row). */
  readonly train: Int32Array;
  /** The standardizer's window: rows [fitFrom, fitTo). */
  readonly fitFrom: number;
  readonly fitTo: number;
  /** Rows to score: [scoreFrom, scoreTo). */
  readonly scoreFrom: number;
  readonly scoreTo: number;
  /** Compute permutation importance on the scored rows. */
  readonly importance: boolean;
}

export interface FitResult {
  readonly standardizer: Standardizer;
  readonly saved: SavedModel;
  readonly libraries: Record<string, string>;
  readonly trainRows: number;
  /** P(up) of rows [scoreFrom, scoreTo); NaN where a feature is undefined. */
  readonly scores: Float64Array;
  /** In-sample fit on the training rows. */
  readonly inSample: { readonly auc: number | null; readonly logLoss: number; readonly brier: number };
  /** The neural net's loss per epoch (the ensemble's member), null without one. */
  readonly history: NnHistory | null;
  /** Mean split gain per feature (gradient-boosted trees), null without trees. */
  readonly gain: number[] | null;
  /** AUC lost when each feature is shuffled among the scored rows (null when too few rows or one class). */
  readonly permutation: number[] | null;
  readonly seconds: number;
}

function matrixOf(t: FitTask): FeatureMatrix {
  return { rows: t.time.length, cols: t.cols, names: t.names, values: t.values, time: t.time };
}

function nnOf(c: Classifier): NnClassifier | null {
  if (c instanceof NnClassifier) return c;
  if (c instanceof EnsembleClassifier) return (c.members.find((m) => m instanceof NnClassifier) as NnClassifier | undefined) ?? null;
  return null;
}

function gbdtOf(c: Classifier): GbdtClassifier | null {
  if (c instanceof GbdtClassifier) return c;
  if (c instanceof EnsembleClassifier) return (c.members.find((m) => m instanceof GbdtClassifier) as GbdtClassifier | undefined) ?? null;
  return null;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** AUC drop per column when that column is shuffled across the rows (seeded). */
export function permutationImportance(c: Classifier, x: Float64Array, rows: number, cols: number, y: Float64Array, seed: number): number[] | null {
  let pos = 0;
  for (let i = 0; i < rows; i++) pos += y[i]!;
  if (rows < 20 || pos === 0 || pos === rows) return null;
  const base = auc(c.predict(x, rows), y);
  const rng = new Rng(seed);
  const out: number[] = [];
  const xp = new Float64Array(x.length);
  for (let col = 0; col < cols; col++) {
    xp.set(x);
    for (let i = rows - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = xp[i * cols + col]!;
      xp[i * cols + col] = xp[j * cols + col]!;
      xp[j * cols + col] = t;
    }
    out.push(base - auc(c.predict(xp, rows), y));
  }
  return out;
}

export async function fitModel(t: FitTask): Promise<FitResult> {
  const t0 = performance.now();
  const m = matrixOf(t);
  const standardizer = fitStandardizer(m, t.fitFrom, t.fitTo);
  const z = applyStandardizer(standardizer, m);
  const labels = { y: t.y, end: t.end, weight: t.weight };
  const set = gatherRows(z, labels, t.train);
  if (set.rows < 20) throw new RangeError(`only ${set.rows} training rows have every feature and a label`);
  const c = makeClassifier(t.kind, t.seed);
  await c.fit(set);
  const fitted = c.predict(set.x, set.rows);
  const inSample = { auc: finiteOrNull(auc(fitted, set.y)), logLoss: logLoss(fitted, set.y), brier: brierScore(fitted, set.y) };

  // Scores of the rows after the window (only rows with every feature defined).
  const k = t.cols;
  const n = t.scoreTo - t.scoreFrom;
  const scores = new Float64Array(n).fill(NaN);
  const rowsOk: number[] = [];
  for (let i = t.scoreFrom; i < t.scoreTo; i++) {
    let ok = true;
    for (let col = 0; col < k && ok; col++) ok = Number.isFinite(z.values[i * k + col]!);
    if (ok) rowsOk.push(i);
  }
  const x = new Float64Array(rowsOk.length * k);
  rowsOk.forEach((i, r) => x.set(z.values.subarray(i * k, i * k + k), r * k));
  if (rowsOk.length > 0) {
    const p = c.predict(x, rowsOk.length);
    rowsOk.forEach((i, r) => (scores[i - t.scoreFrom] = p[r]!));
  }

  let permutation: number[] | null = null;
  if (t.importance) {
    const labelled = rowsOk.map((i, r) => [i, r] as const).filter(([i]) => !Number.isNaN(t.y[i]!));
    const xl = new Float64Array(labelled.length * k);
    labelled.forEach(([, r], j) => xl.set(x.subarray(r * k, r * k + k), j * k));
    const yl = Float64Array.from(labelled, ([i]) => t.y[i]!);
    permutation = permutationImportance(c, xl, labelled.length, k, yl, t.seed + 7919 * t.scoreFrom);
  }
  const nn = nnOf(c);
  const gbdt = gbdtOf(c);
  return {
    standardizer, saved: c.save(), libraries: hasLibraries(c) ? c.libraries() : {}, trainRows: set.rows, scores, inSample,
    history: nn?.history ?? null, gain: gbdt === null ? null : gbdt.importance().map((f) => f.gain), permutation,
    seconds: (performance.now() - t0) / 1000,
  };
}
