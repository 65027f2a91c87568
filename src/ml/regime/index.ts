// Market regimes: a Gaussian HMM fitted in TypeScript, seven rule-based regimes, and their uses as
// features, strategy filters and a timeline.
export { GaussianHmm, HmmFilter } from './hmm.ts';
export type { EmissionModel, HmmParams } from './hmm-params.ts';
export { forwardBackward, type ForwardBackward } from './forward-backward.ts';
export { sampleHmm, type HmmSample } from './hmm-sample.ts';
export { HmmFitSchema, fitGaussianHmm, orderStates, type HmmFitConfig, type HmmFitResult } from './hmm-fit.ts';
export { hmmObservationNames, hmmObservations } from './observations.ts';
export { fitRegimeHmm } from './fit-bars.ts';
export { REGIME_CODE, REGIME_NAMES, UNKNOWN_REGIME, regimeName, type RegimeName } from './names.ts';
export {
  RegimeRulesSchema,
  RuleRegimeClassifier,
  classifyRegimes,
  parseRegimeRules,
  type RegimeLabels,
  type RegimeReading,
  type RegimeRules,
  type RegimeRulesConfig,
} from './rules.ts';
export { regimeFeatures, type RegimeFeatureOptions } from './features.ts';
export { allows, regimeFilter } from './filter.ts';
export { regimeSegments, type RegimeSegment } from './segments.ts';
