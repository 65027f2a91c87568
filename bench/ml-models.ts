// The ML models (issue 18): gradient-boosted trees trained on 100,000 rows x 50 features (binary logistic,
// 100 trees of depth 6, one thread) with each trainer (libxgboost through koffi when the library loads,
// the ml-xgboost wasm build), the neural net's epoch time on the same rows (layers 64-32, batch 256), and
// inference per bar: one row at a time, as a strategy calls predict (targets: GBDT <= 100 us, NN <= 1 ms).
// Plus the regime HMM's fit on 5,000 bars (K = 3, 5 restarts). The data is an XOR-style synthetic set
// (src/ml/models/synthetic.ts), generated outside the timings.
import { GbdtClassifier, type GbdtBackend } from '../src/ml/models/gbdt.ts';
import { NnClassifier } from '../src/ml/models/nn.ts';
import { syntheticSet } from '../src/ml/models/synthetic.ts';
import { fitGaussianHmm, sampleHmm } from '../src/ml/regime/index.ts';
import type { Classifier } from '../src/ml/types.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const ROWS = 100_000;
const COLS = 50;

/** Mean microseconds of predict() on one row, over `n` rows after a warm-up. */
function usPerRow(m: Classifier, x: Float64Array, n = 20_000): number {
  let sink = 0;
  for (let i = 0; i < 2_000; i++) sink += m.predict(x.subarray(i * COLS, (i + 1) * COLS), 1)[0]!;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = i % ROWS;
    sink += m.predict(x.subarray(r * COLS, (r + 1) * COLS), 1)[0]!;
  }
  const us = ((performance.now() - t0) / n) * 1000;
  return sink === -1 ? us + 1 : us;
}

async function gbdt(backend: GbdtBackend, d: ReturnType<typeof syntheticSet>): Promise<BenchResult | null> {
  const m = new GbdtClassifier({ trees: 100, maxDepth: 6, eta: 0.1, backend, threads: 1 });
  const t0 = performance.now();
  try {
    await m.fit(d);
  } catch (e) {
    console.error(`bench ml-models: gbdt ${backend} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: `ml.gbdt.train.${backend}`, work: `${ROWS} rows x ${COLS} features, 100 trees depth 6, 1 thread`, seconds, rate: ROWS / seconds, peakRssMb: peakRssMb(),
    inferenceUsPerRow: Math.round(usPerRow(m, d.x) * 100) / 100,
  };
}

export async function run(): Promise<BenchResult[]> {
  const d = syntheticSet('xor', ROWS, COLS, 1, 2);
  const out: BenchResult[] = [];
  for (const backend of ['native', 'wasm'] as const) {
    const r = await gbdt(backend, d);
    if (r !== null) out.push(r);
  }

  const nn = new NnClassifier({ hidden: [64, 32], batchSize: 256, epochs: 3, patience: 10, seed: 1 });
  const t0 = performance.now();
  await nn.fit(d);
  const seconds = (performance.now() - t0) / 1000;
  const epochs = nn.history!.trainLoss.length;
  out.push({
    name: 'ml.nn.epoch', work: `${ROWS} rows x ${COLS} features, layers 64-32, batch 256, ${epochs} epochs`, seconds: seconds / epochs, rate: ROWS / (seconds / epochs), peakRssMb: peakRssMb(),
    inferenceUsPerRow: Math.round(usPerRow(nn, d.x) * 100) / 100,
  });

  const params = {
    k: 3, d: 2, featureNames: ['logret', 'logvol'],
    pi: Float64Array.of(1 / 3, 1 / 3, 1 / 3),
    a: Float64Array.of(0.97, 0.02, 0.01, 0.02, 0.96, 0.02, 0.02, 0.03, 0.95),
    means: Float64Array.of(-0.002, -3.2, 0.0005, -4.6, 0.001, -4.0),
    vars: Float64Array.of(0.0004, 0.04, 0.00004, 0.02, 0.0001, 0.03),
  };
  const sample = sampleHmm(params, 5_000, 7);
  const h0 = performance.now();
  fitGaussianHmm(sample.x, 5_000, ['logret', 'logvol'], { k: 3, restarts: 5, seed: 1 });
  const hs = (performance.now() - h0) / 1000;
  out.push({ name: 'ml.hmm.fit', work: '5,000 rows x 2 features, K=3, 5 restarts', seconds: hs, rate: 5_000 / hs, peakRssMb: peakRssMb() });
  return out;
}
