// Window statistics at one row, recomputed from the window's contents (no running sums). A row's value
// is then a pure function of the values in its window: the batch loop and the streaming step give the
// same bits, no rounding drift builds up over 100k bars, and a prefix of the data gives the same rows.
// Cost O(w) per row, which is small next to everything else a feature row does for w of 5..250.

/** Mean of xs[i-w+1..i]; NaN before the window is full or when it holds a NaN. */
export function windowMean(xs: Float64Array, i: number, w: number): number {
  if (i < w - 1) return NaN;
  let s = 0;
  for (let j = i - w + 1; j <= i; j++) s += xs[j]!;
  return s / w;
}

/** Sample standard deviation (n - 1) of xs[i-w+1..i], two-pass; NaN for w < 2, before the window is full, or on a NaN. */
export function windowStd(xs: Float64Array, i: number, w: number): number {
  if (w < 2 || i < w - 1) return NaN;
  const m = windowMean(xs, i, w);
  let ss = 0;
  for (let j = i - w + 1; j <= i; j++) {
    const d = xs[j]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (w - 1));
}

/** Mean of the finite values among xs[i-w+1..i] (NaN before the window is full or when none is finite). */
export function windowMeanFinite(xs: Float64Array, i: number, w: number): number {
  if (i < w - 1) return NaN;
  let s = 0;
  let k = 0;
  for (let j = i - w + 1; j <= i; j++) {
    const x = xs[j]!;
    if (Number.isFinite(x)) {
      s += x;
      k++;
    }
  }
  return k === 0 ? NaN : s / k;
}

/**
 * Pearson correlation (`which` = 'corr') or the regression slope of x on y (`which` = 'beta': cov / var y)
 * over the window ending at i; NaN before it is full, on a NaN, or when a variance is 0.
 */
export function windowCoMoment(xs: Float64Array, ys: Float64Array, i: number, w: number, which: 'corr' | 'beta'): number {
  if (w < 2 || i < w - 1) return NaN;
  const mx = windowMean(xs, i, w);
  const my = windowMean(ys, i, w);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let j = i - w + 1; j <= i; j++) {
    const dx = xs[j]! - mx;
    const dy = ys[j]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (which === 'beta') return syy > 0 ? sxy / syy : NaN;
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
