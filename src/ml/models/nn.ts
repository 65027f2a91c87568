// A multilayer perceptron for P(y = 1), trained with tfjs on its wasm backend: ReLU hidden layers with
// dropout, Adam on the weighted log loss, early stopping on the last rows (a time-ordered validation
// tail), weights initialised and batches shuffled and dropped out from the project's seeded RNG, so the same
// seed gives the same model. Prediction runs the fitted weights in plain TS: synchronous, a few µs per row,
// and a saved model loads without tfjs.
import { Rng } from '../../core/rng.ts';
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { f32FromBase64, toBase64 } from './base64.ts';
import { checkPredictInput, checkTrainSet, type WithLibraries } from './classifier.ts';
import { fitScaler, scale, scalerFromState, scalerToState, type Scaler } from './standardize.ts';
import { TFJS_VERSION, tfReady } from './tf-backend.ts';

export interface NnParams {
  /** Width of each hidden layer. */
  readonly hidden: readonly number[];
  /** Dropout rate after each hidden layer while training. */
  readonly dropout: number;
  readonly learningRate: number;
  readonly batchSize: number;
  /** Most epochs; early stopping usually ends sooner. */
  readonly epochs: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number;
  /** Fraction of rows, the last ones, held out for early stopping. */
  readonly validation: number;
  /** L2 penalty on the weights (not biases), per row. */
  readonly l2: number;
  readonly seed: number;
}

const DEFAULTS: NnParams = {
  hidden: [64, 32], dropout: 0.1, learningRate: 1e-3, batchSize: 256, epochs: 50, patience: 5, validation: 0.15, l2: 0, seed: 0,
};

/** One dense layer: `w` is inputs x outputs, row-major (tfjs's layout). */
interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** What training did, for learning curves and reports. */
export interface NnHistory {
  readonly trainLoss: number[];
  readonly validationLoss: number[];
  /** The epoch (0-based) whose weights were kept. */
  readonly bestEpoch: number;
}

/**
 * Forward pass: logits of `rows` rows. With a scaler the rows are raw features, standardized on the fly
 * (NaN -> the training mean); without, they are standardized already.
 */
function logits(layers: readonly Layer[], x: Float64Array, rows: number, scaler?: Scaler): Float64Array {
  const out = new Float64Array(rows);
  let width = 0;
  for (const l of layers) width = Math.max(width, l.outputs);
  let a = new Float64Array(width);
  let h = new Float64Array(width);
  const first = layers[0]!;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < first.outputs; j++) a[j] = first.b[j]!;
    for (let i = 0; i < first.inputs; i++) {
      let v = x[r * first.inputs + i]!;
      if (scaler) v = (v - scaler.mean[i]!) / scaler.std[i]!;
      if (v === 0 || v !== v) continue;
      const row = i * first.outputs;
      for (let j = 0; j < first.outputs; j++) a[j]! += v * first.w[row + j]!;
    }
    for (let k = 1; k < layers.length; k++) {
      const l = layers[k]!;
      for (let j = 0; j < l.outputs; j++) h[j] = l.b[j]!;
      for (let i = 0; i < l.inputs; i++) {
        const v = a[i]! > 0 ? a[i]! : 0;
        if (v === 0) continue;
        const row = i * l.outputs;
        for (let j = 0; j < l.outputs; j++) h[j]! += v * l.w[row + j]!;
      }
      [a, h] = [h, a];
    }
    out[r] = a[0]!;
  }
  return out;
}

const sigmoid = (m: number): number => 1 / (1 + Math.exp(-m));

function weightedLogLoss(m: Float64Array, y: Float64Array, w: Float64Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < m.length; i++) {
    const z = m[i]!;
    const wi = w ? w[i]! : 1;
    s += wi * (Math.max(z, 0) - z * y[i]! + Math.log1p(Math.exp(-Math.abs(z))));
    sw += wi;
  }
  return s / sw;
}

export class NnClassifier implements Classifier, WithLibraries {
  readonly kind = 'nn';
  readonly params: NnParams;
  #scaler: Scaler | undefined;
  #layers: Layer[] | undefined;
  #history: NnHistory | undefined;

  constructor(params: Partial<NnParams> = {}) {
    this.params = { ...DEFAULTS, ...params, hidden: [...(params.hidden ?? DEFAULTS.hidden)] };
    const p = this.params;
    if (p.hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError('nn: hidden layer widths must be positive integers');
    if (!(p.dropout >= 0 && p.dropout < 1)) throw new RangeError('nn: dropout must be in [0, 1)');
    if (!(p.learningRate > 0)) throw new RangeError('nn: learningRate must be > 0');
    if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw new RangeError('nn: batchSize must be a positive integer');
    if (!Number.isInteger(p.epochs) || p.epochs < 1) throw new RangeError('nn: epochs must be a positive integer');
    if (!Number.isInteger(p.patience) || p.patience < 1) throw new RangeError('nn: patience must be a positive integer');
    if (!(p.validation >= 0 && p.validation < 1)) throw new RangeError('nn: validation must be in [0, 1)');
    if (!(p.l2 >= 0)) throw new RangeError('nn: l2 must be >= 0');
    if (!Number.isInteger(p.seed) || p.seed < 0) throw new RangeError('nn: seed must be a non-negative integer');
  }

  /** Loss per epoch and the epoch kept (undefined before fit or for a loaded model). */
  get history(): NnHistory | undefined {
    return this.#history;
  }

  async fit(data: TrainSet): Promise<void> {
    checkTrainSet(data, 'nn');
    const tf = await tfReady();
    const p = this.params;
    const { rows, cols } = data;
    const nVal = p.validation > 0 ? Math.max(1, Math.floor(rows * p.validation)) : 0;
    const nTrain = rows - nVal;
    if (nTrain < 1) throw new RangeError('nn: no rows left to train on after the validation split');
    const scaler = fitScaler(data.x.subarray(0, nTrain * cols), nTrain, cols);
    const z = scale(scaler, data.x, rows);
    const rng = new Rng(p.seed);

    // Glorot-uniform weights, zero biases, all drawn from the seeded RNG.
    const sizes = [cols, ...p.hidden, 1];
    const init: Layer[] = [];
    for (let k = 0; k + 1 < sizes.length; k++) {
      const fanIn = sizes[k]!;
      const fanOut = sizes[k + 1]!;
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.next() - 1) * lim);
      init.push({ inputs: fanIn, outputs: fanOut, w, b: new Float32Array(fanOut) });
    }
    const vars = init.map((l) => ({ w: tf.variable(tf.tensor2d(l.w, [l.inputs, l.outputs])), b: tf.variable(tf.tensor1d(l.b)) }));
    const optimizer = tf.train.adam(p.learningRate);
    const snapshot = (): Layer[] => vars.map((v, k) => ({
      inputs: init[k]!.inputs, outputs: init[k]!.outputs, w: v.w.dataSync().slice() as Float32Array, b: v.b.dataSync().slice() as Float32Array,
    }));

    const order = Int32Array.from({ length: nTrain }, (_, i) => i);
    const keep = 1 - p.dropout;
    const trainLoss: number[] = [];
    const validationLoss: number[] = [];
    let best = snapshot();
    let bestLoss = Infinity;
    let bestEpoch = 0;
    let since = 0;
    const yVal = data.y.subarray(nTrain);
    const wVal = data.weight?.subarray(nTrain);
    try {
      for (let epoch = 0; epoch < p.epochs; epoch++) {
        for (let i = nTrain - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
        let lossSum = 0;
        let weightSum = 0;
        for (let start = 0; start < nTrain; start += p.batchSize) {
          const bs = Math.min(p.batchSize, nTrain - start);
          const xb = new Float32Array(bs * cols);
          const yb = new Float32Array(bs);
          const wb = new Float32Array(bs);
          for (let k = 0; k < bs; k++) {
            const r = order[start + k]!;
            for (let c = 0; c < cols; c++) xb[k * cols + c] = z[r * cols + c]!;
            yb[k] = data.y[r]!;
            wb[k] = data.weight ? data.weight[r]! : 1;
          }
          const masks: Float32Array[] = [];
          if (p.dropout > 0) {
            for (const h of p.hidden) {
              const m = new Float32Array(bs * h);
              for (let i = 0; i < m.length; i++) m[i] = rng.next() < keep ? 1 / keep : 0;
              masks.push(m);
            }
          }
          const bw = wb.reduce((a, b) => a + b, 0);
          if (bw <= 0) continue;
          const xt = tf.tensor2d(xb, [bs, cols]);
          const yt = tf.tensor1d(yb);
          const wt = tf.tensor1d(wb);
          const mt = masks.map((m, k) => tf.tensor2d(m, [bs, p.hidden[k]!]));
          const cost = optimizer.minimize(() => {
            let a: ReturnType<typeof tf.matMul> = xt;
            for (let k = 0; k < vars.length; k++) {
              a = tf.add(tf.matMul(a, vars[k]!.w), vars[k]!.b);
              if (k + 1 < vars.length) {
                a = tf.relu(a);
                if (mt[k]) a = tf.mul(a, mt[k]!);
              }
            }
            const m = tf.reshape(a, [bs]);
            // Stable log loss from logits: max(m, 0) - m y + log(1 + e^-|m|).
            const l = tf.add(tf.sub(tf.relu(m), tf.mul(m, yt)), tf.log1p(tf.exp(tf.neg(tf.abs(m)))));
            let loss = tf.div(tf.sum(tf.mul(l, wt)), bw);
            if (p.l2 > 0) for (const v of vars) loss = tf.add(loss, tf.mul(p.l2 / nTrain, tf.sum(tf.square(v.w))));
            return loss as ReturnType<typeof tf.scalar>;
          }, true, vars.flatMap((v) => [v.w, v.b]));
          tf.dispose([xt, yt, wt, ...mt]);
          if (cost) {
            lossSum += cost.dataSync()[0]! * bw;
            cost.dispose();
          }
          weightSum += bw;
        }
        trainLoss.push(lossSum / weightSum);
        const now = snapshot();
        if (nVal === 0) {
          best = now;
          bestEpoch = epoch;
          continue;
        }
        const vl = weightedLogLoss(logits(now, z.subarray(nTrain * cols), nVal), yVal, wVal);
        validationLoss.push(vl);
        if (vl < bestLoss) {
          bestLoss = vl;
          best = now;
          bestEpoch = epoch;
          since = 0;
        } else if (++since >= p.patience) break;
      }
    } finally {
      for (const v of vars) {
        v.w.dispose();
        v.b.dispose();
      }
      optimizer.dispose();
    }
    this.#scaler = scaler;
    this.#layers = best;
    this.#history = { trainLoss, validationLoss, bestEpoch };
  }

  predict(x: Float64Array, rows: number): Float64Array {
    checkPredictInput(x, rows, this.#scaler?.mean.length, 'nn');
    const m = logits(this.#layers!, x, rows, this.#scaler);
    for (let r = 0; r < rows; r++) m[r] = sigmoid(m[r]!);
    return m;
  }

  libraries(): Record<string, string> {
    return { '@tensorflow/tfjs': TFJS_VERSION };
  }

  save(): SavedModel {
    if (!this.#scaler || !this.#layers) throw new Error('nn: save before fit');
    return {
      kind: this.kind, format: 1, params: { ...this.params, hidden: [...this.params.hidden] },
      state: {
        scaler: scalerToState(this.#scaler),
        layers: this.#layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: toBase64(l.w), b: toBase64(l.b) })),
      },
    };
  }

  static restore(saved: SavedModel): NnClassifier {
    const c = new NnClassifier(saved.params as Partial<NnParams>);
    const s = saved.state as { scaler?: unknown; layers?: { inputs: number; outputs: number; w: string; b: string }[] };
    if (!s || !Array.isArray(s.layers) || s.layers.length === 0) throw new TypeError('nn: saved state lacks layers');
    c.#scaler = scalerFromState(s.scaler);
    const layers = s.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: f32FromBase64(l.w, 'nn weights'), b: f32FromBase64(l.b, 'nn biases') }));
    let width = c.#scaler.mean.length;
    for (const l of layers) {
      if (l.inputs !== width || l.w.length !== l.inputs * l.outputs || l.b.length !== l.outputs) throw new RangeError('nn: saved layer shapes do not chain');
      width = l.outputs;
    }
    if (width !== 1) throw new RangeError('nn: the last layer must have one output');
    c.#layers = layers;
    return c;
  }
}
