// A weighted average of calibrated member probabilities (by default 60% gradient-boosted trees, 40% neural
// net). With a holdout, members fit on the earlier rows, and each member's calibration — and, if asked, the
// weights — fit on their predictions for the last rows; without one, members fit on all rows and the
// probabilities are averaged raw.
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { calibratorFromState, fitCalibrator, type CalibrationMethod, type Calibrator } from './calibration.ts';
import type { Restore } from './calibrated.ts';
import { checkPredictInput, checkTrainSet, hasLibraries, type WithLibraries } from './classifier.ts';
import { sliceSet } from './synthetic.ts';

export interface EnsembleParams {
  /** Member weights (non-negative, normalised to sum 1); learned on the holdout when `learnWeights`. */
  readonly weights: readonly number[];
  readonly learnWeights: boolean;
  readonly calibration: CalibrationMethod | 'none';
  /** Fraction of rows, the last ones, for calibration and weight learning (0: members fit on all rows). */
  readonly holdout: number;
}

/**
 * Mixture weights on the simplex that maximise the (weighted) log-likelihood of the labels under
 * p = sum_k w_k p_k, by EM (each step raises the likelihood and stays on the simplex; the problem is concave).
 */
export function learnWeights(preds: readonly ArrayLike<number>[], y: ArrayLike<number>, rowWeight?: ArrayLike<number>, iterations = 500): number[] {
  const k = preds.length;
  const n = y.length;
  if (k === 0 || preds.some((p) => p.length !== n) || n === 0) throw new RangeError('learnWeights: need members with one prediction per label');
  // Likelihood of each row's observed label under each member, floored so no member is ruled out by one row.
  const q = preds.map((p) => Float64Array.from({ length: n }, (_, i) => Math.max(1e-12, y[i] === 1 ? p[i]! : 1 - p[i]!)));
  let w = new Array<number>(k).fill(1 / k);
  let total = 0;
  for (let i = 0; i < n; i++) total += rowWeight ? rowWeight[i]! : 1;
  for (let it = 0; it < iterations; it++) {
    const next = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      let mix = 0;
      for (let j = 0; j < k; j++) mix += w[j]! * q[j]![i]!;
      const ri = (rowWeight ? rowWeight[i]! : 1) / (mix * total);
      for (let j = 0; j < k; j++) next[j]! += w[j]! * q[j]![i]! * ri;
    }
    let change = 0;
    for (let j = 0; j < k; j++) change = Math.max(change, Math.abs(next[j]! - w[j]!));
    w = next;
    if (change < 1e-12) break;
  }
  return w;
}

function normalise(w: readonly number[], k: number): number[] {
  if (w.length !== k) throw new RangeError(`ensemble: ${w.length} weights for ${k} members`);
  if (w.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new RangeError('ensemble: weights must be finite and >= 0');
  const s = w.reduce((a, b) => a + b, 0);
  if (!(s > 0)) throw new RangeError('ensemble: weights sum to 0');
  return w.map((v) => v / s);
}

export class EnsembleClassifier implements Classifier, WithLibraries {
  readonly kind = 'ensemble';
  readonly params: EnsembleParams;
  readonly members: readonly Classifier[];
  #weights: number[];
  #calibrators: Calibrator[] | undefined;
  #fitted = false;
  #cols: number | undefined;

  constructor(members: readonly Classifier[], params: Partial<EnsembleParams> = {}) {
    if (members.length === 0) throw new RangeError('ensemble: no members');
    this.members = members;
    this.params = { weights: members.map(() => 1 / members.length), learnWeights: false, calibration: 'platt', holdout: 0.2, ...params };
    const { calibration, holdout, learnWeights: learn } = this.params;
    if (!['platt', 'isotonic', 'none'].includes(calibration)) throw new RangeError(`ensemble: unknown calibration ${String(calibration)}`);
    if (!(holdout >= 0 && holdout < 1)) throw new RangeError('ensemble: holdout must be in [0, 1)');
    if ((learn || calibration !== 'none') && holdout === 0) throw new RangeError('ensemble: calibration or learned weights need a holdout > 0');
    this.#weights = normalise(this.params.weights, members.length);
  }

  /** The weights in use (learned ones after a fit with `learnWeights`). */
  get weights(): readonly number[] {
    return [...this.#weights];
  }

  async fit(data: TrainSet): Promise<void> {
    checkTrainSet(data, 'ensemble');
    const { holdout, calibration } = this.params;
    const nHold = Math.floor(data.rows * holdout);
    if (holdout > 0 && (nHold < 2 || nHold >= data.rows)) throw new RangeError(`ensemble: ${data.rows} rows leave no room for a ${holdout} holdout`);
    const train = holdout > 0 ? sliceSet(data, 0, data.rows - nHold) : data;
    for (const m of this.members) await m.fit(train);
    let calibrators: Calibrator[] | undefined;
    let weights = normalise(this.params.weights, this.members.length);
    if (holdout > 0) {
      const hold = sliceSet(data, data.rows - nHold, data.rows);
      const preds = this.members.map((m) => m.predict(hold.x, hold.rows));
      if (calibration !== 'none') {
        calibrators = preds.map((p) => fitCalibrator(calibration, p, hold.y, hold.weight));
        preds.forEach((p, k) => p.forEach((v, i) => (p[i] = calibrators![k]!.apply(v))));
      }
      if (this.params.learnWeights) weights = learnWeights(preds, hold.y, hold.weight);
    }
    this.#calibrators = calibrators;
    this.#weights = weights;
    this.#cols = data.cols;
    this.#fitted = true;
  }

  predict(x: Float64Array, rows: number): Float64Array {
    checkPredictInput(x, rows, this.#fitted ? this.#cols : undefined, 'ensemble');
    const out = new Float64Array(rows);
    this.members.forEach((m, k) => {
      const p = m.predict(x, rows);
      const cal = this.#calibrators?.[k];
      const w = this.#weights[k]!;
      for (let i = 0; i < rows; i++) out[i]! += w * (cal ? cal.apply(p[i]!) : p[i]!);
    });
    // Weights sum to 1 only up to rounding: keep the mixture a probability.
    for (let i = 0; i < rows; i++) out[i] = Math.min(1, Math.max(0, out[i]!));
    return out;
  }

  libraries(): Record<string, string> {
    return Object.assign({}, ...this.members.map((m) => (hasLibraries(m) ? m.libraries() : {}))) as Record<string, string>;
  }

  save(): SavedModel {
    if (!this.#fitted) throw new Error('ensemble: save before fit');
    return {
      kind: this.kind, format: 1, params: { ...this.params, weights: [...this.params.weights] },
      state: {
        cols: this.#cols, weights: [...this.#weights], members: this.members.map((m) => m.save()),
        calibrators: this.#calibrators?.map((c) => c.toState()) ?? null,
      },
    };
  }

  static restore(saved: SavedModel, restore: Restore): EnsembleClassifier {
    const s = saved.state as { cols?: number; weights?: number[]; members?: SavedModel[]; calibrators?: unknown[] | null };
    if (!s || !Array.isArray(s.members) || !Array.isArray(s.weights) || typeof s.cols !== 'number') throw new TypeError('ensemble: saved state lacks members, weights or cols');
    const c = new EnsembleClassifier(s.members.map(restore), saved.params as Partial<EnsembleParams>);
    // Checked like any weights, but kept exactly as saved (normalising again could move a last bit).
    normalise(s.weights, s.members.length);
    c.#weights = [...s.weights];
    const method = c.params.calibration;
    if (s.calibrators) {
      if (method === 'none' || s.calibrators.length !== s.members.length) throw new TypeError('ensemble: saved calibrators do not match the members');
      c.#calibrators = s.calibrators.map((st) => calibratorFromState(method, st));
    }
    c.#cols = s.cols;
    c.#fitted = true;
    return c;
  }
}
