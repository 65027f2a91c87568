// How the research pages name and format a run's metrics (the engine's metric names, docs/backtest-json.md).
import { fmtMoney, fmtNum, fmtPct } from '../../lib/format';

type Format = 'pct' | 'ratio' | 'int' | 'money' | 'num';

/** The metrics shown, in order, with their label and format; others are left out (times, the risk-free rate). */
export const METRICS: readonly (readonly [string, string, Format])[] = [
  ['totalReturn', 'Total return', 'pct'], ['cagr', 'CAGR', 'pct'], ['annualVolatility', 'Volatility (annual)', 'pct'],
  ['sharpe', 'Sharpe', 'ratio'], ['sortino', 'Sortino', 'ratio'], ['calmar', 'Calmar', 'ratio'],
  ['maxDrawdown', 'Max drawdown', 'pct'], ['maxDrawdownDurationDays', 'Longest drawdown (days)', 'int'],
  ['tradeCount', 'Trades', 'int'], ['winRate', 'Win rate', 'pct'], ['profitFactor', 'Profit factor', 'ratio'],
  ['avgWin', 'Average win', 'money'], ['avgLoss', 'Average loss', 'money'], ['expectancy', 'Expectancy', 'money'],
  ['exposure', 'Time in market', 'pct'], ['avgGrossExposure', 'Average gross exposure', 'pct'], ['turnover', 'Turnover', 'ratio'],
  ['years', 'Years', 'num'], ['bars', 'Bars', 'int'],
];

export function fmtMetric(format: Format, v: number | null | undefined): string {
  if (format === 'pct') return fmtPct(v);
  if (format === 'ratio') return fmtNum(v, 2);
  if (format === 'int') return fmtNum(v, 0);
  if (format === 'money') return fmtMoney(v);
  return fmtNum(v, 2);
}

/** A metric by name, formatted (unknown names as plain numbers). */
export function showMetric(name: string, v: number | null | undefined): string {
  return fmtMetric(METRICS.find(([n]) => n === name)?.[2] ?? 'num', v);
}

/** Params as `fast=10, slow=30`. */
export function paramsText(params: Readonly<Record<string, unknown>> | null | undefined): string {
  const e = Object.entries(params ?? {});
  return e.length === 0 ? 'defaults' : e.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
}
