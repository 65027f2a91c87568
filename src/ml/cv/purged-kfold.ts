// Purged k-fold cross-validation with an embargo (López de Prado, AFML ch. 7). The rows are cut into k
// contiguous test folds. A test fold [a, b) reads bars up to maxEnd = max end[t] of its rows, so its
// labels span [a, maxEnd]; a train row whose label span [j, end[j]] overlaps that is purged (it would
// have seen the test period's returns), and the `embargo` rows after maxEnd are dropped too (features
// of rows just after the test period still carry it through their windows).
import type { LabelSet } from '../types.ts';
import { labelEnds, range, type Split } from './split.ts';

export interface PurgedKFoldOptions {
  /** Number of folds, 2..rows. */
  readonly folds: number;
  /** Rows dropped from training after each test fold's label span (default 0). */
  readonly embargo?: number;
}

/** Fold boundaries: k contiguous blocks whose sizes differ by at most one (the first ones larger). */
export function foldBounds(n: number, k: number): number[] {
  const bounds = [0];
  const base = Math.floor(n / k);
  const extra = n % k;
  for (let f = 0; f < k; f++) bounds.push(bounds[f]! + base + (f < extra ? 1 : 0));
  return bounds;
}

export function purgedKFold(labels: LabelSet | Int32Array, options: PurgedKFoldOptions): Split[] {
  const end = labelEnds(labels);
  const n = end.length;
  const k = options.folds;
  const embargo = options.embargo ?? 0;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`purgedKFold: folds must be an integer in [2, ${n}], got ${k}`);
  if (!Number.isInteger(embargo) || embargo < 0) throw new RangeError(`purgedKFold: embargo must be an integer >= 0, got ${embargo}`);
  const bounds = foldBounds(n, k);
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    const a = bounds[f]!;
    const b = bounds[f + 1]!;
    let maxEnd = b - 1;
    for (let t = a; t < b; t++) if (end[t]! > maxEnd) maxEnd = end[t]!;
    const train: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j >= a && j < b) continue;
      if (j <= maxEnd && end[j]! >= a) continue; // purged: its label span overlaps the test span
      if (j > maxEnd && j <= maxEnd + embargo) continue; // embargoed
      train.push(j);
    }
    splits.push({ train: Int32Array.from(train), test: range(a, b) });
  }
  return splits;
}
