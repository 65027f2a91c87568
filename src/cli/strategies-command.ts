// `sextant strategies`: every strategy with its params and defaults.
import { describeStrategies } from '../app/strategy-catalog.ts';
import type { CommandIO, ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const list = describeStrategies().map(({ schema: _schema, ...rest }) => rest);
  writeJsonFlag(a, list, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const rows = list.map((s) => [s.name, s.params.map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(' ') || '-', s.description]);
  io.out(renderTable(['Strategy', 'Params (defaults)', 'Rules'], rows));
  return Promise.resolve(0);
}
