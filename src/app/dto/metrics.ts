// The headline metrics of a run (docs/metrics.md), as `backtest --json` `metrics` and `benchmark.metrics` carry
// them. A metric undefined for the run (Sharpe without volatility) is null. The analytics layer computes them
// (`PerformanceMetrics`); a test holds this schema's type equal to it.
import { z } from 'zod';

const num = z.number();
const maybe = z.number().nullable();

export const MetricsSchema = z.object({
  bars: num,
  startMs: maybe,
  endMs: maybe,
  years: num,
  periodsPerYear: num,
  riskFreeRate: num,
  totalReturn: maybe,
  cagr: maybe,
  annualVolatility: maybe,
  sharpe: maybe,
  sortino: maybe,
  maxDrawdown: maybe,
  maxDrawdownDurationBars: num,
  maxDrawdownDurationDays: num,
  calmar: maybe,
  tradeCount: num,
  winRate: maybe,
  profitFactor: maybe,
  avgWin: maybe,
  avgLoss: maybe,
  expectancy: maybe,
  exposure: maybe,
  avgGrossExposure: maybe,
  turnover: maybe,
});
export type MetricsDto = z.infer<typeof MetricsSchema>;
