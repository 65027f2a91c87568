// `sextant coint --data csv:A --data csv:B [--json out.json]`.
import { runCoint } from '../app/coint.ts';
import { bool, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = runCoint(strs(a, 'data'), { skipBadRows: bool(a, 'skip-bad-rows') });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
  io.out(renderTable(['Series', 'Bars', 'ADF stat', 'p-value', 'Lag', '5% crit'], r.series.map((s) => [s.symbol, String(s.bars), f(s.adf.stat), f(s.adf.pValue), String(s.adf.usedLag), f(s.adf.criticalValues['5%'])])));
  const eg = r.engleGranger;
  io.out(`\nEngle-Granger over ${r.overlap.bars} common bars (${r.overlap.from.slice(0, 10)} .. ${r.overlap.to.slice(0, 10)}): stat ${f(eg.stat)}, p-value ${f(eg.pValue)}, hedge ratio ${f(eg.hedgeRatio)}, 5% critical ${f(eg.criticalValues['5%'])}`);
  return Promise.resolve(0);
}
