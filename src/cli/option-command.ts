// `sextant option --type call|put --spot S --strike K --days D --rate r --vol v [--div q] [--price P] [--json [file]]`.
import { writeFileSync } from 'node:fs';
import { runOption } from '../app/option.ts';
import { num, parseArgs, str } from './args.ts';
import { renderTable } from './table.ts';

export async function optionCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [
    { name: 'type', kind: 'string' }, { name: 'spot', kind: 'number' }, { name: 'strike', kind: 'number' }, { name: 'days', kind: 'number' },
    { name: 'rate', kind: 'number' }, { name: 'vol', kind: 'number' }, { name: 'div', kind: 'number' }, { name: 'price', kind: 'number' },
    { name: 'json', kind: 'boolean' }, { name: 'out', kind: 'string' },
  ]);
  const r = runOption({
    type: str(a, 'type') ?? '', spot: num(a, 'spot') ?? NaN, strike: num(a, 'strike') ?? NaN, days: num(a, 'days') ?? NaN,
    rate: num(a, 'rate') ?? 0, vol: num(a, 'vol'), div: num(a, 'div'), price: num(a, 'price'),
  });
  const file = str(a, 'out');
  if (file !== undefined) writeFileSync(file, `${JSON.stringify(r, null, 1)}\n`);
  if (a.flags.has('json')) {
    out(JSON.stringify(r, null, 1));
    return 0;
  }
  const g = r.greeks;
  out(renderTable(['', 'value'], [
    ['price', g.price.toFixed(6)], ['implied vol', r.impliedVol === null ? '-' : r.impliedVol.toFixed(6)], ['delta', g.delta.toFixed(6)], ['gamma', g.gamma.toFixed(6)],
    ['vega (per 1.00)', g.vega.toFixed(6)], ['theta (per day)', g.thetaPerDay.toFixed(6)], ['rho', g.rho.toFixed(6)],
  ]));
  return 0;
}
