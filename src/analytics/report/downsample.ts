// Min/max downsampling of long series: per bucket the lowest and the highest point, in time order,
// so a spike survives however many points are dropped around it.
import type { Series } from '../stats.ts';

/**
 * Indices of the points to keep: all of them when there are few, else per bucket (of `columns`
 * equal runs of points) the lowest and the highest finite point in order, and the last point.
 * -1 marks a gap (a NaN inside the bucket). At most 2 × columns + 1 points and gaps remain.
 */
export function decimate(y: Series, columns: number): Int32Array {
  const n = y.length;
  if (n <= 2 * columns) return Int32Array.from({ length: n }, (_, i) => (Number.isFinite(y[i]!) ? i : -1));
  const out: number[] = [];
  for (let b = 0; b < columns; b++) {
    const from = Math.floor((b * n) / columns);
    const to = Math.floor(((b + 1) * n) / columns);
    let lo = -1;
    let hi = -1;
    let gap = false;
    for (let i = from; i < to; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) {
        gap = true;
        continue;
      }
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    if (gap) out.push(-1);
    if (lo < 0) continue;
    const first = Math.min(lo, hi);
    const second = Math.max(lo, hi);
    out.push(first);
    if (second !== first) out.push(second);
  }
  if (Number.isFinite(y[n - 1]!) && out[out.length - 1] !== n - 1) out.push(n - 1);
  return Int32Array.from(out);
}
