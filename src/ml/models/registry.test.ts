import { describe, expect, it } from 'vitest';
import type { ModelMetadata } from '../types.ts';
import { GbdtClassifier } from './gbdt.ts';
import { LogisticClassifier } from './logistic.ts';
import { NnClassifier } from './nn.ts';
import { createClassifier, loadModel, MODEL_FILE_FORMAT, readModelFile, restoreClassifier, saveModel } from './registry.ts';
import { syntheticSet } from './synthetic.ts';
import { TFJS_VERSION } from './tf-backend.ts';
import { ML_XGBOOST_VERSION } from './xgb-wasm.ts';

const meta: ModelMetadata = {
  features: ['a', 'b'], trainStartMs: 1_700_000_000_000, trainEndMs: 1_700_086_400_000, dataHash: 'ab'.repeat(32),
  params: { horizon: 5 }, libraries: { sextant: '0.1.0', '@tensorflow/tfjs': 'caller-guess' }, createdAt: '2026-12-07T00:00:00.000Z',
};
const d = syntheticSet('linear', 200, 2, 1);

describe('model files', () => {
  it('record the metadata and the versions of the libraries that trained the model', async () => {
    const nn = new NnClassifier({ hidden: [4], epochs: 2 });
    await nn.fit(d);
    const file = saveModel(nn, meta);
    expect(file.format).toBe(MODEL_FILE_FORMAT);
    expect(file.metadata.features).toEqual(['a', 'b']);
    expect(file.metadata.libraries).toEqual({ sextant: '0.1.0', '@tensorflow/tfjs': TFJS_VERSION });
    const gbdt = new GbdtClassifier({ trees: 3, backend: 'wasm' });
    await gbdt.fit(d);
    expect(saveModel(gbdt, meta).metadata.libraries['ml-xgboost']).toBe(ML_XGBOOST_VERSION);
  });

  it('refuse a wrong envelope, an unknown kind or a corrupted state', async () => {
    const m = new LogisticClassifier();
    await m.fit(d);
    const file = JSON.parse(JSON.stringify(saveModel(m, meta))) as Record<string, unknown>;
    expect(loadModel(file).predict(d.x, 200)).toEqual(m.predict(d.x, 200));
    expect(() => loadModel({ ...file, format: 'other' })).toThrow(/format/);
    expect(() => readModelFile({ ...file, metadata: { features: [] } })).toThrow(/metadata/);
    expect(() => restoreClassifier({ kind: 'svm', format: 1, params: {}, state: null })).toThrow(/unknown kind svm/);
    expect(() => restoreClassifier({ kind: 'toString', format: 1, params: {}, state: null })).toThrow(/unknown kind/);

    const g = new GbdtClassifier({ trees: 2, maxDepth: 2, backend: 'wasm' });
    await g.fit(d);
    const saved = JSON.parse(JSON.stringify(g.save())) as { state: { trees: Record<string, string> } };
    // Point the first root's left child back at itself: a loop the loader must refuse.
    const left = new Int32Array(Uint8Array.from(Buffer.from(saved.state.trees['left']!, 'base64')).buffer);
    left[0] = 0;
    saved.state.trees['left'] = Buffer.from(left.buffer).toString('base64');
    expect(() => restoreClassifier(saved as never)).toThrow(/reached twice/);
  });

  it('createClassifier builds each kind', () => {
    expect(['logistic', 'gbdt', 'nn', 'ensemble'].map((k) => createClassifier(k).kind)).toEqual(['logistic', 'gbdt', 'nn', 'ensemble']);
    expect(() => createClassifier('forest')).toThrow(/unknown kind/);
  });
});
