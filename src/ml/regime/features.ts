// Regimes as model features: the rule regime one-hot encoded and, given a fitted HMM, its filtered
// (forward-only) state probabilities. Columns are named `regime:<name>` so the feature pipeline can
// concatenate them with its own; row i reads bars 0..i only.
import { ConfigError } from '../../core/errors.ts';
import type { BarSeries } from '../../model/bar.ts';
import type { FeatureMatrix } from '../types.ts';
import type { GaussianHmm } from './hmm.ts';
import { REGIME_NAMES } from './names.ts';
import { hmmObservations } from './observations.ts';
import { type RegimeRulesConfig, classifyRegimes } from './rules.ts';

export interface RegimeFeatureOptions {
  /** Rule thresholds (defaults: daily bars). */
  readonly rules?: RegimeRulesConfig;
  /** Leave out the seven one-hot rule columns. */
  readonly noRules?: boolean;
  /** A fitted HMM over `hmmObservations(bars, hmmVolWindow)`: adds `regime:hmm_p<s>` columns. */
  readonly hmm?: GaussianHmm;
  readonly hmmVolWindow?: number;
}

/** Regime feature columns over a series; NaN in a row whose regime is not defined yet. */
export function regimeFeatures(bars: BarSeries, opts: RegimeFeatureOptions = {}): FeatureMatrix {
  const rows = bars.length;
  const names: string[] = [];
  const blocks: { cols: number; values: Float64Array }[] = [];
  if (!opts.noRules) {
    const { labels } = classifyRegimes(bars, opts.rules);
    const k = REGIME_NAMES.length;
    const v = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      if (labels[i]! < 0) v.fill(NaN, i * k, i * k + k);
      else v[i * k + labels[i]!] = 1;
    }
    names.push(...REGIME_NAMES.map((n) => `regime:${n}`));
    blocks.push({ cols: k, values: v });
  }
  if (opts.hmm) {
    const m = opts.hmm;
    const obs = hmmObservations(bars, opts.hmmVolWindow);
    if (obs.names.join(',') !== m.featureNames.join(',')) {
      throw new ConfigError(`the HMM was fitted on [${m.featureNames.join(', ')}] but the observations are [${obs.names.join(', ')}] (hmmVolWindow?)`);
    }
    names.push(...Array.from({ length: m.k }, (_, s) => `regime:hmm_p${s}`));
    blocks.push({ cols: m.k, values: m.filter(obs.values, rows) });
  }
  const cols = names.length;
  const values = new Float64Array(rows * cols);
  let at = 0;
  for (const b of blocks) {
    for (let i = 0; i < rows; i++) values.set(b.values.subarray(i * b.cols, i * b.cols + b.cols), i * cols + at);
    at += b.cols;
  }
  return { rows, cols, names, values, time: bars.time.slice(0, rows) };
}
