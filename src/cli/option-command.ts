// `sextant option --type call|put --spot S --strike K --days D [--rate r] [--vol v] [--div q] [--price P] [--json <file>|-]`.
import { runOption } from '../app/option.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = runOption({
    type: str(a, 'type')!, spot: num(a, 'spot')!, strike: num(a, 'strike')!, days: num(a, 'days')!,
    rate: num(a, 'rate') ?? 0, vol: num(a, 'vol'), div: num(a, 'div'), price: num(a, 'price'),
  });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const g = r.greeks;
  io.out(renderTable(['', 'value'], [
    ['price', g.price.toFixed(6)], ['implied vol', r.impliedVol === null ? '-' : r.impliedVol.toFixed(6)], ['delta', g.delta.toFixed(6)], ['gamma', g.gamma.toFixed(6)],
    ['vega (per 1.00)', g.vega.toFixed(6)], ['theta (per day)', g.thetaPerDay.toFixed(6)], ['rho', g.rho.toFixed(6)],
  ]));
  return Promise.resolve(0);
}
