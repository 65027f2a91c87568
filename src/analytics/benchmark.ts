// Statistics of a strategy's period returns against a benchmark's returns over the same bars.
import { InputError } from '../core/errors.ts';
import { periodRate, TRADING_DAYS_PER_YEAR } from './returns.ts';
import type { AnnualizationOptions } from './risk-ratios.ts';
import { isNegligibleVariance, type Series } from './stats.ts';

export interface BenchmarkStats {
  /** Annualized Jensen alpha, compounded: (1 + mean(x − β·y))^ppy − 1 (x, y excess returns). */
  alpha: number | null;
  /** cov(x, y) / var(y). */
  beta: number | null;
  /** Pearson correlation of the returns. */
  correlation: number | null;
  /** std(r − b, ddof = 1) × √ppy. */
  trackingError: number | null;
  /** mean(r − b) × ppy / trackingError = mean(r − b) / std(r − b) × √ppy. */
  informationRatio: number | null;
}

function checkAligned(returns: Series, benchmark: Series): void {
  if (returns.length !== benchmark.length) {
    throw new InputError(`benchmark has ${benchmark.length} returns, strategy ${returns.length}; align them first`, { field: 'benchmark' });
  }
}

/** Alpha, beta, correlation, tracking error and information ratio in two passes. */
export function benchmarkStats(returns: Series, benchmark: Series, o?: AnnualizationOptions): BenchmarkStats {
  checkAligned(returns, benchmark);
  const ppy = o?.periodsPerYear ?? TRADING_DAYS_PER_YEAR;
  const rf = periodRate(o?.riskFreeRate ?? 0, ppy);
  const n = returns.length;
  const none: BenchmarkStats = { alpha: null, beta: null, correlation: null, trackingError: null, informationRatio: null };
  if (n < 2) return none;

  let sx = 0;
  let sy = 0;
  let sa = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    const b = benchmark[i]!;
    sx += r - rf;
    sy += b - rf;
    sa += r - b;
  }
  const mx = sx / n;
  const my = sy / n;
  const ma = sa / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let saa = 0;
  let qx = 0;
  let qy = 0;
  let qa = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    const b = benchmark[i]!;
    const x = r - rf;
    const y = b - rf;
    const a = r - b;
    const dx = x - mx;
    const dy = y - my;
    const da = a - ma;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    saa += da * da;
    qx += x * x;
    qy += y * y;
    qa += a * a;
  }
  const flatX = isNegligibleVariance(sxx / n, qx / n);
  const flatY = isNegligibleVariance(syy / n, qy / n);
  const flatA = isNegligibleVariance(saa / n, qa / n);

  const beta = flatY ? null : sxy / syy;
  const growth = beta === null ? NaN : 1 + (mx - beta * my);
  const alpha = growth > 0 ? Math.pow(growth, ppy) - 1 : null;
  const correlation = flatX || flatY ? null : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx) / Math.sqrt(syy)));
  const teStd = Math.sqrt(saa / (n - 1));
  const trackingError = teStd * Math.sqrt(ppy);
  const informationRatio = flatA ? null : (ma / teStd) * Math.sqrt(ppy);
  return { alpha, beta, correlation, trackingError, informationRatio };
}

/** Beta of the returns to the benchmark (null when the benchmark does not move). */
export function beta(returns: Series, benchmark: Series): number | null {
  return benchmarkStats(returns, benchmark).beta;
}

/** Annualized compounded Jensen alpha (empyrical `alpha`). */
export function alpha(returns: Series, benchmark: Series, o?: AnnualizationOptions): number | null {
  return benchmarkStats(returns, benchmark, o).alpha;
}

/** Pearson correlation of the two return series. */
export function correlation(returns: Series, benchmark: Series): number | null {
  return benchmarkStats(returns, benchmark).correlation;
}

/** Annualized tracking error: std(r − b, ddof = 1) × √ppy. */
export function trackingError(returns: Series, benchmark: Series, o?: AnnualizationOptions): number | null {
  return benchmarkStats(returns, benchmark, o).trackingError;
}

/** Annualized information ratio: mean(r − b) / std(r − b) × √ppy. */
export function informationRatio(returns: Series, benchmark: Series, o?: AnnualizationOptions): number | null {
  return benchmarkStats(returns, benchmark, o).informationRatio;
}
