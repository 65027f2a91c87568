// Common factor paths (market, sectors) with GJR-GARCH volatility and fat-tailed shocks.
import type { Rng } from '../core/rng.ts';
import { GARCH, GARCH_OMEGA } from './synthetic-params.ts';
import { studentT } from './synthetic-random.ts';

export interface FactorPath {
  /** Per-bar log-return shock of the factor. */
  readonly shock: Float64Array;
  /** Its conditional variance at each bar (known before the shock is drawn). */
  readonly variance: Float64Array;
}

/**
 * `scale[t]` is the bar's unconditional sd of a unit-vol factor (regime multiplier x sqrt of the bar's
 * share of a year); the path multiplies it by `annualVol` and the GARCH factor sqrt(h_t).
 */
export function factorPath(rng: Rng, scale: Float64Array, annualVol: number): FactorPath {
  const bars = scale.length;
  const shock = new Float64Array(bars);
  const variance = new Float64Array(bars);
  const { alpha, gamma, beta } = GARCH;
  let h = 1;
  for (let t = 0; t < bars; t++) {
    const z = studentT(rng);
    const sd = scale[t]! * annualVol * Math.sqrt(h);
    shock[t] = sd * z;
    variance[t] = sd * sd;
    h = GARCH_OMEGA + (z < 0 ? alpha + gamma : alpha) * h * z * z + beta * h;
  }
  return { shock, variance };
}
