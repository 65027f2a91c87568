// A small multilayer perceptron as a flat float32 parameter vector: the layout tfjs trains (one variable
// sliced into layers) and a plain-JS forward pass for acting, so a rollout or a strategy runs the policy
// with no tensor call per step. Layer l: W (in × out, row-major) then b (out); tanh between layers.
import type { Rng } from '../../core/rng.ts';

export class MlpLayout {
  /** Sizes of the layers from input to output. */
  readonly widths: readonly number[];
  /** Offsets of each layer's W and b in the parameter vector. */
  readonly wOffset: readonly number[];
  readonly bOffset: readonly number[];
  readonly size: number;

  constructor(readonly input: number, readonly hidden: readonly number[], readonly output: number) {
    this.widths = [input, ...hidden, output];
    const w: number[] = [];
    const b: number[] = [];
    let at = 0;
    for (let l = 0; l + 1 < this.widths.length; l++) {
      w.push(at);
      at += this.widths[l]! * this.widths[l + 1]!;
      b.push(at);
      at += this.widths[l + 1]!;
    }
    this.wOffset = w;
    this.bOffset = b;
    this.size = at;
  }

  get layers(): number {
    return this.widths.length - 1;
  }

  /** Shapes of the parameter pieces in order: [in, out], [out] per layer. */
  shapes(): number[][] {
    const s: number[][] = [];
    for (let l = 0; l < this.layers; l++) s.push([this.widths[l]!, this.widths[l + 1]!], [this.widths[l + 1]!]);
    return s;
  }
}

/**
 * Orthogonal initialization (Saxe et al.; the PPO implementations' default): each W an orthonormal
 * rows-or-columns matrix from a Gaussian one by Gram-Schmidt, times `gain`; biases zero. Hidden layers
 * use sqrt(2), the output layer `outputGain` (0.01 for a policy head, 1 for a value head).
 */
export function orthogonalInit(layout: MlpLayout, params: Float32Array, offset: number, rng: Rng, outputGain: number): void {
  for (let l = 0; l < layout.layers; l++) {
    const rows = layout.widths[l]!;
    const cols = layout.widths[l + 1]!;
    const gain = l === layout.layers - 1 ? outputGain : Math.SQRT2;
    const m = orthogonal(rows, cols, rng);
    const w = offset + layout.wOffset[l]!;
    for (let i = 0; i < rows * cols; i++) params[w + i] = gain * m[i]!;
    params.fill(0, offset + layout.bOffset[l]!, offset + layout.bOffset[l]! + cols);
  }
}

/** A rows × cols matrix (row-major) whose rows (rows <= cols) or columns (rows > cols) are orthonormal. */
export function orthogonal(rows: number, cols: number, rng: Rng): Float64Array {
  const tall = rows > cols;
  const n = tall ? cols : rows; // vectors to orthonormalize
  const len = tall ? rows : cols; // their length
  const v = new Float64Array(n * len);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    const vi = i * len;
    // Modified Gram-Schmidt, twice for accuracy in float64.
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const vj = j * len;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += v[vi + k]! * v[vj + k]!;
        for (let k = 0; k < len; k++) v[vi + k] = v[vi + k]! - dot * v[vj + k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < len; k++) norm += v[vi + k]! * v[vi + k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < len; k++) v[vi + k] = v[vi + k]! / norm;
  }
  if (!tall) return v;
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = v[c * len + r]!;
  return out;
}

/** Scratch rows for `mlpForward` (two ping-pong buffers as wide as the widest layer). */
export class MlpScratch {
  a: Float64Array;
  b: Float64Array;
  constructor(layout: MlpLayout, rows: number) {
    const w = Math.max(...layout.widths);
    this.a = new Float64Array(w * rows);
    this.b = new Float64Array(w * rows);
  }
}

/**
 * The weights of `layout` (at `offset` in the float32 vector `params`) repacked for the JS forward pass:
 * per layer, W transposed (out × in, so each output is a contiguous dot product) then b, as float64.
 */
export function packMlp(layout: MlpLayout, params: Float32Array, offset: number): Float64Array {
  const packed = new Float64Array(layout.size);
  let at = 0;
  for (let l = 0; l < layout.layers; l++) {
    const nIn = layout.widths[l]!;
    const nOut = layout.widths[l + 1]!;
    const w = offset + layout.wOffset[l]!;
    for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) packed[at++] = params[w + i * nOut + j]!;
    for (let j = 0; j < nOut; j++) packed[at++] = params[offset + layout.bOffset[l]! + j]!;
  }
  return packed;
}

/** out (rows × output) = MLP(x (rows × input)) with tanh hidden layers and a linear output, on `packMlp` weights. */
export function mlpForward(layout: MlpLayout, packed: Float64Array, x: Float64Array, rows: number, out: Float64Array, scratch: MlpScratch): void {
  const L = layout.layers;
  let src = x;
  let at = 0;
  for (let l = 0; l < L; l++) {
    const nIn = layout.widths[l]!;
    const nOut = layout.widths[l + 1]!;
    const last = l === L - 1;
    const dst = last ? out : l % 2 === 0 ? scratch.a : scratch.b;
    const bias = at + nOut * nIn;
    for (let r = 0; r < rows; r++) {
      const s = r * nIn;
      const o = r * nOut;
      for (let j = 0; j < nOut; j++) {
        const w = at + j * nIn;
        // Four running sums: twice the speed of one in V8 (independent additions pipeline).
        let a0 = packed[bias + j]!;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let i = 0;
        for (; i + 3 < nIn; i += 4) {
          a0 += src[s + i]! * packed[w + i]!;
          a1 += src[s + i + 1]! * packed[w + i + 1]!;
          a2 += src[s + i + 2]! * packed[w + i + 2]!;
          a3 += src[s + i + 3]! * packed[w + i + 3]!;
        }
        for (; i < nIn; i++) a0 += src[s + i]! * packed[w + i]!;
        const acc = a0 + a1 + (a2 + a3);
        dst[o + j] = last ? acc : Math.tanh(acc);
      }
    }
    at = bias + nOut;
    src = dst;
  }
}
