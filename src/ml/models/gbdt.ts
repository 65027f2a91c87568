// Gradient-boosted trees (XGBoost, binary logistic, histogram method). Trained by the system libxgboost
// through koffi when it is installed (about 3x faster), else by the ml-xgboost wasm build; predicted by the
// TS tree walker in trees.ts either way, so a saved model loads and predicts with neither library present.
import type { Classifier, SavedModel, TrainSet } from '../types.ts';
import { checkPredictInput, checkTrainSet, type WithLibraries } from './classifier.ts';
import { treeImportance, treeProba, treesFromState, treesToState, type FeatureImportance, type TreeEnsemble } from './trees.ts';
import { nativeXgboost } from './xgb-native.ts';
import { checkXgbParams, XGB_DEFAULTS, type XgbParams } from './xgb-params.ts';
import { ML_XGBOOST_VERSION, trainWasm } from './xgb-wasm.ts';

/** Which XGBoost trains: the native library if present ('auto'), only it ('native'), or the wasm build. */
export type GbdtBackend = 'auto' | 'native' | 'wasm';

export interface GbdtParams extends XgbParams {
  readonly backend: GbdtBackend;
}

/** The trainer that fitted a model, as recorded in its saved state. */
export interface GbdtTrainer {
  readonly name: 'libxgboost' | 'ml-xgboost';
  readonly version: string;
}

export class GbdtClassifier implements Classifier, WithLibraries {
  readonly kind = 'gbdt';
  readonly params: GbdtParams;
  #trees: TreeEnsemble | undefined;
  #trainer: GbdtTrainer | undefined;

  constructor(params: Partial<GbdtParams> = {}) {
    this.params = { ...XGB_DEFAULTS, backend: 'auto', ...params };
    checkXgbParams(this.params);
    if (!['auto', 'native', 'wasm'].includes(this.params.backend)) throw new RangeError(`gbdt: unknown backend ${String(this.params.backend)}`);
  }

  /** The trainer of the fitted model (undefined before fit). */
  get trainer(): GbdtTrainer | undefined {
    return this.#trainer;
  }

  async fit(data: TrainSet): Promise<void> {
    checkTrainSet(data, 'gbdt');
    const { backend } = this.params;
    if (backend !== 'wasm') {
      const native = await nativeXgboost();
      if (!('error' in native)) {
        this.#trees = native.train(data, this.params).trees;
        this.#trainer = { name: 'libxgboost', version: native.version };
        return;
      }
      if (backend === 'native') throw new Error(`gbdt: backend 'native' asked for, but ${native.error}`);
    }
    this.#trees = (await trainWasm(data, this.params)).trees;
    this.#trainer = { name: 'ml-xgboost', version: ML_XGBOOST_VERSION };
  }

  predict(x: Float64Array, rows: number): Float64Array {
    checkPredictInput(x, rows, this.#trees?.cols, 'gbdt');
    return treeProba(this.#trees!, x, rows);
  }

  /** Gain, total gain, split count and cover of every feature column. */
  importance(): FeatureImportance[] {
    if (!this.#trees) throw new Error('gbdt: importance before fit');
    return treeImportance(this.#trees);
  }

  libraries(): Record<string, string> {
    return this.#trainer ? { [this.#trainer.name]: this.#trainer.version } : {};
  }

  save(): SavedModel {
    if (!this.#trees || !this.#trainer) throw new Error('gbdt: save before fit');
    return { kind: this.kind, format: 1, params: { ...this.params }, state: { trainer: this.#trainer, trees: treesToState(this.#trees) } };
  }

  static restore(saved: SavedModel): GbdtClassifier {
    const c = new GbdtClassifier(saved.params as Partial<GbdtParams>);
    const s = saved.state as { trainer?: GbdtTrainer; trees?: unknown };
    if (!s || typeof s !== 'object' || !s.trainer || !s.trees) throw new TypeError('gbdt: saved state lacks trainer or trees');
    c.#trees = treesFromState(s.trees);
    c.#trainer = { name: s.trainer.name, version: String(s.trainer.version) };
    return c;
  }
}
