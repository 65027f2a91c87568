// `sextant backtest`: the stable contract of docs/cli.md (flags, JSON schema, exit codes); a strategy that threw makes exit 3.
import { writeBacktestJson } from '../app/backtest-json.ts';
import { runBacktest, type BacktestReport } from '../app/backtest.ts';
import { startBacktestWatchdog, type BacktestWatchdog } from '../app/backtest-watchdog.ts';
import { DEFAULT_STRATEGY_TIMEOUT_SEC } from '../app/strategy-watch.ts';
import { builtinStrategyNames } from '../strategies/registry.ts';
import { bool, num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { EXIT_STRATEGY_FAILED } from './exit-codes.ts';
import { invoke } from './program.ts';
import { runRequest } from './run-flags.ts';
import { ProgressBar } from './progress.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';


export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const reportPath = str(a, 'report');
  const json = str(a, 'json');
  const quiet = bool(a, 'quiet') || json === '-';
  const progress = new ProgressBar('backtest');
  const req = { ...runRequest(a), riskFile: str(a, 'risk') };
  // User strategy code gets a watchdog (built-ins are Sextant's own code and run unwrapped, at full speed).
  const dog: BacktestWatchdog | undefined = !builtinStrategyNames().includes(req.strategy)
    ? startBacktestWatchdog(req.strategy, (num(a, 'strategy-timeout') ?? DEFAULT_STRATEGY_TIMEOUT_SEC) * 1000)
    : undefined;
  let report: BacktestReport;
  try {
    report = await runBacktest(req, { onProgress: (d, t) => progress.update(d, t) });
  } finally {
    await dog?.stop();
  }
  progress.finish();
  if (json !== undefined) withFlags({ target: '--json' }, () => writeBacktestJson(report, json));
  // The tearsheet renderer and the warehouse are loaded only when asked for (start-up of a plain backtest).
  if (reportPath !== undefined) {
    const { writeBacktestReport } = await import('../app/report.ts');
    withFlags({ path: '--report' }, () => writeBacktestReport(report, reportPath, { logScale: logScaleOf(str(a, 'report-scale')) }));
  }
  if (bool(a, 'save')) {
    const { recordBacktest } = await import('../app/warehouse.ts');
    const saved = await recordBacktest(report);
    if (!quiet) io.out(`saved as run ${saved.runId} in the warehouse (sextant sql "select * from runs")`);
  }
  if (!quiet) io.out(summarize(report));
  if (report.strategyErrors.length > 0) {
    const first = report.strategyErrors[0]!;
    io.err(`sextant backtest: the strategy failed ${report.strategyErrors.length} time(s); first at ${first.time}: ${first.message} (exit ${EXIT_STRATEGY_FAILED})`);
    return EXIT_STRATEGY_FAILED;
  }
  return 0;
}

/** `--report-scale`: log, linear, or auto (the default; the flag's choices are checked by the parser). */
function logScaleOf(scale: string | undefined): boolean | 'auto' {
  return scale === 'log' ? true : scale === 'linear' ? false : 'auto';
}

/** `sextant backtest <argv>` in-process (tests, scripts). */
export function backtestCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['backtest'], argv, () => run, out, err);
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
