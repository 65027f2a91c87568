import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { EnsembleClassifier, learnWeights } from './ensemble.ts';
import { LogisticClassifier } from './logistic.ts';
import { logLoss } from './metrics.ts';
import { defaultEnsemble } from './registry.ts';
import { syntheticSet } from './synthetic.ts';

/** Mean log-likelihood of labels under the mixture sum_k w_k p_k. */
function mixLogLik(w: number[], preds: Float64Array[], y: Float64Array): number {
  const mix = y.map((_, i) => w.reduce((a, wk, k) => a + wk * preds[k]![i]!, 0));
  return -logLoss(mix, y);
}

describe('learnWeights', () => {
  it('puts the weight on the informative member', () => {
    const d = syntheticSet('linear', 3000, 2, 1);
    const w = learnWeights([d.truth, new Float64Array(3000).fill(0.5)], d.y);
    expect(w[0]!).toBeGreaterThan(0.9);
    expect(w[0]! + w[1]!).toBeCloseTo(1, 12);
  });

  it('beats every point of a 0.05 grid over the simplex (three members)', () => {
    const d = syntheticSet('linear', 2000, 2, 2);
    const rng = new Rng(3);
    const noisy = d.truth.map((p) => Math.min(0.99, Math.max(0.01, p + 0.3 * (rng.next() - 0.5))));
    const flat = d.truth.map((p) => 0.5 + 0.3 * (p - 0.5));
    const preds = [d.truth.map((p) => p * p), noisy, flat];
    const w = learnWeights(preds, d.y);
    const best = mixLogLik(w, preds, d.y);
    for (let a = 0; a <= 20; a++) {
      for (let b = 0; a + b <= 20; b++) expect(best).toBeGreaterThanOrEqual(mixLogLik([a / 20, b / 20, (20 - a - b) / 20], preds, d.y) - 1e-9);
    }
  });
});

/** A member that predicts a constant and records what it was fitted on. */
class Constant implements Classifier {
  readonly kind = 'constant';
  fittedRows = 0;
  constructor(readonly p: number) {}
  fit(d: TrainSet): Promise<void> {
    this.fittedRows = d.rows;
    return Promise.resolve();
  }
  predict(_x: Float64Array, rows: number): Float64Array {
    return new Float64Array(rows).fill(this.p);
  }
  save(): SavedModel {
    return { kind: this.kind, format: 1, params: { p: this.p }, state: null };
  }
}

describe('EnsembleClassifier', () => {
  it('averages raw member probabilities with the given weights when not calibrating', async () => {
    const d = syntheticSet('linear', 100, 2, 4);
    const e = new EnsembleClassifier([new Constant(0.9), new Constant(0.2)], { weights: [3, 2], calibration: 'none', holdout: 0 });
    await e.fit(d);
    expect(e.weights).toEqual([0.6, 0.4]);
    expect((e.members[0] as Constant).fittedRows).toBe(100);
    expect(e.predict(d.x.subarray(0, 4), 2)[0]).toBeCloseTo(0.6 * 0.9 + 0.4 * 0.2, 15);
  });

  it('fits members on the earlier rows and calibrates on the holdout', async () => {
    const d = syntheticSet('linear', 100, 2, 5);
    const a = new Constant(0.9);
    const e = new EnsembleClassifier([a, new LogisticClassifier()], { holdout: 0.3, calibration: 'platt' });
    await e.fit(d);
    expect(a.fittedRows).toBe(70);
    // A constant member calibrates to (nearly) the holdout's base rate.
    const base = d.y.subarray(70).reduce((s, v) => s + v, 0) / 30;
    const only = new EnsembleClassifier([new Constant(0.9)], { holdout: 0.3, calibration: 'platt' });
    await only.fit(d);
    expect(only.predict(d.x.subarray(0, 2), 1)[0]).toBeCloseTo(base, 1);
  });

  it('the default ensemble is 60% gradient-boosted trees, 40% neural net', () => {
    const e = defaultEnsemble(1);
    expect(e.members.map((m) => m.kind)).toEqual(['gbdt', 'nn']);
    expect(e.weights).toEqual([0.6, 0.4]);
  });

  it('rejects bad weights and calibration without a holdout', () => {
    expect(() => new EnsembleClassifier([new Constant(0.5)], { weights: [1, 1] })).toThrow(/weights/);
    expect(() => new EnsembleClassifier([new Constant(0.5), new Constant(0.5)], { weights: [-1, 2] })).toThrow(/>= 0/);
    expect(() => new EnsembleClassifier([new Constant(0.5)], { holdout: 0 })).toThrow(/holdout/);
  });
});
