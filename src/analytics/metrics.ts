// The headline performance metrics of one run, in two linear passes over the equity curve and one
// over the trades; allocates nothing proportional to the bars (except the time-in-market scan when
// no exposure series is given).
import { InputError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { inferPeriodsPerYear } from './periods.ts';
import { cagrFrom, periodRate, yearsBetween } from './returns.ts';
import { calmarRatio } from './risk-ratios.ts';
import { isNegligibleVariance, type Series } from './stats.ts';
import { summarizePnl, timeInMarket, tradedValue, type TradeRecord } from './trades.ts';

export interface MetricsInput {
  /** Bar timestamps, epoch ms UTC, ascending. */
  timeMs: Series;
  /** Account equity at each bar (finite and positive). */
  equity: Series;
  /** Closed round trips. */
  trades?: readonly TradeRecord[];
  /** Gross position value / equity at each bar (same length as equity). */
  exposure?: Series;
  /** Total traded value (Σ |qty| × price over fills); default: from the closed trades. */
  turnoverValue?: number;
  /** Bars per year; inferred from timeMs when absent (see inferPeriodsPerYear). */
  periodsPerYear?: number;
  /** Annual risk-free rate (default 0), converted per period by compounding. */
  riskFreeRate?: number;
}

/** Headline metrics. Null marks a value that is undefined for the input (JSON-safe). */
export interface PerformanceMetrics {
  bars: number;
  startMs: number | null;
  endMs: number | null;
  /** Calendar years spanned, (endMs − startMs) / 365.25 days. */
  years: number;
  periodsPerYear: number;
  riskFreeRate: number;
  /** last / first − 1. */
  totalReturn: number | null;
  /** Compound annual growth over calendar time. */
  cagr: number | null;
  /** Sample std (ddof = 1) of period returns × √periodsPerYear. */
  annualVolatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Worst peak-to-trough fall, a negative fraction (0 without drawdown). */
  maxDrawdown: number | null;
  /** Longest drawdown, peak to recovery (or to the last bar), in bars. */
  maxDrawdownDurationBars: number;
  /** Longest drawdown, peak to recovery (or to the last bar), in calendar days. */
  maxDrawdownDurationDays: number;
  /** cagr / |maxDrawdown|. */
  calmar: number | null;
  tradeCount: number;
  winRate: number | null;
  profitFactor: number | null;
  avgWin: number | null;
  /** Mean losing trade pnl (negative). */
  avgLoss: number | null;
  /** Mean pnl per trade. */
  expectancy: number | null;
  /** Fraction of bars with a position (from `exposure` > 0, else from the trades). */
  exposure: number | null;
  /** Mean gross exposure (gross position value / equity) over bars; null without `exposure`. */
  avgGrossExposure: number | null;
  /** Traded value per year / mean equity. */
  turnover: number | null;
}

/** Computes the headline metrics (see docs/metrics.md for every formula). */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { timeMs, equity } = input;
  const trades = input.trades ?? [];
  const n = equity.length;
  if (timeMs.length !== n) throw new InputError(`timeMs has ${timeMs.length} values, equity ${n}`, { field: 'timeMs' });
  if (input.exposure !== undefined && input.exposure.length !== n) {
    throw new InputError(`exposure has ${input.exposure.length} values, equity ${n}`, { field: 'exposure' });
  }
  const ppy = input.periodsPerYear ?? inferPeriodsPerYear(timeMs);
  if (!(ppy > 0) || !Number.isFinite(ppy)) throw new InputError(`periodsPerYear must be positive (got ${ppy})`, { field: 'periodsPerYear' });
  const riskFreeRate = input.riskFreeRate ?? 0;
  const rf = periodRate(riskFreeRate, ppy);

  // Pass 1: validation, sums of excess returns, downside squares, drawdowns and their durations.
  let sumX = 0;
  let sumSq = 0;
  let downSq = 0;
  let sumEquity = 0;
  let peak = NaN;
  let peakIdx = 0;
  let under = false;
  let mdd = 0;
  let ddBars = 0;
  let ddMs = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const t = timeMs[i]!;
    if (!(e > 0) || e === Infinity) throw new InputError(`equity must be finite and positive (bar ${i} is ${e})`, { field: 'equity' });
    if (!Number.isFinite(t) || (i > 0 && t < timeMs[i - 1]!)) throw new InputError(`timeMs must be finite and ascending (bar ${i})`, { field: 'timeMs' });
    sumEquity += e;
    if (i === 0) {
      peak = e;
      continue;
    }
    const x = e / equity[i - 1]! - 1 - rf;
    sumX += x;
    sumSq += x * x;
    if (x < 0) downSq += x * x;
    if (e >= peak) {
      if (under) {
        if (i - peakIdx > ddBars) ddBars = i - peakIdx;
        if (t - timeMs[peakIdx]! > ddMs) ddMs = t - timeMs[peakIdx]!;
        under = false;
      }
      peak = e;
      peakIdx = i;
    } else {
      under = true;
      const dd = e / peak - 1;
      if (dd < mdd) mdd = dd;
    }
  }
  if (under) {
    if (n - 1 - peakIdx > ddBars) ddBars = n - 1 - peakIdx;
    if (timeMs[n - 1]! - timeMs[peakIdx]! > ddMs) ddMs = timeMs[n - 1]! - timeMs[peakIdx]!;
  }

  // Pass 2: the sample variance around the mean.
  const m = n > 1 ? sumX / (n - 1) : NaN;
  let ss = 0;
  for (let i = 1; i < n; i++) {
    const d = equity[i]! / equity[i - 1]! - 1 - rf - m;
    ss += d * d;
  }

  const nr = n - 1;
  const years = n > 0 ? yearsBetween(timeMs[0]!, timeMs[n - 1]!) : 0;
  const variance = nr >= 2 ? ss / (nr - 1) : NaN;
  const flat = !(nr >= 2) || isNegligibleVariance(variance, sumSq / nr);
  // Volatility of raw returns equals that of excess returns (a constant shift).
  const annualVolatility = nr >= 2 ? (flat ? 0 : Math.sqrt(variance) * Math.sqrt(ppy)) : null;
  const sharpe = flat ? null : (m / Math.sqrt(variance)) * Math.sqrt(ppy);
  const sortino = nr >= 1 && downSq > 0 ? (m * ppy) / (Math.sqrt(downSq / nr) * Math.sqrt(ppy)) : null;
  const cagr = n > 1 ? cagrFrom(equity[0]!, equity[n - 1]!, years) : null;
  const maxDrawdown = n > 0 ? mdd : null;

  // Exposure: from the per-bar series when given, else from trade intervals.
  let exposure: number | null;
  let avgGrossExposure: number | null = null;
  if (input.exposure !== undefined) {
    let inMarket = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.abs(input.exposure[i]!);
      sum += g;
      if (g > 0) inMarket++;
    }
    exposure = n > 0 ? inMarket / n : null;
    avgGrossExposure = n > 0 ? sum / n : null;
  } else {
    exposure = timeInMarket(timeMs, trades);
  }

  const traded = input.turnoverValue ?? tradedValue(trades);
  const turnover = years > 0 && n > 0 ? traded / years / (sumEquity / n) : null;

  const pnl = summarizePnl(trades);
  return {
    bars: n,
    startMs: n > 0 ? timeMs[0]! : null,
    endMs: n > 0 ? timeMs[n - 1]! : null,
    years,
    periodsPerYear: ppy,
    riskFreeRate,
    totalReturn: n > 0 ? equity[n - 1]! / equity[0]! - 1 : null,
    cagr,
    annualVolatility,
    sharpe,
    sortino,
    maxDrawdown,
    maxDrawdownDurationBars: ddBars,
    maxDrawdownDurationDays: ddMs / MS_PER_DAY,
    calmar: calmarRatio(cagr, maxDrawdown),
    tradeCount: pnl.count,
    winRate: pnl.winRate,
    profitFactor: pnl.profitFactor,
    avgWin: pnl.avgWin,
    avgLoss: pnl.avgLoss,
    expectancy: pnl.expectancy,
    exposure,
    avgGrossExposure,
    turnover,
  };
}
