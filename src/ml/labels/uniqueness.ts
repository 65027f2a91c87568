// Sample weights by average uniqueness (López de Prado, AFML ch. 4): label i depends on the 1-bar
// returns of bars i+1..end[i]; a return shared by c labels counts 1/c for each of them, and a label's
// uniqueness is the mean of those shares over its returns. Overlapping labels then weigh as much
// together as one independent label would.
import type { LabelSet } from '../types.ts';

/** Per bar t: how many labels (with a defined y) read the return that ends at bar t. */
export function concurrency(y: Float64Array, end: Int32Array): Int32Array {
  const n = y.length;
  const diff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i]!) || end[i]! <= i) continue;
    diff[i + 1]!++;
    diff[end[i]! + 1]!--;
  }
  const c = new Int32Array(n);
  let run = 0;
  for (let t = 0; t < n; t++) c[t] = run += diff[t]!;
  return c;
}

/** Average uniqueness of each defined label in (0, 1]; 0 for rows without a label. */
export function averageUniqueness(y: Float64Array, end: Int32Array): Float64Array {
  const c = concurrency(y, end);
  const u = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i]!)) continue;
    const e = end[i]!;
    if (e <= i) {
      u[i] = 1;
      continue;
    }
    let s = 0;
    for (let t = i + 1; t <= e; t++) s += 1 / c[t]!;
    u[i] = s / (e - i);
  }
  return u;
}

/** The labels with weights set to their average uniqueness. */
export function withUniquenessWeights(labels: LabelSet): LabelSet {
  return { y: labels.y, end: labels.end, weight: averageUniqueness(labels.y, labels.end) };
}

export type Weighting = 'uniqueness' | 'none';

/** Weights for a label set: uniqueness, or 1 for every defined label (0 where there is none). */
export function weightsFor(y: Float64Array, end: Int32Array, weighting: Weighting): Float64Array {
  if (weighting === 'uniqueness') return averageUniqueness(y, end);
  return y.map((v) => (Number.isNaN(v) ? 0 : 1));
}
