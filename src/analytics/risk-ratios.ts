// Risk-adjusted ratios and distribution statistics of period returns (empyrical conventions).
// Undefined values are null, never NaN or Infinity, so results stay valid JSON.
import { periodRate, TRADING_DAYS_PER_YEAR } from './returns.ts';
import { centralMoments, isNegligibleVariance, normalPdf, normalPpf, quantileInPlace, selectInPlace, type Series } from './stats.ts';

export interface AnnualizationOptions {
  /** Bars per year (252 for daily bars on a trading calendar). */
  periodsPerYear?: number;
  /** Annual risk-free rate, converted per period by compounding. Default 0. */
  riskFreeRate?: number;
}

function opts(o: AnnualizationOptions | undefined): { ppy: number; rf: number } {
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  return { ppy, rf: periodRate(o?.riskFreeRate ?? 0, ppy) };
}

/**
 * Annualized Sharpe ratio: mean(r − rf) / std(r − rf, ddof = 1) × √periodsPerYear.
 * Null with fewer than two returns or zero volatility.
 */
export function sharpeRatio(returns: Series, o?: AnnualizationOptions): number | null {
  const { ppy, rf } = opts(o);
  const n = returns.length;
  if (n < 2) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += returns[i]! - rf;
  const m = s / n;
  let ss = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = returns[i]! - rf;
    const d = x - m;
    ss += d * d;
    sq += x * x;
  }
  const variance = ss / (n - 1);
  if (isNegligibleVariance(variance, sq / n)) return null;
  return (m / Math.sqrt(variance)) * Math.sqrt(ppy);
}

/**
 * Annualized downside deviation below `threshold` (per period, default the risk-free rate):
 * sqrt(mean(min(r − threshold, 0)²)) × √periodsPerYear, over all n returns (empyrical).
 */
export function downsideDeviation(returns: Series, o?: AnnualizationOptions & { threshold?: number }): number | null {
  const { ppy, rf } = opts(o);
  const t = o?.threshold ?? rf;
  const n = returns.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - t;
    if (d < 0) s += d * d;
  }
  return Math.sqrt(s / n) * Math.sqrt(ppy);
}

/**
 * Annualized Sortino ratio (empyrical): mean(r − rf) × ppy / downsideDeviation(r, rf).
 * Null when there is no return below the risk-free rate.
 */
export function sortinoRatio(returns: Series, o?: AnnualizationOptions): number | null {
  const { ppy, rf } = opts(o);
  const n = returns.length;
  if (n === 0) return null;
  let s = 0;
  let dd = 0;
  for (let i = 0; i < n; i++) {
    const x = returns[i]! - rf;
    s += x;
    if (x < 0) dd += x * x;
  }
  if (dd === 0) return null;
  return (s / n) * ppy / (Math.sqrt(dd / n) * Math.sqrt(ppy));
}

/** Calmar ratio: CAGR / |max drawdown|; null when either is missing or there is no drawdown. */
export function calmarRatio(cagr: number | null, maxDrawdown: number | null): number | null {
  if (cagr === null || maxDrawdown === null || maxDrawdown === 0) return null;
  return cagr / Math.abs(maxDrawdown);
}

/**
 * Omega ratio at a per-period threshold τ = rf + periodRate(requiredReturn):
 * Σ max(r − τ, 0) / Σ max(τ − r, 0). Null when no return is below τ.
 */
export function omegaRatio(returns: Series, o?: AnnualizationOptions & { requiredReturn?: number }): number | null {
  const { ppy, rf } = opts(o);
  const tau = rf + periodRate(o?.requiredReturn ?? 0, ppy);
  let up = 0;
  let down = 0;
  for (let i = 0; i < returns.length; i++) {
    const d = returns[i]! - tau;
    if (d > 0) up += d;
    else down -= d;
  }
  return down > 0 ? up / down : null;
}

/** Tail ratio: |95th percentile| / |5th percentile| (linear interpolation); null when undefined. */
export function tailRatio(returns: Series): number | null {
  return returns.length === 0 ? null : tailRatioOf(Float64Array.from(returns));
}

/** Tail ratio of a scratch copy (reordered). */
function tailRatioOf(s: Float64Array): number | null {
  const lo = Math.abs(quantileInPlace(s, 0.05));
  return lo > 0 ? Math.abs(quantileInPlace(s, 0.95)) / lo : null;
}

/**
 * Skewness with the small-sample correction (pandas/quantstats, scipy bias=False):
 * G1 = √(n(n−1)) / (n−2) × m3 / m2^1.5. Null for n < 3 or zero variance.
 */
export function skewness(returns: Series): number | null {
  const n = returns.length;
  if (n < 3) return null;
  const { m2, m3 } = centralMoments(returns);
  if (isNegligibleVariance(m2, meanSquare(returns))) return null;
  return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / Math.pow(m2, 1.5));
}

/**
 * Excess kurtosis with the small-sample correction (pandas/quantstats, scipy bias=False):
 * G2 = ((n+1) g2 + 6)(n−1) / ((n−2)(n−3)) with g2 = m4/m2² − 3. Null for n < 4 or zero variance.
 */
export function excessKurtosis(returns: Series): number | null {
  const n = returns.length;
  if (n < 4) return null;
  const { m2, m4 } = centralMoments(returns);
  if (isNegligibleVariance(m2, meanSquare(returns))) return null;
  return kurtosisOf(n, m2, m4);
}

/** G2 from n ≥ 4 and the central moments m2, m4. */
function kurtosisOf(n: number, m2: number, m4: number): number {
  const g2 = m4 / (m2 * m2) - 3;
  return (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
}

function meanSquare(x: Series): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s / x.length;
}

/**
 * Historical value at risk: the `cutoff` quantile of period returns (linear interpolation), a
 * return, so a loss is negative (empyrical `value_at_risk`). Null when empty.
 */
export function historicalVaR(returns: Series, cutoff = 0.05): number | null {
  if (returns.length === 0) return null;
  return quantileInPlace(Float64Array.from(returns), cutoff);
}

/**
 * Historical conditional VaR (expected shortfall), empyrical `conditional_value_at_risk`:
 * the mean of the k + 1 smallest returns with k = floor((n − 1) × cutoff). Null when empty.
 */
export function historicalCVaR(returns: Series, cutoff = 0.05): number | null {
  return returns.length === 0 ? null : cvarOf(Float64Array.from(returns), cutoff);
}

/** Historical CVaR of a scratch copy (reordered): after selecting the k-th value, s[0..k] are the k + 1 smallest. */
function cvarOf(s: Float64Array, cutoff: number): number {
  const k = Math.floor((s.length - 1) * cutoff);
  selectInPlace(s, k);
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += s[i]!;
  return sum / (k + 1);
}

/** Parametric (normal) VaR: μ + σ Φ⁻¹(cutoff) with σ the sample std; null for n < 2. */
export function parametricVaR(returns: Series, cutoff = 0.05): number | null {
  const n = returns.length;
  if (n < 2) return null;
  const { mean: m, m2 } = centralMoments(returns);
  const sd = Math.sqrt((m2 * n) / (n - 1));
  return m + sd * normalPpf(cutoff);
}

/** Parametric (normal) CVaR: μ − σ φ(Φ⁻¹(cutoff)) / cutoff with σ the sample std; null for n < 2. */
export function parametricCVaR(returns: Series, cutoff = 0.05): number | null {
  const n = returns.length;
  if (n < 2) return null;
  const { mean: m, m2 } = centralMoments(returns);
  const sd = Math.sqrt((m2 * n) / (n - 1));
  return m - (sd * normalPdf(normalPpf(cutoff))) / cutoff;
}

/** Distribution and tail statistics of period returns, for reports. */
export interface ReturnDistributionStats {
  skew: number | null;
  excessKurtosis: number | null;
  omega: number | null;
  tailRatio: number | null;
  /** Cutoff used for VaR and CVaR (0.05 → 95 % confidence). */
  cutoff: number;
  historicalVaR: number | null;
  historicalCVaR: number | null;
  parametricVaR: number | null;
  parametricCVaR: number | null;
}

/**
 * All distribution statistics at once (one scratch copy of the returns, no sorting; the moments and the
 * mean square taken once for the four statistics that read them: the same values as the functions one by one).
 */
export function returnDistributionStats(returns: Series, o?: AnnualizationOptions & { cutoff?: number; requiredReturn?: number }): ReturnDistributionStats {
  const cutoff = o?.cutoff ?? 0.05;
  const n = returns.length;
  const empty = n === 0;
  const scratch = Float64Array.from(returns);
  const mo = n >= 2 ? centralMoments(returns) : null;
  const flat = n >= 3 && isNegligibleVariance(mo!.m2, meanSquare(returns));
  const sd = mo === null ? NaN : Math.sqrt((mo.m2 * n) / (n - 1));
  return {
    skew: n < 3 || flat ? null : (Math.sqrt(n * (n - 1)) / (n - 2)) * (mo!.m3 / Math.pow(mo!.m2, 1.5)),
    excessKurtosis: n < 4 || flat ? null : kurtosisOf(n, mo!.m2, mo!.m4),
    omega: omegaRatio(returns, o),
    tailRatio: empty ? null : tailRatioOf(scratch),
    cutoff,
    historicalVaR: empty ? null : quantileInPlace(scratch, cutoff),
    historicalCVaR: empty ? null : cvarOf(scratch, cutoff),
    parametricVaR: mo === null ? null : mo.mean + sd * normalPpf(cutoff),
    parametricCVaR: mo === null ? null : mo.mean - (sd * normalPdf(normalPpf(cutoff))) / cutoff,
  };
}
