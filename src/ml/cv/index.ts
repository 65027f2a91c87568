// Cross-validation splits that respect label horizons: purged k-fold with an embargo, walk-forward.
export { foldBounds, purgedKFold, type PurgedKFoldOptions } from './purged-kfold.ts';
export type { Split } from './split.ts';
export { walkForward, type WalkForwardOptions } from './walk-forward.ts';
