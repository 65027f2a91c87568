// Benchmarks of the analytics library: headline metrics for many strategies, rolling statistics
// and the full set of report tables. Inputs are synthetic and seeded; generation is not timed.
import { Rng } from '../src/core/rng.ts';
import { MS_PER_DAY } from '../src/core/time.ts';
import { benchmarkStats } from '../src/analytics/benchmark.ts';
import { drawdownTable, ulcerIndex } from '../src/analytics/drawdown.ts';
import { computeMetrics } from '../src/analytics/metrics.ts';
import { monthlyReturns, yearlyReturns } from '../src/analytics/periods-tables.ts';
import { returnsFromEquity } from '../src/analytics/returns.ts';
import { returnDistributionStats } from '../src/analytics/risk-ratios.ts';
import { rollingBeta, rollingSharpe, rollingVolatility } from '../src/analytics/rolling.ts';
import { deflatedSharpeRatio } from '../src/analytics/sharpe-inference.ts';
import { tradeStats, type TradeRecord } from '../src/analytics/trades.ts';

export interface BenchResult {
  name: string;
  work: string;
  seconds: number;
  rate: number;
  peakRssMb: number;
}

const STRATEGIES = 1000;
const BARS = 2520; // 10 years of daily bars
const TRADES = 40;

interface Run {
  timeMs: Float64Array;
  equity: Float64Array;
  trades: TradeRecord[];
}

function makeRuns(): { runs: Run[]; benchmark: Float64Array } {
  const rng = new Rng(2024);
  const timeMs = new Float64Array(BARS);
  for (let i = 0, d = Date.UTC(2010, 0, 4); i < BARS; d += MS_PER_DAY) {
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) timeMs[i++] = d;
  }
  const benchmark = new Float64Array(BARS - 1);
  for (let i = 0; i < benchmark.length; i++) benchmark[i] = 0.0003 + 0.01 * rng.normal();
  const runs: Run[] = [];
  for (let s = 0; s < STRATEGIES; s++) {
    const equity = new Float64Array(BARS);
    equity[0] = 100_000;
    const beta = rng.next();
    for (let i = 1; i < BARS; i++) equity[i] = equity[i - 1]! * (1 + beta * benchmark[i - 1]! + 0.008 * rng.normal());
    const trades: TradeRecord[] = [];
    for (let k = 0; k < TRADES; k++) {
      const a = rng.int(BARS - 30);
      const entryPrice = 50 + 50 * rng.next();
      const exitPrice = entryPrice * (1 + 0.05 * rng.normal());
      const qty = (1 + rng.int(100)) * (rng.next() < 0.7 ? 1 : -1);
      const commission = 0.001 * Math.abs(qty) * (entryPrice + exitPrice);
      trades.push({
        symbol: 'SYM',
        entryTimeMs: timeMs[a]!,
        exitTimeMs: timeMs[a + 1 + rng.int(25)]!,
        entryPrice,
        exitPrice,
        qty,
        pnl: (exitPrice - entryPrice) * qty - commission,
        commission,
      });
    }
    runs.push({ timeMs, equity, trades });
  }
  return { runs, benchmark };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function time(name: string, work: string, units: number, fn: () => number): BenchResult {
  fn(); // warm-up (JIT)
  const t0 = performance.now();
  const sink = fn();
  const seconds = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error(`${name}: benchmark produced NaN`);
  return { name, work, seconds, rate: units / seconds, peakRssMb: peakRssMb() };
}

export async function run(): Promise<BenchResult[]> {
  const { runs, benchmark } = makeRuns();
  const bars = STRATEGIES * BARS;
  const results: BenchResult[] = [];

  results.push(
    time('analytics.computeMetrics', `${STRATEGIES} strategies × ${BARS} daily bars + ${TRADES} trades; rate = bars/s`, bars, () => {
      let sink = 0;
      for (const r of runs) sink += computeMetrics({ timeMs: r.timeMs, equity: r.equity, trades: r.trades, periodsPerYear: 252 }).sharpe ?? 0;
      return sink;
    }),
  );

  results.push(
    time('analytics.computeMetrics.inferPeriods', `${STRATEGIES} strategies × ${BARS} bars, periods per year inferred; rate = bars/s`, bars, () => {
      let sink = 0;
      for (const r of runs) sink += computeMetrics({ timeMs: r.timeMs, equity: r.equity, trades: r.trades }).cagr ?? 0;
      return sink;
    }),
  );

  results.push(
    time('analytics.rolling', `${STRATEGIES} strategies × ${BARS} bars, 63-bar Sharpe, volatility and beta; rate = bars/s`, bars, () => {
      let sink = 0;
      for (const r of runs) {
        const ret = returnsFromEquity(r.equity);
        sink += rollingSharpe(ret, 63)[BARS - 2]! + rollingVolatility(ret, 63)[BARS - 2]! + rollingBeta(ret, benchmark, 63)[BARS - 2]!;
      }
      return sink;
    }),
  );

  results.push(
    time('analytics.report', `${STRATEGIES} strategies × ${BARS} bars: distribution, benchmark, DSR, drawdown table, calendar tables, trade stats; rate = bars/s`, bars, () => {
      let sink = 0;
      for (const r of runs) {
        const ret = returnsFromEquity(r.equity);
        sink += returnDistributionStats(ret).historicalCVaR ?? 0;
        sink += benchmarkStats(ret, benchmark).beta ?? 0;
        sink += deflatedSharpeRatio(ret, { numTrials: STRATEGIES, trialSharpeVariance: 0.3 }).dsr ?? 0;
        sink += drawdownTable(r.timeMs, r.equity, 10).length + (ulcerIndex(r.equity) ?? 0);
        sink += monthlyReturns(r.timeMs, r.equity).length + yearlyReturns(r.timeMs, r.equity).length;
        sink += tradeStats(r.trades).holdingMedianMs ?? 0;
      }
      return sink;
    }),
  );

  return results;
}
