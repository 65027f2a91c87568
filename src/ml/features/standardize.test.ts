// Z-scores fitted on a training window only, applied to any rows, saved and reloaded as JSON.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../core/errors.ts';
import type { FeatureMatrix } from '../types.ts';
import { applyStandardizer, fitStandardizer, loadStandardizer, standardizeRow } from './standardize.ts';
import { bitDiff, column, row } from './testing.ts';

function matrix(names: string[], rows: number[][]): FeatureMatrix {
  return { rows: rows.length, cols: names.length, names, values: Float64Array.from(rows.flat()), time: Float64Array.from(rows.map((_, i) => i)) };
}

// a: 1, 2, 3 in the window (mean 2, population sd sqrt(2/3)), then 100. b: NaN, 4, 4 (constant), then 7. c: never defined in the window.
const M = matrix(['a', 'b', 'c'], [
  [1, NaN, NaN],
  [2, 4, NaN],
  [3, 4, NaN],
  [100, 7, 5],
]);

describe('fitStandardizer', () => {
  const s = fitStandardizer(M, 0, 3);

  it('fits mean and population sd of the finite values of rows [start, end) only', () => {
    expect(s.names).toEqual(['a', 'b', 'c']);
    expect(s.mean).toEqual([2, 4, 0]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(s.std.slice(1)).toEqual([0, 0]);
    expect(s.count).toEqual([3, 2, 0]);
    expect([s.rowStart, s.rowEnd]).toEqual([0, 3]);
  });

  it('applies to every row: (x - mean) / sd; x - mean for a constant column; NaN for NaN or an unfitted column', () => {
    const z = applyStandardizer(s, M);
    const sd = Math.sqrt(2 / 3);
    expect(column(z, 'a')).toEqual([-1 / sd, 0, 1 / sd, 98 / sd]);
    expect(column(z, 'b')).toEqual([NaN, 0, 0, 3]);
    expect(column(z, 'c')).toEqual([NaN, NaN, NaN, NaN]);
    for (let i = 0; i < M.rows; i++) expect(bitDiff(standardizeRow(s, row(M, i)), row(z, i))).toEqual([]);
  });

  it('round-trips through JSON and standardizes identically after loading', () => {
    const loaded = loadStandardizer(JSON.parse(JSON.stringify(s)));
    expect(loaded).toEqual(s);
    expect(bitDiff(applyStandardizer(loaded, M).values, applyStandardizer(s, M).values)).toEqual([]);
  });

  it('does not depend on rows outside the fitting window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        (rows, a, b, junk) => {
          const start = a % rows.length;
          const end = start + (b % (rows.length - start + 1));
          const changed = rows.map((r, i) => (i >= start && i < end ? r : r.map(() => junk)));
          const s1 = fitStandardizer(matrix(['x', 'y', 'z'], rows), start, end);
          const s2 = fitStandardizer(matrix(['x', 'y', 'z'], changed), start, end);
          expect(s2).toEqual(s1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a window outside the matrix, other columns, and a damaged saved form', () => {
    expect(() => fitStandardizer(M, 2, 5)).toThrow(RangeError);
    expect(() => fitStandardizer(M, 3, 2)).toThrow(RangeError);
    expect(() => applyStandardizer(s, matrix(['a', 'c', 'b'], [[1, 2, 3]]))).toThrow(InputError);
    expect(() => standardizeRow(s, new Float64Array(2))).toThrow(RangeError);
    expect(() => loadStandardizer({ ...s, mean: [1, 2] })).toThrow(InputError);
    expect(() => loadStandardizer({ ...s, std: [1, null, 2] })).toThrow(InputError);
  });
});
