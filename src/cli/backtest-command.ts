// `sextant backtest`: DESIGN §8's contract (flags, JSON schema, exit codes).
import { writeBacktestJson } from '../app/backtest-json.ts';
import { runBacktest, type BacktestReport } from '../app/backtest.ts';
import { recordBacktest } from '../app/warehouse.ts';
import { writeBacktestReport } from '../app/report.ts';
import { bool, parseArgs, str, type FlagSpec } from './args.ts';
import { RUN_FLAGS, runRequest } from './run-flags.ts';
import { ProgressBar } from './progress.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

export const BACKTEST_FLAGS: readonly FlagSpec[] = [
  ...RUN_FLAGS,
  { name: 'json', kind: 'string' },
  { name: 'report', kind: 'string' },
  { name: 'quiet', kind: 'boolean' },
  { name: 'risk', kind: 'string' },
  { name: 'save', kind: 'boolean' },
];

export async function backtestCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, BACKTEST_FLAGS);
  const reportPath = str(a, 'report');
  const progress = new ProgressBar('backtest');
  const report = await runBacktest(
    { ...runRequest(a), riskFile: str(a, 'risk') },
    { onProgress: (d, t) => progress.update(d, t) },
  );
  progress.finish();
  const json = str(a, 'json');
  if (json !== undefined) writeBacktestJson(report, json);
  if (reportPath !== undefined) writeBacktestReport(report, reportPath);
  if (bool(a, 'save')) {
    const saved = await recordBacktest(report);
    if (!bool(a, 'quiet')) out(`saved as run ${saved.runId} in the warehouse (sextant sql "select * from runs")`);
  }
  if (!bool(a, 'quiet')) out(summarize(report));
  return 0;
}

export function summarize(r: BacktestReport): string {
  const m = r.metrics;
  const b = r.benchmark?.metrics;
  const rows: [string, string, string][] = [
    ['Final value', fmtNum(r.finalValue), fmtNum(r.benchmark?.finalValue)],
    ['Total return', fmtPct(m.totalReturn), fmtPct(b?.totalReturn)],
    ['CAGR', fmtPct(m.cagr), fmtPct(b?.cagr)],
    ['Annual volatility', fmtPct(m.annualVolatility), fmtPct(b?.annualVolatility)],
    ['Sharpe', fmtNum(m.sharpe), fmtNum(b?.sharpe)],
    ['Sortino', fmtNum(m.sortino), fmtNum(b?.sortino)],
    ['Max drawdown', fmtPct(m.maxDrawdown), fmtPct(b?.maxDrawdown)],
    ['Max DD duration (days)', String(m.maxDrawdownDurationDays), b ? String(b.maxDrawdownDurationDays) : '-'],
    ['Calmar', fmtNum(m.calmar), fmtNum(b?.calmar)],
    ['Trades', String(m.tradeCount), b ? String(b.tradeCount) : '-'],
    ['Win rate', fmtPct(m.winRate), fmtPct(b?.winRate)],
    ['Profit factor', fmtNum(m.profitFactor), fmtNum(b?.profitFactor)],
    ['Expectancy', fmtNum(m.expectancy), fmtNum(b?.expectancy)],
    ['Exposure', fmtPct(m.exposure), fmtPct(b?.exposure)],
    ['Turnover', fmtNum(m.turnover), fmtNum(b?.turnover)],
  ];
  const lines = [
    `${String(r.params.strategy)} on ${(r.params.data as string[]).join(', ')}: ${r.bars} bars in ${r.runSeconds.toFixed(4)} s`,
    renderTable(['Metric', 'Strategy', 'Buy & hold'], rows),
  ];
  if (r.rejectedOrders.length) lines.push(`${r.rejectedOrders.length} order(s) rejected or denied (see --json rejectedOrders)`);
  if (r.skippedRows) lines.push(`${r.skippedRows} bad row(s) skipped`);
  for (const e of r.strategyErrors) lines.push(`strategy error at ${e.time}: ${e.message}`);
  return lines.join('\n');
}
