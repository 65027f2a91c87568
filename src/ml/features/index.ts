// The feature pipeline: a declarative spec -> a causal feature matrix (batch) or row by row (stream),
// and standardization fitted on a training window.
export { buildFeatures, featureNames, type BuildOptions } from './build.ts';
export type { OhlcvBar } from './context.ts';
export {
  BaseFeatureSpecSchema, FeatureSpecSchema, IndicatorFeatureSchema, parseFeatureSpec,
  type BaseFeatureSpec, type FeatureSpec, type FeatureSpecInput, type IndicatorFeature,
} from './spec.ts';
export { FeatureStream, type FeatureStreamOptions } from './stream.ts';
export {
  applyStandardizer, fitStandardizer, loadStandardizer, standardizeRow, StandardizerSchema, type Standardizer,
} from './standardize.ts';
export { gatherRows, type GatheredRows } from '../dataset.ts';
