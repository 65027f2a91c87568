// Rolling re-estimation for pairs trading: the hedge ratio of a moving OLS window and the z-score of
// a spread against its moving mean and standard deviation. Output index t uses only inputs 0..t (no
// look-ahead) and is NaN during warm-up (t < window - 1) and whenever the window holds a non-finite
// value or the statistic is undefined (a constant window).
//
// O(n) overall: co-moments are updated as a value enters and one leaves, kept as deviations from an
// anchor (the window mean at the last exact pass) so that no large sums cancel. The window is
// recomputed exactly (two passes) every `window` steps and whenever cancellation would cost more than
// six digits, so results agree with a direct per-window computation to about 1e-12 relative.

import { InputError } from '../../core/errors.ts';

/** Centred co-moments of one window: m values, means, sums of squared/cross deviations. */
interface Moments {
  m: number;
  meanX: number;
  meanY: number;
  sxx: number;
  sxy: number;
  syy: number;
}

function checkWindow(window: number, min: number): void {
  if (!Number.isInteger(window) || window < min) {
    throw new InputError(`window must be an integer >= ${min} (got ${window})`, { field: 'window' });
  }
}

/** Calls `emit(t, moments)` for each t >= window - 1 whose window holds only finite pairs. */
function rollingCoMoments(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  window: number,
  emit: (t: number, mo: Readonly<Moments>) => void,
): void {
  const n = x.length;
  const w = window;
  let ax = 0; // anchors
  let ay = 0;
  let sx = 0; // sums of deviations from the anchors over the finite pairs in the window
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let bad = 0; // non-finite pairs in the window
  let constX = false; // exact pass found every x equal (and likewise y)
  let constY = false;
  const mo: Moments = { m: w, meanX: NaN, meanY: NaN, sxx: NaN, sxy: NaN, syy: NaN };

  const exact = (end: number): void => {
    const start = end - w + 1;
    bad = 0;
    let mx = 0;
    let my = 0;
    for (let i = start; i <= end; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      if (!Number.isFinite(xi) || !Number.isFinite(yi)) bad++;
      else {
        mx += xi;
        my += yi;
      }
    }
    const k = w - bad;
    ax = k > 0 ? mx / k : 0;
    ay = k > 0 ? my / k : 0;
    sx = sy = sxx = sxy = syy = 0;
    constX = constY = true;
    let x0 = NaN;
    let y0 = NaN;
    for (let i = start; i <= end; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
      if (Number.isNaN(x0)) {
        x0 = xi;
        y0 = yi;
      }
      if (xi !== x0) constX = false;
      if (yi !== y0) constY = false;
      const dx = xi - ax;
      const dy = yi - ay;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
  };

  const fill = (exactPass: boolean): boolean => {
    const mx = sx / w;
    const my = sy / w;
    mo.meanX = ax + mx;
    mo.meanY = ay + my;
    mo.sxx = sxx - sx * mx;
    mo.sxy = sxy - sx * my;
    mo.syy = syy - sy * my;
    if (exactPass) {
      if (constX) mo.sxx = 0;
      if (constY) mo.syy = 0;
      if (constX || constY) mo.sxy = 0;
      return true;
    }
    // Accept the running values only while cancellation stays below six digits.
    return mo.sxx > 1e-6 * sxx && mo.syy > 1e-6 * syy;
  };

  let lastExact = -Infinity;
  for (let t = w - 1; t < n; t++) {
    let exactPass = false;
    if (t - lastExact >= w) {
      exact(t);
      lastExact = t;
      exactPass = true;
    } else {
      const o = t - w;
      const xo = x[o]!;
      const yo = y[o]!;
      if (!Number.isFinite(xo) || !Number.isFinite(yo)) bad--;
      else {
        const dx = xo - ax;
        const dy = yo - ay;
        sx -= dx;
        sy -= dy;
        sxx -= dx * dx;
        sxy -= dx * dy;
        syy -= dy * dy;
      }
      const xi = x[t]!;
      const yi = y[t]!;
      if (!Number.isFinite(xi) || !Number.isFinite(yi)) bad++;
      else {
        const dx = xi - ax;
        const dy = yi - ay;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
      }
    }
    if (bad > 0) continue;
    if (!fill(exactPass)) {
      exact(t);
      lastExact = t;
      fill(true);
    }
    emit(t, mo);
  }
}

export interface RollingHedge {
  /** Slope of y on x over the trailing window ending at t (OLS with a constant). */
  readonly hedgeRatio: Float64Array;
  /** Intercept of that regression. */
  readonly intercept: Float64Array;
}

/**
 * Rolling OLS of y on [1, x] over the trailing `window` observations (t - window + 1 .. t):
 * hedgeRatio[t] = Cov(x, y) / Var(x), intercept[t] = mean(y) - hedgeRatio[t] * mean(x).
 * The spread at t is y[t] - intercept[t] - hedgeRatio[t] * x[t]; to trade it out of sample use the
 * ratio estimated at t - 1.
 */
export function rollingHedgeRatio(y: ArrayLike<number>, x: ArrayLike<number>, window: number): RollingHedge {
  checkWindow(window, 2);
  if (y.length !== x.length) throw new InputError(`y has ${y.length} values, x has ${x.length}`, { field: 'x' });
  const hedgeRatio = new Float64Array(y.length).fill(NaN);
  const intercept = new Float64Array(y.length).fill(NaN);
  rollingCoMoments(x, y, window, (t, mo) => {
    if (!(mo.sxx > 0)) return;
    const b = mo.sxy / mo.sxx;
    hedgeRatio[t] = b;
    intercept[t] = mo.meanY - b * mo.meanX;
  });
  return { hedgeRatio, intercept };
}

export interface ZScoreOptions {
  /** Delta degrees of freedom of the standard deviation: 1 (sample, pandas' default) or 0. */
  readonly ddof?: 0 | 1;
}

/**
 * z[t] = (spread[t] - mean) / std over the trailing `window` values including t
 * (pandas: (s - s.rolling(w).mean()) / s.rolling(w).std(ddof)).
 */
export function spreadZScore(spread: ArrayLike<number>, window: number, options: ZScoreOptions = {}): Float64Array {
  const ddof = options.ddof ?? 1;
  if (ddof !== 0 && ddof !== 1) throw new InputError(`ddof must be 0 or 1 (got ${String(ddof)})`, { field: 'ddof' });
  checkWindow(window, 2);
  const z = new Float64Array(spread.length).fill(NaN);
  rollingCoMoments(spread, spread, window, (t, mo) => {
    if (!(mo.sxx > 0)) return;
    z[t] = (spread[t]! - mo.meanX) / Math.sqrt(mo.sxx / (mo.m - ddof));
  });
  return z;
}
