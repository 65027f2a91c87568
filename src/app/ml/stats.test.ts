import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictionStats, ranks, spearman } from './stats.ts';

describe('rank correlation', () => {
  it('gives tied values their mean rank (scipy.stats.rankdata)', () => {
    expect(Array.from(ranks([3, 1, 4, 1, 5, 9, 2, 6]))).toEqual([4, 1.5, 5, 1.5, 6, 8, 3, 7]);
  });

  it('matches scipy.stats.spearmanr with ties on both sides (scipy 1.17.1: 0.19885368120992467)', () => {
    expect(spearman([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8])).toBeCloseTo(0.19885368120992467, 14);
  });

  it('is 1 for any increasing transform and -1 for any decreasing one (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 3, maxLength: 50 }), (x) => {
        expect(spearman(x, x.map((v) => v ** 3 + 7))).toBeCloseTo(1, 12);
        expect(spearman(x, x.map((v) => -v * Math.abs(v) - 2))).toBeCloseTo(-1, 12);
      }),
    );
  });
});

describe('prediction stats', () => {
  it('scores only rows with a score, a label and a forward return', () => {
    const score = [0.9, 0.2, NaN, 0.7, 0.4, 0.6];
    const label = [1, 0, 1, 0, NaN, 1];
    const fwd = [0.03, -0.01, 0.02, -0.02, 0.01, NaN];
    const s = predictionStats(score, label, fwd);
    // Rows 0, 1 and 3: hits at 0 (0.9 > 0.5, up) and 1 (0.2 <= 0.5, down), a miss at 3.
    expect(s.rows).toBe(3);
    expect(s.hitRate).toBeCloseTo(2 / 3, 15);
    expect(s.baseRate).toBeCloseTo(1 / 3, 15);
    expect(s.auc).toBe(1);
    // Scores 0.9, 0.2, 0.7 against returns 0.03, -0.01, -0.02: ranks (3, 1, 2) and (3, 2, 1).
    expect(s.ic).toBeCloseTo(0.5, 14);
    expect(s.reliability.reduce((a, b) => a + b.count, 0)).toBe(3);
  });

  it('is empty (nulls) with fewer than 3 usable rows', () => {
    expect(predictionStats([0.5, NaN], [1, 0], [0.1, 0.2])).toMatchObject({ rows: 1, ic: null, auc: null, hitRate: null });
  });
});
