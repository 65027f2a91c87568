// buildFeatures: the whole feature matrix of a series (batch). Row i reads bars 0..i only.
import type { BarSeries } from '../../model/bar.ts';
import type { FeatureMatrix } from '../types.ts';
import { blockNames, fillMatrix } from './block.ts';
import { FeatureContext } from './context.ts';
import { planBlocks } from './plan.ts';
import { parseFeatureSpec, type FeatureSpec, type FeatureSpecInput } from './spec.ts';

export interface BuildOptions {
  /**
   * A benchmark series for cross-asset features and pair indicators. Row i sees the last benchmark bar
   * that has closed when bar i closes (open time + bar length, each series' own timeframeMs).
   */
  readonly benchmark?: BarSeries;
}

function parsed(spec: FeatureSpecInput | FeatureSpec): FeatureSpec {
  return parseFeatureSpec(spec);
}

/** The column names a spec gives, in order. */
export function featureNames(spec: FeatureSpecInput, options: { benchmark?: boolean } = {}): string[] {
  return blockNames(planBlocks(parsed(spec), options.benchmark ?? false));
}

/** The feature matrix of `series` for `spec`: one row per bar, NaN during each feature's warm-up. */
export function buildFeatures(series: BarSeries, spec: FeatureSpecInput, options: BuildOptions = {}): FeatureMatrix {
  const blocks = planBlocks(parsed(spec), options.benchmark !== undefined);
  const ctx = FeatureContext.over(series, options.benchmark);
  const names = blockNames(blocks);
  const values = fillMatrix(blocks, ctx);
  return { rows: series.length, cols: names.length, names, values, time: series.time.slice(0, series.length) };
}
