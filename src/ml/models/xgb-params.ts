// Settings of the gradient-boosted trees, and how each XGBoost build spells them.

export interface XgbParams {
  /** Boosting rounds (trees). */
  readonly trees: number;
  readonly maxDepth: number;
  /** Shrinkage (XGBoost's eta). */
  readonly eta: number;
  /** Fraction of rows sampled for each tree. */
  readonly subsample: number;
  /** Fraction of columns sampled for each tree. */
  readonly colsample: number;
  readonly minChildWeight: number;
  /** L2 penalty on leaf values. */
  readonly lambda: number;
  /** L1 penalty on leaf values. */
  readonly alpha: number;
  /** Minimum loss reduction to split. */
  readonly gamma: number;
  /** Histogram bins per feature. */
  readonly maxBin: number;
  readonly seed: number;
  /** Threads for the native library (results are reproducible for a fixed count; 1 by default). */
  readonly threads: number;
}

export const XGB_DEFAULTS: XgbParams = {
  trees: 100, maxDepth: 6, eta: 0.1, subsample: 1, colsample: 1, minChildWeight: 1,
  lambda: 1, alpha: 0, gamma: 0, maxBin: 256, seed: 0, threads: 1,
};

/** Booster parameters common to both builds (histogram method, binary logistic loss). */
export function xgbBoosterParams(p: XgbParams): [string, string][] {
  return [
    ['objective', 'binary:logistic'], ['booster', 'gbtree'], ['tree_method', 'hist'], ['base_score', '0.5'],
    ['max_depth', String(p.maxDepth)], ['eta', String(p.eta)], ['subsample', String(p.subsample)],
    ['colsample_bytree', String(p.colsample)], ['min_child_weight', String(p.minChildWeight)],
    ['lambda', String(p.lambda)], ['alpha', String(p.alpha)], ['gamma', String(p.gamma)],
    ['max_bin', String(p.maxBin)], ['seed', String(p.seed)], ['nthread', String(p.threads)],
  ];
}

export function checkXgbParams(p: XgbParams): void {
  const bad = (what: string): never => {
    throw new RangeError(`gbdt: ${what}`);
  };
  if (!Number.isInteger(p.trees) || p.trees < 1) bad('trees must be a positive integer');
  if (!Number.isInteger(p.maxDepth) || p.maxDepth < 1) bad('maxDepth must be a positive integer');
  if (!(p.eta > 0 && p.eta <= 1)) bad('eta must be in (0, 1]');
  if (!(p.subsample > 0 && p.subsample <= 1)) bad('subsample must be in (0, 1]');
  if (!(p.colsample > 0 && p.colsample <= 1)) bad('colsample must be in (0, 1]');
  if (!(p.minChildWeight >= 0) || !(p.lambda >= 0) || !(p.alpha >= 0) || !(p.gamma >= 0)) bad('minChildWeight, lambda, alpha and gamma must be >= 0');
  if (!Number.isInteger(p.maxBin) || p.maxBin < 2) bad('maxBin must be an integer >= 2');
  if (!Number.isInteger(p.seed) || p.seed < 0) bad('seed must be a non-negative integer');
  if (!Number.isInteger(p.threads) || p.threads < 0) bad('threads must be a non-negative integer (0: all cores)');
}
