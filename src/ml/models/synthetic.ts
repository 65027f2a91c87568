// Small seeded training sets with a known answer, for the models' tests and benchmarks: a planted linear
// signal, an XOR-like interaction no linear model can see, and pure noise.
import { Rng } from '../../core/rng.ts';
import type { TrainSet } from '../types.ts';

export type SignalKind = 'linear' | 'xor' | 'noise';

/**
 * `rows` rows of `cols` standard-normal features and a 0/1 label drawn from P(y=1) = sigmoid(strength * s):
 * linear s = x0 - x1 / 2; xor s = sign(x0 * x1); noise s = 0 (labels independent of the features).
 */
export function syntheticSet(kind: SignalKind, rows: number, cols: number, seed: number, strength = 3): TrainSet & { truth: Float64Array } {
  if (cols < 2) throw new RangeError('syntheticSet: needs at least 2 columns');
  const rng = new Rng(seed);
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  const truth = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[r * cols + c] = rng.normal();
    const a = x[r * cols]!;
    const b = x[r * cols + 1]!;
    const s = kind === 'linear' ? a - b / 2 : kind === 'xor' ? Math.sign(a * b) : 0;
    truth[r] = 1 / (1 + Math.exp(-strength * s));
    y[r] = rng.next() < truth[r]! ? 1 : 0;
  }
  return { x, rows, cols, y, truth };
}

/** Rows [from, to) of a set. */
export function sliceSet(d: TrainSet, from: number, to: number): TrainSet {
  const base = { x: d.x.slice(from * d.cols, to * d.cols), rows: to - from, cols: d.cols, y: d.y.slice(from, to) };
  return d.weight ? { ...base, weight: d.weight.slice(from, to) } : base;
}
