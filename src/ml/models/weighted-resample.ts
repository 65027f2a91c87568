// Sample weights for a trainer that takes none (the ml-xgboost wasm build): systematic resampling repeats each
// row in proportion to its weight, keeping the number of rows. A trainer's weighted loss over the original rows is
// then its plain loss over the resampled ones, up to the rounding of each row's count to a whole number (exact when
// every n·w/Σw is an integer). Deterministic: no random draw, so a fit gives the same model every time.
import type { TrainSet } from '../types.ts';

/** The rows of `data` each repeated about n·w/Σw times (n rows in all); `data` itself when every weight is the same positive number. */
export function resampleByWeight(data: TrainSet): TrainSet {
  const w = data.weight;
  if (w === undefined || (w[0]! > 0 && w.every((v) => v === w[0]))) return data;
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    const v = w[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`sample weight of row ${i} is ${v}: weights must be finite and ≥ 0`);
    total += v;
  }
  if (total <= 0) throw new RangeError('every sample weight is 0: nothing to train on');
  const n = data.rows;
  const x = new Float64Array(n * data.cols);
  const y = new Float64Array(n);
  // The k-th output row takes the row whose cumulative weight passes (k + 0.5)·Σw/n.
  const step = total / n;
  let cum = 0;
  let k = 0;
  for (let i = 0; i < n && k < n; i++) {
    cum += w[i]!;
    while (k < n && (k + 0.5) * step < cum) {
      x.set(data.x.subarray(i * data.cols, (i + 1) * data.cols), k * data.cols);
      y[k] = data.y[i]!;
      k++;
    }
  }
  // Floating-point rounding can leave the last slot(s) short: they take the last row with a positive weight.
  for (let last = n - 1; k < n; k++) {
    while (w[last]! <= 0) last--;
    x.set(data.x.subarray(last * data.cols, (last + 1) * data.cols), k * data.cols);
    y[k] = data.y[last]!;
  }
  return { x, rows: n, cols: data.cols, y };
}
