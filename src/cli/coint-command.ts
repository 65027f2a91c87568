// `sextant coint --data csv:A --data csv:B [--json out.json]`.
import { writeFileSync } from 'node:fs';
import { runCoint } from '../app/coint.ts';
import { bool, parseArgs, str, strs } from './args.ts';
import { renderTable } from './table.ts';

export async function cointCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [{ name: 'data', kind: 'string', repeat: true }, { name: 'json', kind: 'string' }, { name: 'skip-bad-rows', kind: 'boolean' }]);
  const r = runCoint(strs(a, 'data'), { skipBadRows: bool(a, 'skip-bad-rows') });
  const json = str(a, 'json');
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(r, null, 1)}\n`);
  const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
  out(renderTable(['Series', 'Bars', 'ADF stat', 'p-value', 'Lag', '5% crit'], r.series.map((s) => [s.symbol, String(s.bars), f(s.adf.stat), f(s.adf.pValue), String(s.adf.usedLag), f(s.adf.criticalValues['5%'])])));
  const eg = r.engleGranger;
  out(`\nEngle-Granger over ${r.overlap.bars} common bars (${r.overlap.from.slice(0, 10)} .. ${r.overlap.to.slice(0, 10)}): stat ${f(eg.stat)}, p-value ${f(eg.pValue)}, hedge ratio ${f(eg.hedgeRatio)}, 5% critical ${f(eg.criticalValues['5%'])}`);
  return Promise.resolve(0);
}
