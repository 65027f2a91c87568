import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrainSet } from '../types.ts';
import { resampleByWeight } from './weighted-resample.ts';

/** Rows whose one feature is their index, so each output row says which input row it copies. */
function indexed(weights: number[]): TrainSet {
  const n = weights.length;
  return { x: Float64Array.from({ length: n }, (_, i) => i), rows: n, cols: 1, y: Float64Array.from({ length: n }, (_, i) => i % 2), weight: Float64Array.from(weights) };
}

function copies(out: TrainSet, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (let k = 0; k < out.rows; k++) c[out.x[k]!]!++;
  return c;
}

describe('resampleByWeight', () => {
  it('leaves a set with equal (or no) weights as it is', () => {
    const d = indexed([2, 2, 2]);
    expect(resampleByWeight(d)).toBe(d);
    const plain = { ...d, weight: undefined };
    expect(resampleByWeight(plain)).toBe(plain);
  });

  it('repeats rows exactly in proportion when the proportions are whole numbers', () => {
    // Σw = 8, n = 4: a row of weight 4 is half the set, weight 2 a quarter, weight 0 never there.
    const out = resampleByWeight(indexed([4, 2, 0, 2]));
    expect(out.rows).toBe(4);
    expect(copies(out, 4)).toEqual([2, 1, 0, 1]);
    // Labels travel with their rows.
    for (let k = 0; k < out.rows; k++) expect(out.y[k]).toBe(out.x[k]! % 2);
  });

  it('keeps n rows, each within one copy of n·w/Σw, zero weights never drawn, labels with their rows (property)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true })), { minLength: 2, maxLength: 60 }), (ws) => {
      fc.pre(ws.some((w) => w > 0) && ws.some((w) => w !== ws[0]));
      const out = resampleByWeight(indexed(ws));
      const total = ws.reduce((a, b) => a + b, 0);
      expect(out.rows).toBe(ws.length);
      const c = copies(out, ws.length);
      ws.forEach((w, i) => {
        if (w === 0) expect(c[i]).toBe(0);
        expect(Math.abs(c[i]! - (ws.length * w) / total)).toBeLessThanOrEqual(1 + 1e-9);
      });
      for (let k = 0; k < out.rows; k++) expect(out.y[k]).toBe(out.x[k]! % 2);
    }));
  });

  it('refuses a negative, infinite or NaN weight naming the row, and all-zero weights', () => {
    expect(() => resampleByWeight(indexed([1, -1, 1]))).toThrow('sample weight of row 1 is -1');
    expect(() => resampleByWeight(indexed([1, Number.NaN]))).toThrow('sample weight of row 1 is NaN');
    expect(() => resampleByWeight(indexed([1, Number.POSITIVE_INFINITY]))).toThrow('row 1 is Infinity');
    expect(() => resampleByWeight(indexed([0, 0, 0]))).toThrow('every sample weight is 0');
  });
});
