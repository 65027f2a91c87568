// Gathering training rows: a FeatureMatrix and its LabelSet, at chosen row indices (a CV fold's train
// or test rows), into the dense TrainSet a classifier fits on, without the rows it cannot use.
import type { FeatureMatrix, LabelSet, TrainSet } from './types.ts';

/** A TrainSet plus the matrix row each of its rows came from. */
export interface GatheredRows extends TrainSet {
  readonly weight: Float64Array;
  readonly index: Int32Array;
}

/**
 * Copies rows `indices` (in that order) of `m` and `labels`, dropping rows with a NaN feature, a NaN
 * label or a NaN weight. Labels are copied as they are: a classifier wants 0/1 (direction or
 * triple-barrier labels), not forward returns.
 */
export function gatherRows(m: FeatureMatrix, labels: LabelSet, indices: ArrayLike<number>): GatheredRows {
  if (labels.y.length !== m.rows) throw new RangeError(`gatherRows: ${m.rows} feature rows but ${labels.y.length} labels`);
  const k = m.cols;
  const keep: number[] = [];
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < m.rows)) throw new RangeError(`gatherRows: row ${i} is not within [0, ${m.rows})`);
    if (Number.isNaN(labels.y[i]!) || Number.isNaN(labels.weight[i]!)) continue;
    let ok = true;
    for (let p = i * k, e = p + k; p < e; p++) {
      if (Number.isNaN(m.values[p]!)) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(i);
  }
  const rows = keep.length;
  const x = new Float64Array(rows * k);
  const y = new Float64Array(rows);
  const weight = new Float64Array(rows);
  keep.forEach((i, r) => {
    x.set(m.values.subarray(i * k, i * k + k), r * k);
    y[r] = labels.y[i]!;
    weight[r] = labels.weight[i]!;
  });
  return { x, rows, cols: k, y, weight, index: Int32Array.from(keep) };
}
