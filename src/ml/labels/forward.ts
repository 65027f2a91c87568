// Forward-return labels: the log return from bar i's close to bar i+h's close, and its direction.
import type { BarSeries } from '../../model/bar.ts';
import type { LabelSet } from '../types.ts';
import { weightsFor, type Weighting } from './uniqueness.ts';

export interface ForwardOptions {
  /** 'uniqueness' (default): average uniqueness of the overlapping horizons; 'none': 1. */
  readonly weights?: Weighting;
}

function checkHorizon(h: number): void {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`label horizon must be an integer >= 1, got ${h}`);
}

/** y[i] = ln(c[i+h] / c[i]), end[i] = i + h; NaN (end clipped to the last bar) where i + h is past the data. */
export function forwardReturns(series: BarSeries, horizon: number, options: ForwardOptions = {}): LabelSet {
  checkHorizon(horizon);
  const n = series.length;
  const c = series.close;
  const y = new Float64Array(n);
  const end = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = i + horizon;
    y[i] = e < n ? Math.log(c[e]! / c[i]!) : NaN;
    end[i] = Math.min(e, n - 1);
  }
  return { y, end, weight: weightsFor(y, end, options.weights ?? 'uniqueness') };
}

/** 1 where the forward log return over `horizon` bars is above `threshold`, else 0; NaN past the data. */
export function directionLabels(series: BarSeries, horizon: number, threshold = 0, options: ForwardOptions = {}): LabelSet {
  const f = forwardReturns(series, horizon, { weights: 'none' });
  const y = f.y.map((r) => (Number.isNaN(r) ? NaN : r > threshold ? 1 : 0));
  return { y, end: f.end, weight: weightsFor(y, f.end, options.weights ?? 'uniqueness') };
}
