// The classifier contract, run against every model kind: learns a planted signal, finds none in noise,
// gives probabilities one per row (a batch equals row-by-row calls), is deterministic for a seed, and
// loads back from JSON predicting bit for bit the same.
import { describe, expect, it } from 'vitest';
import type { Classifier, ModelMetadata, TrainSet } from '../types.ts';
import { CalibratedClassifier } from './calibrated.ts';
import { EnsembleClassifier } from './ensemble.ts';
import { GbdtClassifier } from './gbdt.ts';
import { LogisticClassifier } from './logistic.ts';
import { auc } from './metrics.ts';
import { NnClassifier } from './nn.ts';
import { loadModel, saveModel } from './registry.ts';
import { sliceSet, syntheticSet } from './synthetic.ts';
import { nativeXgboost } from './xgb-native.ts';

const hasNative = !('error' in (await nativeXgboost()));
const gbdt = { trees: 25, maxDepth: 3, eta: 0.3, subsample: 0.8, colsample: 0.8, seed: 4 };
const nn = { hidden: [8], epochs: 15, batchSize: 64, learningRate: 0.01, patience: 5, seed: 4 };

const kinds: [string, () => Classifier][] = [
  ['logistic', () => new LogisticClassifier()],
  ['gbdt (wasm)', () => new GbdtClassifier({ ...gbdt, backend: 'wasm' })],
  ...(hasNative ? [['gbdt (native)', () => new GbdtClassifier({ ...gbdt, backend: 'native' })] as [string, () => Classifier]] : []),
  ['nn', () => new NnClassifier(nn)],
  ['calibrated logistic (isotonic)', () => new CalibratedClassifier(new LogisticClassifier(), { method: 'isotonic', holdout: 0.25 })],
  ['ensemble gbdt + nn (60/40, platt)', () => new EnsembleClassifier([new GbdtClassifier({ ...gbdt, backend: 'wasm' }), new NnClassifier(nn)], { weights: [0.6, 0.4] })],
  ['ensemble logistic + gbdt (learned weights)', () => new EnsembleClassifier([new LogisticClassifier(), new GbdtClassifier({ ...gbdt, backend: 'wasm' })], { learnWeights: true, calibration: 'isotonic' })],
];

const meta: ModelMetadata = {
  features: ['a', 'b', 'c', 'd'], trainStartMs: 0, trainEndMs: 1, dataHash: '00', params: {}, libraries: { node: process.version }, createdAt: '2026-01-01T00:00:00Z',
};

const linear = syntheticSet('linear', 900, 4, 21);
const linTrain = sliceSet(linear, 0, 600);
const linTest = sliceSet(linear, 600, 900);
const noise = syntheticSet('noise', 900, 4, 22);

async function fitted(make: () => Classifier, d: TrainSet): Promise<Classifier> {
  const c = make();
  await c.fit(d);
  return c;
}

/** Test rows plus rows with a missing value, which every model must handle the same way after loading. */
const probe = new Float64Array([...linTest.x.subarray(0, 40), NaN, 0.5, -1, 2, 0, NaN, NaN, -0.3]);
const probeRows = probe.length / 4;

describe.each(kinds)('classifier contract: %s', (_name, make) => {
  it('learns a planted linear signal, finds none in noise', async () => {
    const c = await fitted(make, linTrain);
    expect(auc(c.predict(linTest.x, linTest.rows), linTest.y)).toBeGreaterThan(0.8);
    const n = await fitted(make, sliceSet(noise, 0, 600));
    const a = auc(n.predict(sliceSet(noise, 600, 900).x, 300), noise.y.subarray(600));
    expect(Math.abs(a - 0.5)).toBeLessThan(0.1);
  });

  it('gives one probability per row; a batch equals row-by-row calls; deterministic; exact round trip', async () => {
    expect(() => make().predict(linTest.x, linTest.rows)).toThrow();
    const c = await fitted(make, linTrain);
    const p = c.predict(probe, probeRows);
    expect(p).toHaveLength(probeRows);
    for (const v of p.subarray(0, 40)) expect(v >= 0 && v <= 1).toBe(true);
    for (let r = 0; r < probeRows; r++) expect(Object.is(c.predict(probe.subarray(r * 4, r * 4 + 4), 1)[0], p[r])).toBe(true);
    expect(c.predict(new Float64Array(0), 0)).toHaveLength(0);
    expect(() => c.predict(new Float64Array(5), 1)).toThrow();

    expect((await fitted(make, linTrain)).predict(probe, probeRows)).toEqual(p);

    const file = JSON.parse(JSON.stringify(saveModel(c, meta))) as unknown;
    const back = loadModel(file);
    expect(back.kind).toBe(c.kind);
    const q = back.predict(probe, probeRows);
    for (let r = 0; r < probeRows; r++) expect(Object.is(q[r], p[r])).toBe(true);
    expect(JSON.stringify(back.save())).toBe(JSON.stringify(c.save()));
  });
});
