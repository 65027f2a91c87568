// How much to trust a Sharpe ratio: the probabilistic Sharpe ratio (PSR), the deflated Sharpe ratio
// (DSR) and the minimum track record length, after Bailey & López de Prado (2012, 2014).
//
// Sharpe ratios passed in and returned are annualized like `sharpeRatio`; the formulas work per
// period (SR_ann / √ppy, Var_ann / ppy). Skewness γ3 and kurtosis γ4 (not excess) are the plain
// moment ratios m3/m2^1.5 and m4/m2², as in the papers; the Sharpe ratio uses the sample std.
import { InputError } from '../core/errors.ts';
import { periodRate, TRADING_DAYS_PER_YEAR } from './returns.ts';
import type { AnnualizationOptions } from './risk-ratios.ts';
import { isNegligibleVariance, normalCdf, normalPpf, type Series } from './stats.ts';

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/** Per-period Sharpe ratio and moments of excess returns. */
export interface SharpeMoments {
  n: number;
  /** Per-period Sharpe ratio mean / std (ddof = 1). */
  sharpe: number;
  /** Skewness γ3 = m3 / m2^1.5 (biased moment ratio). */
  skew: number;
  /** Kurtosis γ4 = m4 / m2² (3 for a normal law; biased moment ratio). */
  kurtosis: number;
}

/** Sharpe ratio (per period) and the moments PSR needs; null for n < 3 or zero variance. */
export function sharpeMoments(returns: Series, o?: AnnualizationOptions): SharpeMoments | null {
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const rf = periodRate(o?.riskFreeRate ?? 0, ppy);
  const n = returns.length;
  if (n < 3) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += returns[i]! - rf;
  const m = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = returns[i]! - rf;
    const d = x - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    sq += x * x;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (isNegligibleVariance(m2, sq / n)) return null;
  return { n, sharpe: m / Math.sqrt((m2 * n) / (n - 1)), skew: m3 / Math.pow(m2, 1.5), kurtosis: m4 / (m2 * m2) };
}

/** The standard error factor √(1 − γ3·SR + (γ4 − 1)/4·SR²) of a per-period Sharpe ratio. */
function sharpeDispersion(sm: SharpeMoments): number | null {
  const v = 1 - sm.skew * sm.sharpe + ((sm.kurtosis - 1) / 4) * sm.sharpe * sm.sharpe;
  return v > 0 ? Math.sqrt(v) : null;
}

function psrFromMoments(sm: SharpeMoments, benchmarkPerPeriod: number): number | null {
  const disp = sharpeDispersion(sm);
  if (disp === null) return null;
  return normalCdf(((sm.sharpe - benchmarkPerPeriod) * Math.sqrt(sm.n - 1)) / disp);
}

/**
 * Probabilistic Sharpe ratio: the probability that the true Sharpe ratio exceeds
 * `benchmarkSharpe` (annualized, default 0):
 * PSR = Φ((SR − SR*)·√(n − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)), per-period SR and SR*.
 */
export function probabilisticSharpeRatio(returns: Series, o?: AnnualizationOptions & { benchmarkSharpe?: number }): number | null {
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const sm = sharpeMoments(returns, o);
  if (sm === null) return null;
  return psrFromMoments(sm, (o?.benchmarkSharpe ?? 0) / Math.sqrt(ppy));
}

/**
 * Expected maximum Sharpe ratio among `numTrials` independent trials whose Sharpe ratios have
 * variance `trialSharpeVariance` (both annualized units), under the null of no skill:
 * √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))). Zero for a single trial.
 */
export function expectedMaxSharpe(numTrials: number, trialSharpeVariance: number): number {
  if (!(numTrials >= 1) || !Number.isFinite(numTrials)) throw new InputError(`numTrials must be ≥ 1 (got ${numTrials})`, { field: 'numTrials' });
  if (!(trialSharpeVariance >= 0)) throw new InputError(`trialSharpeVariance must be ≥ 0 (got ${trialSharpeVariance})`, { field: 'trialSharpeVariance' });
  if (numTrials === 1) return 0;
  return (
    Math.sqrt(trialSharpeVariance) *
    ((1 - EULER_GAMMA) * normalPpf(1 - 1 / numTrials) + EULER_GAMMA * normalPpf(1 - 1 / (numTrials * Math.E)))
  );
}

export interface DeflatedSharpe {
  /** The probability that the true Sharpe ratio exceeds the expected maximum of the trials. */
  dsr: number | null;
  /** The strategy's annualized Sharpe ratio (sample std). */
  sharpe: number | null;
  /** Annualized expected maximum Sharpe ratio of the trials (the PSR benchmark). */
  expectedMaxSharpe: number;
}

/**
 * Deflated Sharpe ratio: PSR against the expected maximum Sharpe ratio of `numTrials` trials.
 * `trialSharpeVariance` is the variance across trials of their annualized Sharpe ratios.
 */
export function deflatedSharpeRatio(
  returns: Series,
  o: AnnualizationOptions & { numTrials: number; trialSharpeVariance: number },
): DeflatedSharpe {
  const ppy = o.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const sr0 = expectedMaxSharpe(o.numTrials, o.trialSharpeVariance);
  const sm = sharpeMoments(returns, o);
  if (sm === null) return { dsr: null, sharpe: null, expectedMaxSharpe: sr0 };
  return { dsr: psrFromMoments(sm, sr0 / Math.sqrt(ppy)), sharpe: sm.sharpe * Math.sqrt(ppy), expectedMaxSharpe: sr0 };
}

/**
 * Minimum track record length (in periods) for the Sharpe ratio to exceed `benchmarkSharpe`
 * (annualized) with probability `confidence` (default 0.95):
 * 1 + (1 − γ3·SR + (γ4 − 1)/4·SR²)·(Φ⁻¹(confidence) / (SR − SR*))². Null when SR ≤ SR*.
 */
export function minTrackRecordLength(
  returns: Series,
  o?: AnnualizationOptions & { benchmarkSharpe?: number; confidence?: number },
): number | null {
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const sm = sharpeMoments(returns, o);
  if (sm === null) return null;
  const bench = (o?.benchmarkSharpe ?? 0) / Math.sqrt(ppy);
  const disp = sharpeDispersion(sm);
  if (disp === null || !(sm.sharpe > bench)) return null;
  const z = normalPpf(o?.confidence ?? 0.95);
  return 1 + disp * disp * Math.pow(z / (sm.sharpe - bench), 2);
}
