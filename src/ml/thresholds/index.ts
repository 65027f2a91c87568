// Adaptive entry/exit thresholds for model scores, and the rolling sorted window they rest on.
export {
  AdaptiveThreshold,
  AdaptiveThresholdSchema,
  adaptiveThresholdSignals,
  fixedThresholdSignals,
  parseAdaptiveThreshold,
  type AdaptiveThresholdConfig,
  type AdaptiveThresholdParams,
  type ThresholdSignal,
  type ThresholdSignals,
} from './adaptive.ts';
export { SortedWindow } from './sorted-window.ts';
