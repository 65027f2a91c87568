// Helpers every classifier in this folder shares: input checks and the extras beyond the `Classifier` port.
import type { Classifier, TrainSet } from '../types.ts';

/** A classifier that can say which libraries (name -> version) produced its fitted state. */
export interface WithLibraries {
  libraries(): Record<string, string>;
}

export function hasLibraries(c: Classifier): c is Classifier & WithLibraries {
  return typeof (c as Partial<WithLibraries>).libraries === 'function';
}

/** Throws unless the set is a well-formed binary training set. */
export function checkTrainSet(d: TrainSet, who: string): void {
  if (!Number.isInteger(d.rows) || !Number.isInteger(d.cols) || d.rows < 1 || d.cols < 1) throw new RangeError(`${who}: rows and cols must be positive integers`);
  if (d.x.length !== d.rows * d.cols) throw new RangeError(`${who}: x has ${d.x.length} values, expected rows * cols = ${d.rows * d.cols}`);
  if (d.y.length !== d.rows) throw new RangeError(`${who}: y has ${d.y.length} values for ${d.rows} rows`);
  for (let i = 0; i < d.rows; i++) {
    const v = d.y[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${who}: y[${i}] = ${v}, labels must be 0 or 1`);
  }
  if (d.weight) {
    if (d.weight.length !== d.rows) throw new RangeError(`${who}: weight has ${d.weight.length} values for ${d.rows} rows`);
    for (let i = 0; i < d.rows; i++) {
      const w = d.weight[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${who}: weight[${i}] = ${w}, weights must be finite and >= 0`);
    }
  }
}

/** Throws unless `x` holds `rows` rows of the fitted width. */
export function checkPredictInput(x: Float64Array, rows: number, cols: number | undefined, who: string): number {
  if (cols === undefined) throw new Error(`${who}: predict before fit`);
  if (x.length !== rows * cols) throw new RangeError(`${who}: x has ${x.length} values, expected ${rows} rows * ${cols} cols`);
  return cols;
}

/** Rows `idx` of a set, as a new set. */
export function subset(d: TrainSet, idx: ArrayLike<number>): TrainSet {
  const n = idx.length;
  const x = new Float64Array(n * d.cols);
  const y = new Float64Array(n);
  const w = d.weight ? new Float64Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    x.set(d.x.subarray(i * d.cols, (i + 1) * d.cols), k * d.cols);
    y[k] = d.y[i]!;
    if (w) w[k] = d.weight![i]!;
  }
  return w ? { x, rows: n, cols: d.cols, y, weight: w } : { x, rows: n, cols: d.cols, y };
}
