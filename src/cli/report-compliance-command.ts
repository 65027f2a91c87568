// `sextant report compliance --run <id> [--date D] [--tz zone] [--json <file>|-] [--csv <file>|-]`: the daily
// compliance report of a stored run (app/compliance-report.ts, docs/compliance.md).
import { writeFileSync } from 'node:fs';
import { complianceCsv, complianceReport } from '../app/compliance-report.ts';
import { str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

/** Shown in the terminal; --csv and --json have every row. */
const MAX_ROWS = 40;

/** The text after a reason's `<code>: `. */
const text = (reason: string, code: string): string => (reason.startsWith(`${code}: `) ? reason.slice(code.length + 2) : reason);

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await complianceReport({ runId: str(a, 'run')!, date: str(a, 'date'), timeZone: str(a, 'tz'), stateDir: str(a, 'state-dir') });
  writeJsonFlag(a, r, io);
  const csv = str(a, 'csv');
  if (csv === '-') io.out(complianceCsv(r).replace(/\r\n$/, ''));
  else if (csv !== undefined) writeFileSync(csv, complianceCsv(r));
  if (jsonOnStdout(a) || csv === '-') return 0;
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  io.out(`compliance report of run ${r.runId} for ${r.date} (${r.timeZone}): ${count(r.violations.length, 'violation', 'violations')}, ${count(r.nearMisses.length, 'near miss', 'near misses')}`);
  if (r.totals.length > 0) io.out(renderTable(['Code', 'Rule', 'Violations', 'Near misses'], r.totals.map((t) => [t.code, t.rule ?? '-', String(t.violations), String(t.nearMisses)])));
  if (r.violations.length > 0) {
    io.out('violations:');
    io.out(renderTable(['Time', 'Order', 'Strategy', 'Symbol', 'Side', 'Qty', 'Code', 'Reason'], r.violations.slice(0, MAX_ROWS).map((v) => [v.time, v.orderId, v.strategyId, v.symbol, v.side, String(v.qty), v.code, text(v.reason, v.code)])));
    if (r.violations.length > MAX_ROWS) io.out(`(${r.violations.length - MAX_ROWS} more in --csv / --json)`);
  }
  if (r.nearMisses.length > 0) {
    io.out('near misses:');
    io.out(renderTable(['Time', 'Order', 'Symbol', 'Side', 'Qty', 'Code', 'Used', 'Measure'], r.nearMisses.slice(0, MAX_ROWS).map((n) => [n.time, n.orderId, n.symbol, n.side, String(n.qty), n.code, `${n.usagePct}%`, n.text])));
    if (r.nearMisses.length > MAX_ROWS) io.out(`(${r.nearMisses.length - MAX_ROWS} more in --csv / --json)`);
  }
  return 0;
}
