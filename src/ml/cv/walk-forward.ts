// Walk-forward retraining splits: retrain every `step` bars on the rows before, test on the next
// `step` rows. A train row is kept only if its label ended before the first test row (end[j] < t):
// its outcome was known when the model was retrained, and no test row's label can share its returns.
import type { LabelSet } from '../types.ts';
import { labelEnds, range, type Split } from './split.ts';

export interface WalkForwardOptions {
  /** Train window in rows: the last `train` rows before the test block (rolling) or the first test row (expanding). */
  readonly train: number;
  /** Retrain every `step` rows; each test block is `step` rows (the last may be shorter). */
  readonly step: number;
  /** 'rolling' (default): rows [t - train, t); 'expanding': rows [0, t). */
  readonly mode?: 'rolling' | 'expanding';
  /** First test row (default `train`). */
  readonly start?: number;
}

export function walkForward(labels: LabelSet | Int32Array, options: WalkForwardOptions): Split[] {
  const end = labelEnds(labels);
  const n = end.length;
  const { train: w, step } = options;
  const start = options.start ?? w;
  const expanding = options.mode === 'expanding';
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`walkForward: train must be an integer >= 1, got ${w}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`walkForward: step must be an integer >= 1, got ${step}`);
  if (!Number.isInteger(start) || start < 1) throw new RangeError(`walkForward: start must be an integer >= 1, got ${start}`);
  const splits: Split[] = [];
  for (let t = start; t < n; t += step) {
    const train: number[] = [];
    for (let j = expanding ? 0 : Math.max(0, t - w); j < t; j++) if (end[j]! < t) train.push(j);
    splits.push({ train: Int32Array.from(train), test: range(t, Math.min(t + step, n)) });
  }
  return splits;
}
