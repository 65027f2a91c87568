// What the splitters share: a split is index arrays, and label ends are checked once.
import type { LabelSet } from '../types.ts';

export interface Split {
  /** Rows to fit on, ascending. */
  readonly train: Int32Array;
  /** Rows to evaluate on, ascending. */
  readonly test: Int32Array;
}

/** The label ends of `labels` (a LabelSet or its `end` array), checked: i <= end[i] < n. */
export function labelEnds(labels: LabelSet | Int32Array): Int32Array {
  const end = labels instanceof Int32Array ? labels : labels.end;
  for (let i = 0; i < end.length; i++) {
    const e = end[i]!;
    if (!(e >= i && e < end.length)) throw new RangeError(`label end of row ${i} is ${e}, outside [${i}, ${end.length})`);
  }
  return end;
}

export function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}
