// gatherRows: feature rows and labels at chosen indices into a TrainSet, without unusable rows.
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../data/synthetic.ts';
import { buildFeatures } from './features/build.ts';
import { gatherRows } from './dataset.ts';
import type { FeatureMatrix, LabelSet } from './types.ts';

const m: FeatureMatrix = {
  rows: 5,
  cols: 2,
  names: ['f', 'g'],
  values: Float64Array.from([NaN, 1, 10, 11, 20, 21, 30, NaN, 40, 41]),
  time: Float64Array.from([0, 1, 2, 3, 4]),
};
const labels: LabelSet = {
  y: Float64Array.from([1, 0, NaN, 1, 0]),
  end: Int32Array.from([1, 2, 3, 4, 4]),
  weight: Float64Array.from([1, 0.5, 0.25, 0.75, 1]),
};

describe('gatherRows', () => {
  it('copies the usable rows in the order asked, with labels, weights and their row numbers', () => {
    const t = gatherRows(m, labels, [4, 0, 1, 2, 3]);
    // row 0: NaN feature; row 2: NaN label; row 3: NaN feature
    expect([...t.index]).toEqual([4, 1]);
    expect(t.rows).toBe(2);
    expect(t.cols).toBe(2);
    expect([...t.x]).toEqual([40, 41, 10, 11]);
    expect([...t.y]).toEqual([0, 0]);
    expect([...t.weight]).toEqual([1, 0.5]);
  });

  it('gives an empty set for no indices and rejects rows out of range or mismatched labels', () => {
    expect(gatherRows(m, labels, []).rows).toBe(0);
    expect(() => gatherRows(m, labels, [5])).toThrow(RangeError);
    expect(() => gatherRows(m, { ...labels, y: new Float64Array(4) }, [0])).toThrow(RangeError);
  });

  it('gathers a real feature matrix past its warm-up', () => {
    const s = generateMarket({ seed: 2, symbols: 1, bars: 120 }).series[0]!;
    const f = buildFeatures(s, { returns: [1, 20], volatility: { window: 10 } });
    const n = f.rows;
    const y = Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? Number(s.close[i + 1]! > s.close[i]!) : NaN));
    const t = gatherRows(f, { y, end: Int32Array.from({ length: n }, (_, i) => Math.min(i + 1, n - 1)), weight: new Float64Array(n).fill(1) }, Array.from({ length: n }, (_, i) => i));
    // ret_20 is the last to warm up (row 20); the last row has no label.
    expect(t.index[0]).toBe(20);
    expect(t.rows).toBe(n - 21);
    expect(t.x.every(Number.isFinite)).toBe(true);
    expect(t.x.subarray(0, f.cols)).toEqual(f.values.subarray(20 * f.cols, 21 * f.cols));
  });
});
