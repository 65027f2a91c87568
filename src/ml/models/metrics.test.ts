import { describe, expect, it } from 'vitest';
import { auc, brierScore, logLoss, reliabilityTable } from './metrics.ts';

describe('scores', () => {
  // Golden values: the examples of scikit-learn's documentation (roc_auc_score, log_loss, brier_score_loss).
  it('AUC of the scikit-learn example is 0.75', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('log loss of the scikit-learn example is 0.21616...', () => {
    expect(logLoss([0.9, 0.1, 0.2, 0.65], [1, 0, 0, 1])).toBeCloseTo(0.21616187468057912, 14);
  });

  it('Brier score of the scikit-learn example is 0.0375', () => {
    expect(brierScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0])).toBeCloseTo(0.0375, 15);
  });

  it('AUC counts ties one half and weights rows; undefined with one class', () => {
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    // Weight 3 on the misranked positive: (1 * 1 + 3 * 0) / (4 * 1).
    expect(auc([0.2, 0.9, 0.1], [0, 1, 1], [1, 1, 3])).toBe(0.25);
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it('log loss of a coin is ln 2; a certain wrong answer is clipped, not infinite', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 10);
  });
});

describe('reliabilityTable', () => {
  it('bins by predicted probability: mean predicted, observed frequency, count', () => {
    const t = reliabilityTable([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1], 10);
    expect(t).toHaveLength(10);
    expect(t[0]).toEqual({ lo: 0, hi: 0.1, meanPredicted: 0.05, observed: 0, count: 1 });
    expect(t[1]!.count).toBe(2);
    expect(t[1]!.meanPredicted).toBeCloseTo(0.135, 15);
    expect(t[1]!.observed).toBe(0.5);
    // 1.0 belongs to the last bin.
    expect(t[9]!.count).toBe(2);
    expect(t[5]!.count).toBe(0);
    expect(t[5]!.observed).toBeNaN();
  });
});
