// A classifier whose probabilities are recalibrated on rows it did not train on: the base model fits on the
// earlier rows, a Platt or isotonic map fits on its predictions for the last `holdout` fraction (the data
// are time-ordered, so the calibration rows come after the training rows, as live predictions will).
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { calibratorFromState, fitCalibrator, type CalibrationMethod, type Calibrator } from './calibration.ts';
import { checkTrainSet, hasLibraries, type WithLibraries } from './classifier.ts';
import { sliceSet } from './synthetic.ts';

export interface CalibratedParams {
  readonly method: CalibrationMethod;
  /** Fraction of rows, the last ones, kept for fitting the calibration. */
  readonly holdout: number;
}

/** Restores a member from its saved form (the registry's `restoreClassifier`). */
export type Restore = (saved: SavedModel) => Classifier;

export class CalibratedClassifier implements Classifier, WithLibraries {
  readonly kind = 'calibrated';
  readonly params: CalibratedParams;
  #calibrator: Calibrator | undefined;

  constructor(readonly base: Classifier, params: Partial<CalibratedParams> = {}) {
    this.params = { method: 'platt', holdout: 0.2, ...params };
    if (this.params.method !== 'platt' && this.params.method !== 'isotonic') throw new RangeError(`calibrated: unknown method ${String(this.params.method)}`);
    if (!(this.params.holdout > 0 && this.params.holdout < 1)) throw new RangeError('calibrated: holdout must be in (0, 1)');
  }

  get calibrator(): Calibrator | undefined {
    return this.#calibrator;
  }

  async fit(data: TrainSet): Promise<void> {
    checkTrainSet(data, 'calibrated');
    const nCal = Math.floor(data.rows * this.params.holdout);
    if (nCal < 2 || nCal >= data.rows) throw new RangeError(`calibrated: ${data.rows} rows leave no room for a ${this.params.holdout} holdout`);
    await this.base.fit(sliceSet(data, 0, data.rows - nCal));
    this.calibrate(sliceSet(data, data.rows - nCal, data.rows));
  }

  /** Fits (or refits) only the calibration, on held-out rows the base model did not train on. */
  calibrate(heldOut: TrainSet): void {
    checkTrainSet(heldOut, 'calibrated');
    const raw = this.base.predict(heldOut.x, heldOut.rows);
    this.#calibrator = fitCalibrator(this.params.method, raw, heldOut.y, heldOut.weight);
  }

  predict(x: Float64Array, rows: number): Float64Array {
    if (!this.#calibrator) throw new Error('calibrated: predict before fit');
    const p = this.base.predict(x, rows);
    for (let i = 0; i < rows; i++) p[i] = this.#calibrator.apply(p[i]!);
    return p;
  }

  libraries(): Record<string, string> {
    return hasLibraries(this.base) ? this.base.libraries() : {};
  }

  save(): SavedModel {
    if (!this.#calibrator) throw new Error('calibrated: save before fit');
    return { kind: this.kind, format: 1, params: { ...this.params }, state: { base: this.base.save(), calibrator: this.#calibrator.toState() } };
  }

  static restore(saved: SavedModel, restore: Restore): CalibratedClassifier {
    const s = saved.state as { base?: SavedModel; calibrator?: unknown };
    if (!s || !s.base) throw new TypeError('calibrated: saved state lacks the base model');
    const c = new CalibratedClassifier(restore(s.base), saved.params as Partial<CalibratedParams>);
    c.#calibrator = calibratorFromState(c.params.method, s.calibrator);
    return c;
  }
}
