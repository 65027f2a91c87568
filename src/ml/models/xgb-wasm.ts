// Gradient-boosted trees trained by the ml-xgboost wasm build (XGBoost 0.7x compiled with emscripten): the
// fallback where libxgboost is absent. Its JS wrapper passes data on the wasm stack (fails past a few MB)
// and predicts through a DMatrix per row, so this calls the exported C functions directly. Two quirks of
// that build, handled here: its matrices treat -1 as the missing value (an exact -1 is nudged one float32
// step further from zero, NaN becomes -1, i.e. missing), and it has no way to pass sample weights.
import { createRequire } from 'node:module';
import { resampleByWeight } from './weighted-resample.ts';
import type { TrainSet } from '../types.ts';
import { treesFromXgboostLegacy, type TreeEnsemble } from './trees.ts';
import { xgbBoosterParams, type XgbParams } from './xgb-params.ts';

interface XgbWasmModule {
  isReady: Promise<unknown>;
  HEAPU8: Uint8Array;
  printErr: (s: string) => void;
  print: (s: string) => void;
  _malloc(n: number): number;
  _free(p: number): void;
  _create_model(x: number, y: number, rows: number, cols: number): number;
  _train_full_model(h: number, rounds: number): void;
  _save_model(h: number): number;
  _get_file_content(p: number, size: number): void;
  _free_memory_model(h: number): void;
  _predict_one(h: number, row: number, cols: number, out: number): number;
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
}

/** The ml-xgboost package version (recorded in model metadata). */
export const ML_XGBOOST_VERSION: string = (createRequire(import.meta.url)('ml-xgboost/package.json') as { version: string }).version;

let loading: Promise<XgbWasmModule> | undefined;
const messages: string[] = [];

function wasm(): Promise<XgbWasmModule> {
  loading ??= (async () => {
    const m = createRequire(import.meta.url)('ml-xgboost/dist/wasm/xgboost.js') as XgbWasmModule;
    // Its loader first tries a streaming compile that cannot work on a file path in Node and says so:
    // keep the module's chatter (and XGBoost's log lines) for error messages instead of the console.
    m.printErr = m.print = (s: string) => {
      messages.push(s);
      if (messages.length > 20) messages.shift();
    };
    await m.isReady;
    return m;
  })();
  return loading;
}

/** The float32 matrix the wasm build reads: NaN -> -1 (its missing value), an exact -1 -> just below -1. */
function wasmMatrix(x: Float64Array): Float32Array {
  const out = Float32Array.from(x);
  const belowMinusOne = Math.fround(-1 - 2 ** -23);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v !== v) out[i] = -1;
    else if (v === -1) out[i] = belowMinusOne;
  }
  return out;
}

function copyIn(m: XgbWasmModule, a: Float32Array): number {
  const p = m._malloc(a.byteLength);
  if (p === 0) throw new Error('ml-xgboost: out of wasm memory');
  m.HEAPU8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
  return p;
}

/**
 * Trains on the wasm build; with `ownPredictions`, also the build's own P(y=1) on the training rows (to check
 * the TS predictor). The build takes no sample weights: a weighted set is resampled in proportion to its weights
 * first (weighted-resample.ts), so the wasm fit approximates the native weighted one.
 */
export async function trainWasm(weighted: TrainSet, p: XgbParams, ownPredictions = false): Promise<{ trees: TreeEnsemble; own?: Float32Array }> {
  const data = resampleByWeight(weighted);
  const m = await wasm();
  const setParam = m.cwrap('set_param', null, ['number', 'string', 'string']);
  const matrix = wasmMatrix(data.x);
  const px = copyIn(m, matrix);
  let py = 0;
  let h = 0;
  try {
    py = copyIn(m, Float32Array.from(data.y));
    h = m._create_model(px, py, data.rows, data.cols);
    if (h === 0) throw new Error(`ml-xgboost: create_model failed ${messages.join(' | ')}`);
    setParam(h, 'silent', '1');
    for (const [k, v] of xgbBoosterParams(p)) setParam(h, k, v);
    m._train_full_model(h, p.trees);
    const size = m._save_model(h);
    if (size <= 0) throw new Error(`ml-xgboost: save_model failed ${messages.join(' | ')}`);
    const buf = m._malloc(size);
    try {
      m._get_file_content(buf, size);
      const trees = treesFromXgboostLegacy(m.HEAPU8.slice(buf, buf + size), data.cols);
      return ownPredictions ? { trees, own: predictOwn(m, h, matrix, data.rows, data.cols) } : { trees };
    } finally {
      m._free(buf);
    }
  } finally {
    if (h !== 0) m._free_memory_model(h);
    m._free(px);
    if (py !== 0) m._free(py);
  }
}

function predictOwn(m: XgbWasmModule, h: number, matrix: Float32Array, rows: number, cols: number): Float32Array {
  const own = new Float32Array(rows);
  const out = m._malloc(4);
  try {
    for (let r = 0; r < rows; r++) {
      const row = copyIn(m, matrix.subarray(r * cols, (r + 1) * cols));
      m._predict_one(h, row, cols, out);
      m._free(row);
      own[r] = new Float32Array(m.HEAPU8.slice(out, out + 4).buffer)[0]!;
    }
  } finally {
    m._free(out);
  }
  return own;
}
