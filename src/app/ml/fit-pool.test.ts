import { describe, expect, it } from 'vitest';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { buildDataset, featureSpecOf } from './dataset.ts';
import { runFits, shared } from './fit-pool.ts';
import type { FitTask } from './fit.ts';

describe('fits on worker threads', () => {
  it('give the same models and scores as in process, in task order', async () => {
    const s = randomWalk(500, 3);
    const d = buildDataset(s, featureSpecOf({ features: { returns: [1, 3], momentum: [10] } }, [s]), { kind: 'direction', horizon: 1 });
    const values = shared(d.matrix.values);
    expect(values.buffer).toBeInstanceOf(SharedArrayBuffer);
    const task = (kind: 'logistic' | 'gbdt', t: number): FitTask => ({
      kind, seed: 5, names: d.matrix.names, cols: d.matrix.cols, values, time: d.matrix.time, y: d.labels.y, end: d.labels.end, weight: d.labels.weight,
      train: Int32Array.from({ length: t - 10 - 1 }, (_, k) => 10 + k), fitFrom: 10, fitTo: t, scoreFrom: t, scoreTo: t + 100, importance: true,
    });
    const tasks = [task('logistic', 300), task('gbdt', 300), task('logistic', 400)];
    let done = 0;
    const threaded = await runFits(tasks, 2, () => done++);
    const inProcess = await runFits(tasks, 0);
    expect(done).toBe(3);
    expect(threaded.map((r) => r.saved)).toEqual(inProcess.map((r) => r.saved));
    threaded.forEach((r, i) => {
      expect(Array.from(r.scores)).toEqual(Array.from(inProcess[i]!.scores));
      expect(r.permutation).toEqual(inProcess[i]!.permutation);
    });
    // Each task fitted its own window: the two logistic fits differ, the tree fit has gains.
    expect(threaded[0]!.saved).not.toEqual(threaded[2]!.saved);
    expect(threaded[1]!.gain).toHaveLength(3);
    expect(threaded[0]!.scores.every((p) => p > 0 && p < 1)).toBe(true);
  }, 60_000);
});
