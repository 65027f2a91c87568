import { describe, expect, it } from 'vitest';
import { auc } from './metrics.ts';
import { NnClassifier } from './nn.ts';
import { sliceSet, syntheticSet } from './synthetic.ts';

describe('neural net (tfjs, wasm backend)', () => {
  it('learns an XOR interaction a linear model cannot', async () => {
    const d = syntheticSet('xor', 1100, 3, 7);
    const m = new NnClassifier({ hidden: [16], epochs: 30, batchSize: 100, learningRate: 0.03, dropout: 0, patience: 30, seed: 1 });
    await m.fit(sliceSet(d, 0, 800));
    expect(auc(m.predict(sliceSet(d, 800, 1100).x, 300), d.y.subarray(800))).toBeGreaterThan(0.8);
    const h = m.history!;
    expect(h.trainLoss.at(-1)!).toBeLessThan(h.trainLoss[0]!);
  });

  it('stops early on noise and keeps the best epoch\'s weights', async () => {
    const d = syntheticSet('noise', 600, 3, 8);
    const m = new NnClassifier({ hidden: [32], epochs: 200, batchSize: 32, learningRate: 0.03, patience: 3, seed: 2 });
    await m.fit(d);
    const h = m.history!;
    expect(h.trainLoss.length).toBeLessThan(200);
    expect(h.validationLoss).toHaveLength(h.trainLoss.length);
    expect(h.trainLoss.length).toBe(h.bestEpoch + 1 + 3);
    expect(Math.min(...h.validationLoss)).toBe(h.validationLoss[h.bestEpoch]);
  });

  it('a different seed gives a different net', async () => {
    const d = syntheticSet('linear', 200, 3, 9);
    const fit = async (seed: number): Promise<Float64Array> => {
      const m = new NnClassifier({ hidden: [4], epochs: 2, seed });
      await m.fit(d);
      return m.predict(d.x, 200);
    };
    expect(await fit(1)).not.toEqual(await fit(2));
  });

  it('rejects bad params', () => {
    expect(() => new NnClassifier({ dropout: 1 })).toThrow(/dropout/);
    expect(() => new NnClassifier({ hidden: [0] })).toThrow(/hidden/);
    expect(() => new NnClassifier({ validation: 1 })).toThrow(/validation/);
  });
});
