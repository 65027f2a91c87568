// `sextant risk --run run.json [--json out.json] [--confidence 0.99] [--horizon 1]`: VaR, CVaR,
// stress scenarios and limit usage of the book a backtest ended with (work in app/risk-report.ts).
import { runRiskReport, type LimitLine, type RiskReport } from '../app/risk-report.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

/** The request fields of `runRiskReport` and their flags. */
const FLAGS = { run: '--run', confidence: '--confidence', horizon: '--horizon' };

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const report = withFlags(FLAGS, () => runRiskReport({ run: str(a, 'run')!, confidence: num(a, 'confidence'), horizon: num(a, 'horizon') }));
  writeJsonFlag(a, report, io);
  if (!jsonOnStdout(a)) for (const line of renderRiskReport(report)) io.out(line);
  return Promise.resolve(0);
}

/** `sextant risk <argv>` in-process (tests, scripts). */
export function riskCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['risk'], argv, () => run, out, err);
}

function limitRow(l: LimitLine, unit: '%' | 'x'): string[] {
  const f = (x: number): string => (unit === '%' ? `${x.toFixed(2)}%` : `${x.toFixed(2)}x`);
  return [l.name, f(l.value), l.max === null ? 'exempt' : f(l.max), l.usage === null ? '-' : fmtPct(l.usage, 0), l.breached ? 'BREACH' : 'ok'];
}

/** The report as terminal lines. */
export function renderRiskReport(r: RiskReport): string[] {
  const c = `${Number((r.confidence * 100).toFixed(4))}%`;
  const lines = [
    `Risk of ${r.run} as of ${r.asOf}: equity ${fmtNum(r.equity)}, gross ${fmtNum(r.grossExposure)}, net ${fmtNum(r.netExposure)}`,
    `VaR basis: ${r.basis} (${r.returns.observations} bar returns, ${r.returns.from.slice(0, 10)} .. ${r.returns.to.slice(0, 10)}), ${c} over ${r.horizonBars} bar${r.horizonBars === 1 ? '' : 's'}`,
    '',
  ];
  if (r.positions.length > 0) {
    lines.push(renderTable(['Symbol', 'Qty', 'Last', 'Value', 'Sector', 'Class'], r.positions.map((p) => [p.symbol, String(p.qty), fmtNum(p.lastPrice), fmtNum(p.value), p.sector, p.assetClass])), '');
  } else lines.push('No open positions.', '');
  const v = r.var;
  lines.push(
    renderTable(['Method', `VaR ${c}`, 'VaR % eq', `CVaR ${c}`, 'CVaR % eq', 'Samples'], [
      ['historical', fmtNum(v.historical.var), fmtPct(v.historical.varPct), fmtNum(v.historical.cvar), fmtPct(v.historical.cvarPct), String(v.historical.samples)],
      ['parametric', fmtNum(v.parametric.var), fmtPct(v.parametric.varPct), fmtNum(v.parametric.cvar), fmtPct(v.parametric.cvarPct), String(v.parametric.samples)],
      ['monte-carlo', fmtNum(v.monteCarlo.var), fmtPct(v.monteCarlo.varPct), fmtNum(v.monteCarlo.cvar), fmtPct(v.monteCarlo.cvarPct), String(v.monteCarlo.samples)],
    ]),
    '',
    renderTable(['Stress scenario', 'PnL', '% equity'], r.stress.map((s) => [s.scenario, fmtNum(s.pnl), fmtPct(s.pnlPctOfEquity)])),
    '',
    renderTable(['Limit', 'Value', 'Max', 'Usage', ''], [
      ...r.limits.positions.map((l) => limitRow({ ...l, name: `position ${l.name}` }, '%')),
      ...r.limits.sectors.map((l) => limitRow({ ...l, name: `sector ${l.name}` }, '%')),
      limitRow({ ...r.limits.grossLeverage, name: 'gross leverage' }, 'x'),
    ]),
  );
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return lines;
}
