// Column means and standard deviations fitted on training rows, so a model's inputs are on one scale.
// A missing value (NaN) at prediction becomes the training mean (0 after scaling).
import { f64FromBase64, toBase64 } from './base64.ts';

export interface Scaler {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export function fitScaler(x: Float64Array, rows: number, cols: number): Scaler {
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c]! += (x[r * cols + c]! - mean[c]!) ** 2;
  // A constant column scales by 1 (it becomes all zeros).
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c]! / rows) || 1;
  return { mean, std };
}

/** Standardized copy of the rows (NaN -> 0). */
export function scale(s: Scaler, x: Float64Array, rows: number): Float64Array {
  const cols = s.mean.length;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = (x[r * cols + c]! - s.mean[c]!) / s.std[c]!;
      out[r * cols + c] = v === v ? v : 0;
    }
  }
  return out;
}

export const scalerToState = (s: Scaler): Record<string, string> => ({ mean: toBase64(s.mean), std: toBase64(s.std) });

export function scalerFromState(o: unknown): Scaler {
  const s = o as Record<string, string>;
  const mean = f64FromBase64(s?.['mean'] as string, 'scaler mean');
  const std = f64FromBase64(s['std'] as string, 'scaler std');
  if (mean.length !== std.length) throw new RangeError('scaler: mean and std differ in length');
  return { mean, std };
}
