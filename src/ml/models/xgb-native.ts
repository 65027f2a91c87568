// Gradient-boosted trees trained by the system's libxgboost (Debian's libxgboost0, XGBoost 1.7) through the
// koffi FFI. Loaded lazily on first use; absent library -> `nativeXgboost()` says why and the caller falls
// back to the wasm build. The fitted model leaves the library as XGBoost's JSON and is predicted in TS.
import type { TrainSet } from '../types.ts';
import { treesFromXgboostJson, type TreeEnsemble } from './trees.ts';
import { xgbBoosterParams, type XgbParams } from './xgb-params.ts';

type Fn = (...args: unknown[]) => unknown;

interface NativeXgb {
  readonly version: string;
  /** Fits the trees; with `ownPredictions`, also libxgboost's own P(y=1) on the training rows (to check the TS predictor). */
  train(data: TrainSet, p: XgbParams, ownPredictions?: boolean): { trees: TreeEnsemble; own?: Float32Array };
}

/** Library names tried in order (the runtime package ships the versioned name only). */
const LIB_NAMES = ['libxgboost.so.0', 'libxgboost.so', 'libxgboost.dylib'];

let loaded: Promise<NativeXgb | { readonly error: string }> | undefined;

/** The native trainer, or the reason it is unavailable (koffi or libxgboost missing). Cached. */
export function nativeXgboost(): Promise<NativeXgb | { readonly error: string }> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<NativeXgb | { readonly error: string }> {
  let koffi: typeof import('koffi').default;
  try {
    koffi = (await import('koffi')).default;
  } catch (e) {
    return { error: `koffi did not load: ${(e as Error).message}` };
  }
  let lib: ReturnType<typeof koffi.load> | undefined;
  const tried: string[] = [];
  for (const name of LIB_NAMES) {
    try {
      lib = koffi.load(name);
      break;
    } catch (e) {
      tried.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (!lib) return { error: `libxgboost not found (apt-get install libxgboost0): ${tried.join('; ')}` };
  const f = (sig: string): Fn => lib.func(sig) as Fn;
  const api = {
    version: f('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)'),
    lastError: f('const char *XGBGetLastError()'),
    dmatrix: f('int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out)'),
    setInfo: f('int XGDMatrixSetFloatInfo(void *handle, const char *field, const float *array, uint64_t len)'),
    freeDmatrix: f('int XGDMatrixFree(void *handle)'),
    create: f('int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)'),
    setParam: f('int XGBoosterSetParam(void *handle, const char *name, const char *value)'),
    update: f('int XGBoosterUpdateOneIter(void *handle, int iter, void *dtrain)'),
    save: f('int XGBoosterSaveModelToBuffer(void *handle, const char *config, _Out_ uint64_t *len, _Out_ void **out)'),
    freeBooster: f('int XGBoosterFree(void *handle)'),
    predict: f('int XGBoosterPredict(void *handle, void *dmat, int option_mask, unsigned int ntree_limit, int training, _Out_ uint64_t *len, _Out_ void **out)'),
  };
  const ok = (rc: unknown): void => {
    if (rc !== 0) throw new Error(`libxgboost: ${String(api.lastError())}`);
  };
  const v: number[][] = [[0], [0], [0]];
  api.version(v[0], v[1], v[2]);
  const version = v.map((a) => a[0]).join('.');
  return {
    version,
    train(data: TrainSet, p: XgbParams, ownPredictions = false): { trees: TreeEnsemble; own?: Float32Array } {
      const out: unknown[] = [null];
      ok(api.dmatrix(Float32Array.from(data.x), data.rows, data.cols, NaN, out));
      const dm = out[0];
      let booster: unknown = null;
      try {
        ok(api.setInfo(dm, 'label', Float32Array.from(data.y), data.rows));
        if (data.weight) ok(api.setInfo(dm, 'weight', Float32Array.from(data.weight), data.rows));
        ok(api.create([dm], 1, out));
        booster = out[0];
        ok(api.setParam(booster, 'verbosity', '0'));
        for (const [k, val] of xgbBoosterParams(p)) ok(api.setParam(booster, k, val));
        for (let i = 0; i < p.trees; i++) ok(api.update(booster, i, dm));
        const len: unknown[] = [0];
        const ptr: unknown[] = [null];
        ok(api.save(booster, JSON.stringify({ format: 'json' }), len, ptr));
        const text = new TextDecoder().decode(new Uint8Array(koffi.view(ptr[0], Number(len[0]))));
        const trees = treesFromXgboostJson(JSON.parse(text), data.cols);
        if (!ownPredictions) return { trees };
        ok(api.predict(booster, dm, 0, 0, 0, len, ptr));
        return { trees, own: new Float32Array(koffi.view(ptr[0], Number(len[0]) * 4).slice(0)) };
      } finally {
        if (booster !== null) api.freeBooster(booster);
        api.freeDmatrix(dm);
      }
    },
  };
}
