// The streaming indicator contract (docs/indicators.md): update/replace/reset, null while warming up.

export interface Indicator<In = number, Out = number> {
  /** Number of inputs before the first non-null value. */
  readonly warmupPeriod: number;
  readonly isReady: boolean;
  /** Latest value, null while warming up. */
  readonly value: Out | null;
  /** Feeds the next input and returns the new value (null while warming up). */
  update(x: In): Out | null;
  /** Replaces the latest input (a still-forming bar) and returns the corrected value. */
  replace(x: In): Out | null;
  /** Forgets everything, as if newly built. */
  reset(): void;
}

/** Runs a streaming indicator over a whole series: NaN where it is still warming up. */
export function batch(ind: Indicator<number, number>, xs: Float64Array): Float64Array {
  ind.reset();
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = ind.update(xs[i]!) ?? NaN;
  return out;
}

/** Validates a period parameter at construction: a positive integer. */
export function checkPeriod(name: string, period: number, min = 1): number {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${name}: period must be an integer >= ${min}, got ${period}`);
  }
  return period;
}

// ---- Inputs of multi-input indicators -------------------------------------------------------------
// Each indicator asks only for the fields it reads, so a model `Bar` (or any bar-like object) fits.

export interface HL {
  readonly high: number;
  readonly low: number;
}
export interface HLC extends HL {
  readonly close: number;
}
export interface CV {
  readonly close: number;
  readonly volume: number;
}
export interface HLCV extends HLC {
  readonly volume: number;
}
/** The bar-like input of multi-input indicators: `{ high, low, close, volume, open?, tsEventMs? }`. */
export interface BarInput extends HLCV {
  readonly open?: number;
  /** Bar open time in epoch ms UTC; read only by session/anchored VWAP. */
  readonly tsEventMs?: number;
}

/** Feeds `x` as a new input (`update`) or as a correction of the latest one (`replace`). */
export function feed<In, Out>(ind: Indicator<In, Out>, x: In, replace: boolean): Out | null {
  return replace ? ind.replace(x) : ind.update(x);
}
