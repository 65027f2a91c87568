// A hand-written model for tests of ml-ensemble (its own, the look-ahead check): logistic regression with
// given coefficients on a few feature columns, built without training and without the model library's
// heavier parts, so a test can make one synchronously.
import { toBase64 } from '../../ml/models/base64.ts';
import { LogisticClassifier } from '../../ml/models/logistic.ts';
import { featureNames, parseFeatureSpec, type FeatureSpecInput } from '../../ml/features/index.ts';
import { LoadedModel, readPipeline } from './ml-ensemble-model.ts';

export interface HandModelOptions {
  readonly features?: FeatureSpecInput;
  /** Intercept, then one coefficient per feature column (on the standardized columns). */
  readonly beta?: readonly number[];
  /** The standardizer's mean and std per column (default 0 and 0.01). */
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  readonly horizon?: number;
  readonly source?: string;
}

/** P(up) = sigmoid(beta0 + sum beta_c * (x_c - mean_c) / std_c); default: mean reversion on ret_1, momentum on ret_3. */
export function handModel(o: HandModelOptions = {}): LoadedModel {
  const spec = parseFeatureSpec(o.features ?? { returns: [1, 3] });
  const names = featureNames(spec);
  const k = names.length;
  const beta = o.beta ?? [0, -1, 0.5, ...new Array<number>(Math.max(0, k - 2)).fill(0)];
  if (beta.length !== k + 1) throw new RangeError(`handModel: ${beta.length} coefficients for ${k} columns and an intercept`);
  const mean = o.mean ?? names.map(() => 0);
  const std = o.std ?? names.map(() => 0.01);
  const standardizer = { format: 1, names, mean, std, count: names.map(() => 100), rowStart: 0, rowEnd: 100 };
  const pipeline = readPipeline({ format: 1, featureSpec: spec, standardizer, timeframeMs: 0, label: { kind: 'direction', horizon: o.horizon ?? 1 } });
  const classifier = LogisticClassifier.restore({
    kind: 'logistic', format: 1, params: { l2: 1, maxIter: 100, tol: 1e-10 },
    state: { scaler: { mean: toBase64(new Float64Array(k)), std: toBase64(new Float64Array(k).fill(1)) }, beta: toBase64(Float64Array.from(beta)) },
  });
  const metadata = { features: names, trainStartMs: 0, trainEndMs: 0, dataHash: '0'.repeat(64), params: {}, libraries: {}, createdAt: '1970-01-01T00:00:00.000Z' };
  return new LoadedModel(classifier, pipeline, metadata, o.source ?? 'hand-written model');
}
