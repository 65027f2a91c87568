// Rolling statistics over a trailing window of period returns, in linear time.
// out[i] covers returns[i − window + 1 .. i]; it is NaN during the warm-up (i < window − 1) and
// where the statistic is undefined (zero variance).
//
// Sums are kept shifted by a reference value close to the window mean and recomputed from scratch
// every `window` steps, or sooner when the variance collapses and the accumulated rounding error
// could matter (an outlier leaving the window), so results stay within ~1e-12 of a two-pass
// computation. A window whose values are all identical is detected exactly (by the length of the
// current run of equal values) and has zero variance, as has a window whose variance is zero up to
// rounding (see isNegligibleVariance).
import { InputError } from '../core/errors.ts';
import { periodRate, TRADING_DAYS_PER_YEAR } from './returns.ts';
import type { AnnualizationOptions } from './risk-ratios.ts';
import { isNegligibleVariance, type Series } from './stats.ts';

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 2) throw new InputError(`rolling window must be an integer ≥ 2 (got ${window})`, { field: 'window' });
}

/**
 * Recompute when the rounding error the sliding updates may have accumulated (bounded by
 * ε·Σ(d_new² + d_old²)) could exceed about 1e-13 of the window's sum of squared deviations.
 * This happens when the variance collapses, e.g. after an outlier leaves the window.
 */
const DRIFT_LIMIT = 450;

/** Calls `emit(i, mean, variance)` for each full window; variance is exactly 0 for constant windows. */
function slidingMeanVar(x: Series, window: number, shift: number, emit: (i: number, mean: number, variance: number) => void): void {
  const n = x.length;
  let c = 0; // reference value: the window mean at the last recompute
  let s1 = 0; // Σ (x − shift − c)
  let s2 = 0; // Σ (x − shift − c)²
  let drift = 0; // Σ of the squared terms added and removed since the last recompute
  let sinceRecompute = 0;
  let run = 0;
  const recompute = (i: number): void => {
    const lo = i - window + 1;
    let m = 0;
    for (let j = lo; j <= i; j++) m += x[j]! - shift;
    c = m / window;
    s1 = 0;
    s2 = 0;
    for (let j = lo; j <= i; j++) {
      const d = x[j]! - shift - c;
      s1 += d;
      s2 += d * d;
    }
    drift = s2;
    sinceRecompute = 0;
  };
  for (let i = 0; i < n; i++) {
    run = i > 0 && x[i] === x[i - 1] ? run + 1 : 1;
    if (i < window - 1) continue;
    if (i === window - 1 || ++sinceRecompute >= window) recompute(i);
    else {
      const dNew = x[i]! - shift - c;
      const dOld = x[i - window]! - shift - c;
      s1 += dNew - dOld;
      s2 += dNew * dNew - dOld * dOld;
      drift += dNew * dNew + dOld * dOld;
    }
    if (run >= window) {
      emit(i, x[i]! - shift, 0);
      continue;
    }
    let ss = s2 - (s1 * s1) / window;
    if (!(drift <= DRIFT_LIMIT * ss)) {
      recompute(i);
      ss = s2 - (s1 * s1) / window;
    }
    const variance = Math.max(0, ss / (window - 1));
    const meanSquare = (s2 + 2 * c * s1) / window + c * c;
    emit(i, c + s1 / window, isNegligibleVariance(variance, meanSquare) ? 0 : variance);
  }
}

/** Rolling annualized volatility: sample std (ddof = 1) of the window × √periodsPerYear. */
export function rollingVolatility(returns: Series, window: number, o?: { periodsPerYear?: number }): Float64Array {
  checkWindow(window);
  const k = Math.sqrt(o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR);
  const out = new Float64Array(returns.length).fill(NaN);
  slidingMeanVar(returns, window, 0, (i, _m, v) => {
    out[i] = Math.sqrt(v) * k;
  });
  return out;
}

/** Rolling annualized Sharpe ratio of excess returns: mean / std (ddof = 1) × √periodsPerYear. */
export function rollingSharpe(returns: Series, window: number, o?: AnnualizationOptions): Float64Array {
  checkWindow(window);
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const rf = periodRate(o?.riskFreeRate ?? 0, ppy);
  const k = Math.sqrt(ppy);
  const out = new Float64Array(returns.length).fill(NaN);
  slidingMeanVar(returns, window, rf, (i, m, v) => {
    out[i] = v > 0 ? (m / Math.sqrt(v)) * k : NaN;
  });
  return out;
}

/** Rolling beta: cov(r, b) / var(b) over each window; NaN where the benchmark is constant. */
export function rollingBeta(returns: Series, benchmark: Series, window: number): Float64Array {
  checkWindow(window);
  const n = returns.length;
  if (benchmark.length !== n) throw new InputError(`benchmark has ${benchmark.length} returns, strategy ${n}`, { field: 'benchmark' });
  const out = new Float64Array(n).fill(NaN);
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let driftX = 0;
  let driftY = 0;
  let sinceRecompute = 0;
  let run = 0;
  const recompute = (i: number): void => {
    const lo = i - window + 1;
    let mx = 0;
    let my = 0;
    for (let j = lo; j <= i; j++) {
      mx += returns[j]!;
      my += benchmark[j]!;
    }
    cx = mx / window;
    cy = my / window;
    sx = 0;
    sy = 0;
    sxx = 0;
    syy = 0;
    sxy = 0;
    for (let j = lo; j <= i; j++) {
      const dx = returns[j]! - cx;
      const dy = benchmark[j]! - cy;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    driftX = sxx;
    driftY = syy;
    sinceRecompute = 0;
  };
  for (let i = 0; i < n; i++) {
    run = i > 0 && benchmark[i] === benchmark[i - 1] ? run + 1 : 1;
    if (i < window - 1) continue;
    if (i === window - 1 || ++sinceRecompute >= window) recompute(i);
    else {
      const dxN = returns[i]! - cx;
      const dyN = benchmark[i]! - cy;
      const dxO = returns[i - window]! - cx;
      const dyO = benchmark[i - window]! - cy;
      sx += dxN - dxO;
      sy += dyN - dyO;
      sxx += dxN * dxN - dxO * dxO;
      syy += dyN * dyN - dyO * dyO;
      sxy += dxN * dyN - dxO * dyO;
      driftX += dxN * dxN + dxO * dxO;
      driftY += dyN * dyN + dyO * dyO;
    }
    if (run >= window) continue;
    // The covariance error is bounded by √(driftX·driftY); keep both sums accurate.
    if (!(driftY <= DRIFT_LIMIT * (syy - (sy * sy) / window)) || !(driftX <= DRIFT_LIMIT * (sxx - (sx * sx) / window))) recompute(i);
    const varY = syy - (sy * sy) / window;
    const meanSquareY = (syy + 2 * cy * sy) / window + cy * cy;
    if (!isNegligibleVariance(varY / window, meanSquareY)) out[i] = (sxy - (sx * sy) / window) / varY;
  }
  return out;
}
