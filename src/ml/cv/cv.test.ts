// Purged k-fold and walk-forward splits: hand-worked cases and properties over random label horizons.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldBounds, purgedKFold } from './purged-kfold.ts';
import { walkForward } from './walk-forward.ts';

const ends = (n: number, h: number) => Int32Array.from({ length: n }, (_, i) => Math.min(i + h, n - 1));
const list = (a: Int32Array) => [...a];

describe('purged k-fold, worked by hand', () => {
  // 10 rows, each label reading 2 bars ahead: row i spans [i, min(i + 2, 9)].
  const splits = purgedKFold(ends(10, 2), { folds: 3, embargo: 1 });

  it.each<[number, number[], number[], string]>([
    // test 0..3 spans [0, 5]: rows 4, 5 start inside it (purged), row 6 is the embargo
    [0, [0, 1, 2, 3], [7, 8, 9], 'purges 4, 5 and embargoes 6'],
    // test 4..6 spans [4, 8]: rows 2, 3 end inside it, 7, 8 start inside it, 9 is the embargo
    [1, [4, 5, 6], [0, 1], 'purges 2, 3, 7, 8 and embargoes 9'],
    // test 7..9 spans [7, 9]: rows 5, 6 end inside it
    [2, [7, 8, 9], [0, 1, 2, 3, 4], 'purges 5, 6'],
  ])('fold %i %s', (f, test, train) => {
    expect(list(splits[f]!.test)).toEqual(test);
    expect(list(splits[f]!.train)).toEqual(train);
  });

  it('cuts folds like numpy.array_split and rejects bad options', () => {
    expect(foldBounds(10, 3)).toEqual([0, 4, 7, 10]);
    expect(foldBounds(6, 3)).toEqual([0, 2, 4, 6]);
    expect(() => purgedKFold(ends(5, 1), { folds: 6 })).toThrow(RangeError);
    expect(() => purgedKFold(ends(5, 1), { folds: 2, embargo: -1 })).toThrow(RangeError);
    expect(() => purgedKFold(Int32Array.from([1, 0]), { folds: 2 })).toThrow(RangeError);
  });
});

describe('walk-forward, worked by hand', () => {
  it.each<['rolling' | 'expanding', number[][], number[][]]>([
    // retrain at 4 on rows 0..3 whose labels ended before 4 (rows 0, 1); at 7 on 3..6 ended before 7 (3, 4)
    ['rolling', [[0, 1], [3, 4]], [[4, 5, 6], [7, 8, 9]]],
    ['expanding', [[0, 1], [0, 1, 2, 3, 4]], [[4, 5, 6], [7, 8, 9]]],
  ])('%s window', (mode, train, test) => {
    const s = walkForward(ends(10, 2), { train: 4, step: 3, mode });
    expect(s.map((x) => list(x.train))).toEqual(train);
    expect(s.map((x) => list(x.test))).toEqual(test);
  });

  it('ends with a shorter test block and starts where asked', () => {
    const s = walkForward(ends(10, 1), { train: 3, step: 4, start: 5 });
    expect(s.map((x) => list(x.test))).toEqual([[5, 6, 7, 8], [9]]);
    expect(s.map((x) => list(x.train))).toEqual([[2, 3], [6, 7]]);
  });
});

/** n rows, each label reading up to 15 bars ahead (clipped to the data). */
const labelEnds = fc.integer({ min: 2, max: 120 }).chain((n) =>
  fc.array(fc.nat({ max: 15 }), { minLength: n, maxLength: n }).map((h) => Int32Array.from(h, (x, i) => Math.min(i + x, n - 1))),
);
const overlaps = (end: Int32Array, i: number, j: number) => i <= end[j]! && j <= end[i]!;

describe('purged k-fold properties', () => {
  it('test folds partition the rows; no train label overlaps a test label; the embargo holds; nothing else is dropped', () => {
    fc.assert(
      fc.property(labelEnds, fc.integer({ min: 2, max: 10 }), fc.nat({ max: 10 }), (end, k0, embargo) => {
        const n = end.length;
        const k = Math.min(k0, n);
        const splits = purgedKFold(end, { folds: k, embargo });
        expect(splits).toHaveLength(k);
        expect(splits.flatMap((s) => list(s.test))).toEqual(Array.from({ length: n }, (_, i) => i));
        for (const { train, test } of splits) {
          const inTest = new Set(test);
          const maxEnd = Math.max(...test.map((t) => end[t]!));
          const trainSet = new Set(train);
          for (let j = 0; j < n; j++) {
            const clash = [...test].some((t) => overlaps(end, t, j));
            const embargoed = j > maxEnd && j <= maxEnd + embargo;
            const allowed = !inTest.has(j) && !clash && !embargoed;
            if (trainSet.has(j) !== allowed) {
              throw new Error(`row ${j}: in train ${trainSet.has(j)}, allowed ${allowed} (test ${test[0]}..${test[test.length - 1]}, maxEnd ${maxEnd})`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('walk-forward properties', () => {
  it('test rows come strictly after every train label end; blocks tile [start, n); windows hold', () => {
    fc.assert(
      fc.property(
        labelEnds,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 25 }),
        fc.boolean(),
        (end, w, step, expanding) => {
          const n = end.length;
          const splits = walkForward(end, { train: w, step, mode: expanding ? 'expanding' : 'rolling' });
          expect(splits.flatMap((s) => list(s.test))).toEqual(Array.from({ length: Math.max(0, n - w) }, (_, i) => w + i));
          for (const { train, test } of splits) {
            const t = test[0]!;
            expect(test.length).toBeLessThanOrEqual(step);
            const from = expanding ? 0 : Math.max(0, t - w);
            const expected = Array.from({ length: t - from }, (_, i) => from + i).filter((j) => end[j]! < t);
            expect(list(train)).toEqual(expected);
            for (const j of train) for (const x of test) if (!(end[j]! < x)) throw new Error(`train ${j} ends at ${end[j]}, test row ${x}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
