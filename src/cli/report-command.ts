// `sextant report blotter|13f|tca`: the regulatory reports of a stored run (app/reports, docs/compliance.md).
// `--csv -`, `--json -` and `--out -` put only that document on stdout; otherwise a summary is printed.
import { writeFileSync } from 'node:fs';
import { blotterCsv } from '../app/reports/blotter.ts';
import { toCsv } from '../app/reports/csv-table.ts';
import { informationTableXml } from '../app/reports/form13f.ts';
import { blotterReport, form13fReport, tcaReport } from '../app/reports/requests.ts';
import { TCA_COLUMNS } from '../app/reports/tca.ts';
import { str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { fmtNum, renderTable } from './table.ts';

/** Shown in the terminal; the files have every row. */
const MAX_ROWS = 40;

/** Writes `text` to the file a flag names, or to stdout for `-`; true when stdout took it. */
function writeDoc(a: ParsedArgs, flag: string, text: string, io: CommandIO): boolean {
  const target = str(a, flag);
  if (target === undefined) return false;
  if (target === '-') {
    io.out(text.replace(/\r?\n$/, ''));
    return true;
  }
  writeFileSync(target, text);
  return false;
}

const bps = (x: number | null): string => (x === null ? '-' : x.toFixed(2));
const px = (x: number | null): string => (x === null ? '-' : String(Number(x.toFixed(6))));

export async function runBlotter(a: ParsedArgs, io: CommandIO): Promise<number> {
  const b = await blotterReport({ runId: str(a, 'run')!, date: str(a, 'date'), timeZone: str(a, 'tz'), reference: str(a, 'reference'), stateDir: str(a, 'state-dir') });
  writeJsonFlag(a, b, io);
  const csvOnStdout = writeDoc(a, 'csv', blotterCsv(b), io);
  if (jsonOnStdout(a) || csvOnStdout) return 0;
  io.out(`blotter of run ${b.account} (${b.runKind}, venue ${b.venue}), ${b.date ?? 'every day'} (${b.timeZone}): ${b.totals.count} execution${b.totals.count === 1 ? '' : 's'}`);
  if (b.rows.length > 0) {
    io.out(renderTable(
      ['Time', 'Strategy', 'Symbol', 'Side', 'Qty', 'Price', 'Aggregate', 'Commission', 'Order'],
      b.rows.slice(0, MAX_ROWS).map((r) => [r.tradeTime, r.strategy, r.symbol, r.side, String(r.quantity), px(r.unitPrice), fmtNum(r.aggregatePrice), fmtNum(r.commission), r.clientOrderId]),
    ));
    if (b.rows.length > MAX_ROWS) io.out(`(${b.rows.length - MAX_ROWS} more rows in --csv / --json)`);
  }
  const t = b.totals;
  io.out(`totals: bought ${t.boughtQuantity} for ${fmtNum(t.boughtValue)}; sold ${t.soldQuantity} for ${fmtNum(t.soldValue)}; commission ${fmtNum(t.commission)}`);
  return 0;
}

export async function run13f(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await form13fReport({
    runIds: strs(a, 'run'), quarter: str(a, 'quarter'), date: str(a, 'date'), data: strs(a, 'data'), reference: str(a, 'reference')!, stateDir: str(a, 'state-dir'),
  });
  writeJsonFlag(a, r, io);
  const xmlOnStdout = writeDoc(a, 'out', informationTableXml(r), io);
  for (const x of r.excluded) io.err(`excluded: ${x.symbol} ${x.quantity}: ${x.reason}`);
  if (r.entries.length === 0) io.err('warning: no 13(f) holdings at the period end: a manager with none files a 13F-NT notice, and an information table needs at least one entry');
  if (jsonOnStdout(a) || xmlOnStdout) return 0;
  io.out(`Form 13F information table for the period ending ${r.periodOfReport} (runs ${r.runs.join(', ')}): ${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'}, table value $${r.tableValueTotal.toLocaleString('en-US')}`);
  if (r.entries.length > 0) {
    io.out(renderTable(
      ['Issuer', 'Class', 'CUSIP', 'Value ($)', 'Shares', 'Type', 'Put/Call', 'Discretion', 'Sole', 'Shared', 'None'],
      r.entries.map((e) => [e.nameOfIssuer, e.titleOfClass, e.cusip, e.value.toLocaleString('en-US'), String(e.sshPrnamt), e.sshPrnamtType, e.putCall ?? '', e.investmentDiscretion,
        String(e.votingAuthority.Sole), String(e.votingAuthority.Shared), String(e.votingAuthority.None)]),
    ));
  }
  if (str(a, 'out') === undefined) io.out('(write the XML with --out <file.xml>)');
  return 0;
}

export async function runTca(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await tcaReport({ runId: str(a, 'run')!, data: strs(a, 'data'), stateDir: str(a, 'state-dir') });
  writeJsonFlag(a, r, io);
  const csvOnStdout = writeDoc(a, 'csv', toCsv(TCA_COLUMNS, r.orders.map((o) => TCA_COLUMNS.map((c) => o[c]))), io);
  if (jsonOnStdout(a) || csvOnStdout) return 0;
  const t = r.totals;
  io.out(`execution quality of run ${r.account} (venue ${r.venue}; prices from ${r.data.length > 0 ? r.data.join(', ') : 'no data: arrival and VWAP unknown'}): ${t.orders} orders traded, ${r.unfilledOrders} never traded`);
  if (r.orders.length > 0) {
    io.out(renderTable(
      ['Order', 'Symbol', 'Side', 'Filled', 'Arrival', 'Avg fill', 'VWAP', 'IS', 'IS bp', 'vs VWAP bp', 'Fees'],
      r.orders.slice(0, MAX_ROWS).map((o) => [o.clientOrderId, o.symbol, o.side, String(o.filledQuantity), px(o.arrivalPrice), px(o.averageFillPrice), px(o.periodVwap),
        o.implementationShortfall === null ? '-' : fmtNum(o.implementationShortfall), bps(o.implementationShortfallBps), bps(o.vwapSlippageBps), fmtNum(o.fees)]),
    ));
    if (r.orders.length > MAX_ROWS) io.out(`(${r.orders.length - MAX_ROWS} more orders in --csv / --json)`);
  }
  io.out(`totals: filled ${fmtNum(t.filledNotional)}; implementation shortfall ${fmtNum(t.implementationShortfall)} (${bps(t.implementationShortfallBps)} bp: execution ${fmtNum(t.executionCost)}, opportunity ${fmtNum(t.opportunityCost)}, fees ${fmtNum(t.fees)}); vs VWAP ${bps(t.vwapSlippageBps)} bp${t.withoutArrival > 0 ? `; ${t.withoutArrival} orders without an arrival price` : ''}`);
  return 0;
}
