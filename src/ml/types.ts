// The shapes the ML pipeline passes between its parts (features -> labels -> splits -> models -> strategies).
// Dense, row-major, typed arrays: a daily file is a few thousand rows, an hourly one a few hundred thousand.

/** Features of one symbol's bars: one row per bar, one column per feature. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly names: readonly string[];
  /** Row-major, `rows * cols`; NaN where a feature is not defined yet (its warm-up). */
  readonly values: Float64Array;
  /** Open time (epoch ms) of the bar each row describes; row i uses bars 0..i only. */
  readonly time: Float64Array;
}

/** Labels aligned with a FeatureMatrix's rows. */
export interface LabelSet {
  /** Per row: the label (a class 0/1, or a return); NaN where its horizon runs past the data. */
  readonly y: Float64Array;
  /** Per row: index of the last bar the label reads (its horizon's end), for purging and embargo. */
  readonly end: Int32Array;
  /** Per row: sample weight (average uniqueness for overlapping labels; 1 when unweighted). */
  readonly weight: Float64Array;
}

/** Rows to train on, gathered from a FeatureMatrix and LabelSet (no NaN). */
export interface TrainSet {
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Binary targets 0/1. */
  readonly y: Float64Array;
  readonly weight?: Float64Array;
}

/** A fitted-or-not binary classifier: the probability that a row's label is 1. */
export interface Classifier {
  /** 'logistic', 'gbdt', 'nn', 'ensemble', ... */
  readonly kind: string;
  fit(data: TrainSet): Promise<void>;
  /** P(y = 1) for each of `rows` rows of `x` (row-major, `cols` wide). Synchronous: strategies call it per bar. */
  predict(x: Float64Array, rows: number): Float64Array;
  /** Everything needed to rebuild the fitted model exactly (JSON-safe; binary parts base64). */
  save(): SavedModel;
}

/** A saved model: the classifier's state plus what it was trained on. */
export interface SavedModel {
  readonly kind: string;
  readonly format: 1;
  readonly params: Record<string, unknown>;
  readonly state: unknown;
}

/** What a model file records beside the model, so a prediction can be traced to its training. */
export interface ModelMetadata {
  readonly features: readonly string[];
  readonly trainStartMs: number;
  readonly trainEndMs: number;
  /** SHA-256 of the training data (hex). */
  readonly dataHash: string;
  readonly params: Record<string, unknown>;
  /** Library name -> version, e.g. { '@tensorflow/tfjs': '4.22.0' }. */
  readonly libraries: Record<string, string>;
  readonly createdAt: string;
}
