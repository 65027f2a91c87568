// Z-score standardization fitted on a training window only, then applied to any rows (later test rows,
// the live stream). JSON-safe, so it is saved with the model and reloaded exactly.
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { FeatureMatrix } from '../types.ts';

export const StandardizerSchema = z.strictObject({
  format: z.literal(1),
  names: z.array(z.string()),
  /** Mean of each column's finite values in the fitting window (0 when it had none). */
  mean: z.array(z.number()),
  /** Population standard deviation (ddof 0, as scikit-learn's StandardScaler); 0 for a constant column. */
  std: z.array(z.number()),
  /** Finite values each column had in the fitting window; a column with 0 standardizes to NaN. */
  count: z.array(z.number().int().min(0)),
  /** The fitting window: rows [rowStart, rowEnd) of the matrix it was fitted on. */
  rowStart: z.number().int(),
  rowEnd: z.number().int(),
});

export type Standardizer = z.output<typeof StandardizerSchema>;

/** Fits per-column mean and std on rows [rowStart, rowEnd) only (NaN and infinite values skipped). */
export function fitStandardizer(m: FeatureMatrix, rowStart: number, rowEnd: number): Standardizer {
  if (!(Number.isInteger(rowStart) && Number.isInteger(rowEnd) && 0 <= rowStart && rowStart <= rowEnd && rowEnd <= m.rows)) {
    throw new RangeError(`fitStandardizer: rows [${rowStart}, ${rowEnd}) are not within [0, ${m.rows})`);
  }
  const k = m.cols;
  const mean: number[] = [];
  const std: number[] = [];
  const count: number[] = [];
  for (let c = 0; c < k; c++) {
    let s = 0;
    let n = 0;
    for (let i = rowStart, p = rowStart * k + c; i < rowEnd; i++, p += k) {
      const x = m.values[p]!;
      if (Number.isFinite(x)) {
        s += x;
        n++;
      }
    }
    const mu = n > 0 ? s / n : 0;
    let ss = 0;
    for (let i = rowStart, p = rowStart * k + c; i < rowEnd; i++, p += k) {
      const x = m.values[p]!;
      if (Number.isFinite(x)) ss += (x - mu) * (x - mu);
    }
    mean.push(mu);
    std.push(n > 0 ? Math.sqrt(ss / n) : 0);
    count.push(n);
  }
  return { format: 1, names: [...m.names], mean, std, count, rowStart, rowEnd };
}

/** Loads a saved standardizer (e.g. JSON.parse of a model file's part); InputError on a bad shape. */
export function loadStandardizer(raw: unknown): Standardizer {
  const r = StandardizerSchema.safeParse(raw);
  if (!r.success) throw new InputError(`standardizer: ${r.error.issues[0]!.message}`, { field: r.error.issues[0]!.path.join('.') });
  const s = r.data;
  if (s.mean.length !== s.names.length || s.std.length !== s.names.length || s.count.length !== s.names.length) {
    throw new InputError('standardizer: names, mean, std and count differ in length');
  }
  return s;
}

/** (x - mean) / std; x - mean for a constant column; NaN for NaN or a column never seen in fitting. */
export function standardizeValue(s: Standardizer, c: number, x: number): number {
  if (s.count[c] === 0) return NaN;
  const sd = s.std[c]!;
  const d = x - s.mean[c]!;
  return sd > 0 ? d / sd : d;
}

/** Standardizes one row (e.g. a FeatureStream's) into `out` (may be the row itself). */
export function standardizeRow(s: Standardizer, row: Float64Array, out: Float64Array = new Float64Array(row.length)): Float64Array {
  if (row.length !== s.names.length) throw new RangeError(`standardizeRow: row has ${row.length} values, the standardizer ${s.names.length}`);
  for (let c = 0; c < row.length; c++) out[c] = standardizeValue(s, c, row[c]!);
  return out;
}

/** A new matrix with every row standardized; the matrix's columns must be the ones it was fitted on. */
export function applyStandardizer(s: Standardizer, m: FeatureMatrix): FeatureMatrix {
  if (m.names.length !== s.names.length || m.names.some((n, c) => n !== s.names[c])) {
    throw new InputError('standardizer: the matrix has other feature columns than the ones it was fitted on', { field: 'names' });
  }
  const k = m.cols;
  const values = new Float64Array(m.values.length);
  for (let p = 0; p < values.length; p++) values[p] = standardizeValue(s, p % k, m.values[p]!);
  return { rows: m.rows, cols: k, names: m.names, values, time: m.time };
}
