// The analysis block of a backtest report: everything the tearsheet shows beyond the headline
// metrics, computed once so the HTML and the JSON carry the same numbers (docs/tearsheet.md).
import { toIso } from '../../core/time.ts';
import type { Attribution } from '../attribution.ts';
import { benchmarkStats, type BenchmarkStats } from '../benchmark.ts';
import { drawdownTable } from '../drawdown.ts';
import { monthlyReturnGrid, type MonthlyGridRow } from '../periods-tables.ts';
import { inferPeriodsPerYear } from '../periods.ts';
import { returnsFromEquity } from '../returns.ts';
import { returnDistributionStats, type ReturnDistributionStats } from '../risk-ratios.ts';
import { rollingSharpe } from '../rolling.ts';
import type { Series } from '../stats.ts';
import { tradeStats, type TradeRecord, type TradeStats } from '../trades.ts';
import { decimate } from './downsample.ts';
import type { RegimeTimeline } from './regime-timeline.ts';

/** Price charts of the tearsheet: the most traded symbols, at most this many. */
export const PRICE_SERIES_MAX = 4;
/** Buckets of the price series' min/max downsampling (at most 2 × PRICE_BUCKETS + 1 points). */
export const PRICE_BUCKETS = 1000;

/** The bar closes of one traded symbol, as the run read them. */
export interface PriceInput {
  readonly symbol: string;
  /** The instrument's tick size; null when unknown. */
  readonly tickSize: number | null;
  /** Fills of the symbol in the run (which symbols get a chart). */
  readonly fills: number;
  readonly timeMs: Series;
  readonly close: Series;
}

/** One symbol's closes for its price chart, downsampled to the lowest and highest close per bucket. */
export interface PriceSeries {
  symbol: string;
  tickSize: number | null;
  /** Bars of the full series (before downsampling). */
  bars: number;
  time: string[];
  close: number[];
}

export interface AnalysisInput {
  /** Bar times (epoch ms) and account equity, one per grid point. */
  readonly timeMs: Series;
  readonly equity: Series;
  /** The benchmark's equity on the same grid, or null without a benchmark. */
  readonly benchmarkEquity?: Series | null;
  readonly trades?: readonly TradeRecord[];
  readonly periodsPerYear?: number;
  readonly riskFreeRate?: number;
  readonly attribution?: Attribution | null;
  /** Rolling Sharpe window in bars; default half a year of bars, round(ppy / 2), at least 2. */
  readonly rollingWindow?: number;
  /** Drawdown table length; default 10. */
  readonly topDrawdowns?: number;
  /** Histogram bins; default clamp(ceil(√n), 10, 60) over n returns. */
  readonly histogramBins?: number;
  /** Bar closes of the traded symbols (the price charts); without them `prices` is null. */
  readonly prices?: readonly PriceInput[];
  /** Market values of the positions open at the end, in the order of the report's `openPositions[]`. */
  readonly openPositionValues?: Series;
  /** The market-regime timeline of the run's first symbol (labelled by the caller); without it `regimes` is null. */
  readonly regimes?: RegimeTimeline | null;
}

export interface DrawdownRow {
  start: string;
  trough: string;
  /** null while still under water at the end. */
  recovery: string | null;
  /** trough / peak − 1 (negative). */
  depth: number;
  lengthBars: number;
  lengthDays: number;
  recoveryBars: number | null;
  recoveryDays: number | null;
}

export interface ReturnDistribution {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  stats: ReturnDistributionStats;
  /** counts[k] returns lie in [edges[k], edges[k+1]) (the last bin is closed). */
  histogram: { edges: number[]; counts: number[] };
}

export interface BacktestAnalysis {
  periodsPerYear: number;
  /** Bars used for the return statistics (up to the first bar with equity ≤ 0). */
  bars: number;
  /** The benchmark's equity at each point of `equity[]`; null without a benchmark. */
  benchmarkEquity: number[] | null;
  benchmarkStats: BenchmarkStats | null;
  /** Worst drawdown episodes first. */
  drawdowns: DrawdownRow[];
  /** One row per UTC year: months[0] = January (null without bars), and the year's total. */
  monthlyReturns: MonthlyGridRow[];
  /** values[i] is the Sharpe ratio of the `window` returns ending at equity[i]; null where undefined. */
  rollingSharpe: { window: number; values: (number | null)[] };
  distribution: ReturnDistribution;
  tradeStats: TradeStats;
  attribution: Attribution | null;
  /** Closes of the most traded symbols (up to PRICE_SERIES_MAX), most fills first; null when not given. */
  prices: { tradedSymbols: number; series: PriceSeries[] } | null;
  /** openPositions[i].marketValue / final equity (null when the final equity is not positive). */
  positionWeights: (number | null)[];
  /** Rule-based market regimes of the run's first symbol, as segments of bars (the tearsheet's regime band). */
  regimes: RegimeTimeline | null;
}

/** A plain array of the values (a loop: Array.from walks a typed array through its iterator, slower cold). */
function toArray(x: Series): number[] {
  const out = new Array<number>(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]!;
  return out;
}

/** Index of the first non-positive (or non-finite) equity, or n. */
function solventBars(equity: Series): number {
  for (let i = 0; i < equity.length; i++) if (!(equity[i]! > 0) || equity[i] === Infinity) return i;
  return equity.length;
}

/** Equal-width histogram of `x` between its min and max (a constant series gets one bin). */
export function histogram(x: Series, bins: number): { edges: number[]; counts: number[] } {
  const n = x.length;
  if (n === 0) return { edges: [], counts: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return { edges: [lo, hi], counts: [n] };
  const k = Math.max(1, Math.floor(bins));
  const width = (hi - lo) / k;
  // A width rounded up (subnormal ranges) could carry an inner edge past hi; clamp so edges never decrease.
  const edges = Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : Math.min(hi, lo + i * width)));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    let b = Math.floor((x[i]! - lo) / width);
    if (!(b >= 0)) b = 0; // NaN when the width underflows to 0
    if (b >= k) b = k - 1;
    // Rounding can put a value on the wrong side of an edge; the edges are the truth.
    while (b > 0 && x[i]! < edges[b]!) b--;
    while (b < k - 1 && x[i]! >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  return { edges, counts };
}

function moments(r: Float64Array): { mean: number | null; std: number | null; min: number | null; max: number | null } {
  const n = r.length;
  if (n === 0) return { mean: null, std: null, min: null, max: null };
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    s += r[i]!;
    if (r[i]! < min) min = r[i]!;
    if (r[i]! > max) max = r[i]!;
  }
  const m = s / n;
  let ss = 0;
  // d * d, not d ** 2: the same value (pow special-cases y = 2 as x * x), without a pow call per point
  // while the loop is still interpreted.
  for (let i = 0; i < n; i++) {
    const d = r[i]! - m;
    ss += d * d;
  }
  return { mean: m, std: n > 1 ? Math.sqrt(ss / (n - 1)) : null, min, max };
}

/** Builds the analysis block from the equity curve, the benchmark, the trades and the attribution. */
export function buildAnalysis(input: AnalysisInput): BacktestAnalysis {
  const n = solventBars(input.equity);
  const timeMs = input.timeMs.slice(0, n);
  const equity = input.equity.slice(0, n);
  const ppy = input.periodsPerYear ?? inferPeriodsPerYear(timeMs);
  const opts = { periodsPerYear: ppy, riskFreeRate: input.riskFreeRate ?? 0 };
  const r = returnsFromEquity(equity);

  const bench = input.benchmarkEquity ?? null;
  let stats: BenchmarkStats | null = null;
  if (bench !== null) {
    const m = Math.min(n, solventBars(bench));
    if (m >= 2) stats = benchmarkStats(r.subarray(0, m - 1), returnsFromEquity(bench.slice(0, m)), opts);
  }

  const window = Math.max(2, Math.round(input.rollingWindow ?? ppy / 2));
  const rolling = rollingSharpe(r, window, opts);
  const values = new Array<number | null>(input.equity.length).fill(null);
  for (let i = 0; i < rolling.length; i++) {
    const v = rolling[i]!;
    values[i + 1] = Number.isFinite(v) ? v : null;
  }

  const bins = input.histogramBins ?? Math.min(60, Math.max(10, Math.ceil(Math.sqrt(r.length))));
  return {
    periodsPerYear: ppy,
    bars: n,
    benchmarkEquity: bench === null ? null : toArray(bench),
    benchmarkStats: stats,
    drawdowns: drawdownTable(timeMs, equity, input.topDrawdowns ?? 10).map((e) => ({
      start: toIso(e.startMs),
      trough: toIso(e.troughMs),
      recovery: e.recoveryMs === null ? null : toIso(e.recoveryMs),
      depth: e.depth,
      lengthBars: e.lengthBars,
      lengthDays: e.lengthDays,
      recoveryBars: e.recoveryBars,
      recoveryDays: e.recoveryDays,
    })),
    monthlyReturns: monthlyReturnGrid(timeMs, equity),
    rollingSharpe: { window, values },
    distribution: { count: r.length, ...moments(r), stats: returnDistributionStats(r, opts), histogram: histogram(r, bins) },
    tradeStats: tradeStats(input.trades ?? []),
    attribution: input.attribution ?? null,
    prices: input.prices === undefined ? null : priceSeries(input.prices),
    positionWeights: positionWeights(input.openPositionValues ?? [], input.equity),
    regimes: input.regimes ?? null,
  };
}

/** The closes of the most traded symbols (ties keep the input order), downsampled for their charts. */
export function priceSeries(prices: readonly PriceInput[]): { tradedSymbols: number; series: PriceSeries[] } {
  const traded = prices.filter((p) => p.fills > 0);
  const chosen = [...traded].sort((a, b) => b.fills - a.fills).slice(0, PRICE_SERIES_MAX);
  return {
    tradedSymbols: traded.length,
    series: chosen.map((p) => {
      const keep = decimate(p.close, PRICE_BUCKETS);
      const time: string[] = [];
      const close: number[] = [];
      for (const i of keep) {
        if (i < 0) continue;
        time.push(toIso(p.timeMs[i]!));
        close.push(p.close[i]!);
      }
      const tick = p.tickSize !== null && p.tickSize > 0 && Number.isFinite(p.tickSize) ? p.tickSize : null;
      return { symbol: p.symbol, tickSize: tick, bars: p.close.length, time, close };
    }),
  };
}

function positionWeights(values: Series, equity: Series): (number | null)[] {
  const last = equity.length > 0 ? equity[equity.length - 1]! : NaN;
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = last > 0 && Number.isFinite(last) && Number.isFinite(values[i]!) ? values[i]! / last : null;
  return out;
}
