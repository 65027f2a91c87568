import { describe, expect, it } from 'vitest';
import { GbdtClassifier } from './gbdt.ts';
import { auc } from './metrics.ts';
import { sliceSet, syntheticSet } from './synthetic.ts';
import { treeProba } from './trees.ts';
import { nativeXgboost } from './xgb-native.ts';
import { XGB_DEFAULTS } from './xgb-params.ts';
import { trainWasm } from './xgb-wasm.ts';

// CI installs libxgboost0 (.ci/apt-packages), so both trainers are tested there; elsewhere the native
// tests are skipped with the reason.
const native = await nativeXgboost();
const nativeMissing = 'error' in native ? native.error : undefined;

const small = { trees: 30, maxDepth: 3, eta: 0.3 };

/** XOR data with a few NaNs and exact -1s, the values each build treats specially. */
function awkwardSet(): ReturnType<typeof syntheticSet> {
  const d = syntheticSet('xor', 600, 4, 5);
  for (let i = 0; i < d.x.length; i += 23) d.x[i] = NaN;
  for (let i = 5; i < d.x.length; i += 31) d.x[i] = -1;
  return d;
}

it.runIf(process.env['CI'])('CI has libxgboost installed (.ci/apt-packages), so the native trainer is tested there', () => {
  expect(nativeMissing).toBeUndefined();
});

const absent = nativeMissing === undefined ? '' : ` (native tests skipped: ${nativeMissing})`;

describe.each(['native', 'wasm'] as const)(`gbdt trained by %s XGBoost${absent}`, (backend) => {
  const skip = backend === 'native' && nativeMissing !== undefined;

  it.skipIf(skip)('learns an XOR interaction (held-out AUC well above chance)', async () => {
    const d = syntheticSet('xor', 1500, 5, 11);
    const train = sliceSet(d, 0, 1000);
    const test = sliceSet(d, 1000, 1500);
    const m = new GbdtClassifier({ ...small, backend });
    await m.fit(train);
    expect(m.trainer?.name).toBe(backend === 'native' ? 'libxgboost' : 'ml-xgboost');
    expect(auc(m.predict(test.x, test.rows), test.y)).toBeGreaterThan(0.8);
    // Gain importance puts the two interacting features first.
    const top = m.importance().sort((a, b) => b.totalGain - a.totalGain).slice(0, 2).map((f) => f.feature).sort();
    expect(top).toEqual([0, 1]);
  });

  it.skipIf(skip)('the TS predictor reproduces the library\'s own predictions (NaN, -1, subsampling)', async () => {
    const d = awkwardSet();
    const p = { ...XGB_DEFAULTS, ...small, subsample: 0.8, colsample: 0.75, seed: 3 };
    const { trees, own } = backend === 'native' && !('error' in native) ? native.train(d, p, true) : await trainWasm(d, p, true);
    const ours = treeProba(trees, d.x, d.rows);
    let exact = 0;
    for (let i = 0; i < d.rows; i++) {
      // libxgboost 1.7: bit for bit. The wasm build's expf differs from a correctly rounded exp by one float32 step at most.
      expect(Math.abs(ours[i]! - own![i]!)).toBeLessThanOrEqual(backend === 'native' ? 0 : 2 ** -23);
      if (ours[i] === own![i]) exact++;
    }
    expect(exact / d.rows).toBeGreaterThan(0.9);
  });

  it.skipIf(skip)('is deterministic for a seed, and the seed matters when subsampling', async () => {
    const d = syntheticSet('linear', 400, 4, 2);
    const fit = async (seed: number): Promise<Float64Array> => {
      const m = new GbdtClassifier({ ...small, subsample: 0.7, colsample: 0.5, seed, backend });
      await m.fit(d);
      return m.predict(d.x, d.rows);
    };
    const a = await fit(1);
    expect(await fit(1)).toEqual(a);
    expect(await fit(2)).not.toEqual(a);
  });

  it.skipIf(skip)('round-trips through JSON exactly', async () => {
    const d = awkwardSet();
    const m = new GbdtClassifier({ ...small, backend });
    await m.fit(d);
    const back = GbdtClassifier.restore(JSON.parse(JSON.stringify(m.save())));
    expect(back.predict(d.x, d.rows)).toEqual(m.predict(d.x, d.rows));
    expect(back.importance()).toEqual(m.importance());
    expect(back.libraries()).toEqual(m.libraries());
  });
});

describe('gbdt', () => {
  it('backend auto trains on libxgboost when it loads, else on the wasm build', async () => {
    const m = new GbdtClassifier({ ...small, trees: 2 });
    await m.fit(syntheticSet('linear', 60, 2, 1));
    expect(m.trainer?.name).toBe(nativeMissing === undefined ? 'libxgboost' : 'ml-xgboost');
    expect(m.libraries()).toEqual({ [m.trainer!.name]: m.trainer!.version });
  });

  // The wasm build takes no weights itself: its trainer resamples rows in proportion to them (weighted-resample.ts).
  it.each(['native', 'wasm'] as const)('%s training takes sample weights (weight 0 rows are ignored)', async (backend) => {
    if (backend === 'native' && nativeMissing !== undefined) return;
    const d = syntheticSet('linear', 600, 3, 8);
    // Flip the labels of the second half and give it weight 0: the model must still learn the true sign.
    const y = d.y.map((v, i) => (i >= 300 ? 1 - v : v));
    const weight = Float64Array.from({ length: 600 }, (_, i) => (i >= 300 ? 0 : 1));
    const m = new GbdtClassifier({ ...small, backend });
    await m.fit({ ...d, y, weight });
    expect(auc(m.predict(d.x, d.rows), d.y)).toBeGreaterThan(0.8);
    // Unweighted, the flipped half cancels the signal.
    const plain = new GbdtClassifier({ ...small, backend });
    await plain.fit({ ...d, y });
    expect(auc(plain.predict(d.x, d.rows), d.y)).toBeLessThan(0.7);
  });

  it('rejects bad params and input of the wrong width', async () => {
    expect(() => new GbdtClassifier({ eta: 0 })).toThrow(/eta/);
    expect(() => new GbdtClassifier({ trees: 1.5 })).toThrow(/trees/);
    const m = new GbdtClassifier({ ...small, backend: 'wasm' });
    expect(() => m.predict(new Float64Array(3), 1)).toThrow(/before fit/);
    const d = syntheticSet('linear', 50, 3, 1);
    await m.fit(d);
    expect(() => m.predict(new Float64Array(4), 1)).toThrow(/expected 1 rows \* 3 cols/);
  });
});
