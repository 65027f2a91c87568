// Helpers for the feature tests (and the truncation test): read a column or a row of a matrix, and
// compare values bit for bit (Object.is: NaN equals NaN, +0 differs from -0).
import type { FeatureMatrix } from '../types.ts';

export function column(m: FeatureMatrix, name: string): number[] {
  const c = m.names.indexOf(name);
  if (c < 0) throw new RangeError(`no column "${name}" in ${m.names.join(', ')}`);
  return Array.from({ length: m.rows }, (_, i) => m.values[i * m.cols + c]!);
}

export function row(m: FeatureMatrix, i: number): Float64Array {
  return m.values.slice(i * m.cols, (i + 1) * m.cols);
}

/** Indices where a and b differ bit for bit (as Object.is), or a length mismatch. */
export function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): string[] {
  if (a.length !== b.length) return [`length ${a.length} vs ${b.length}`];
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(`[${i}] ${a[i]} vs ${b[i]}`);
  return out;
}
