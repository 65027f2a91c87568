// `sextant indicator <name> --data <source> [--param k=v]... [--other <source>] [--json out.json]`;
// `sextant indicator --list` lists them.
import { ConfigError } from '../core/errors.ts';
import { listIndicators, runIndicatorRequest } from '../app/indicator.ts';
import { bool, keyValues, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const name = a.positional[0];
  if (bool(a, 'list')) {
    if (name !== undefined) throw new ConfigError(`--list takes no indicator name, got "${name}"`, { field: '--list' });
    io.out(renderTable(['Indicator', 'Outputs', 'Params (defaults)', 'Title'], listIndicators().map((d) => [d.name, d.outputs.join(', '), JSON.stringify(d.schema.parse({})), d.title])));
    return Promise.resolve(0);
  }
  if (name === undefined) throw new ConfigError('name an indicator: sextant indicator <name> --data <source> (see --list)', { field: 'name' });
  const r = runIndicatorRequest({ name, data: str(a, 'data') ?? 'synthetic', params: keyValues(strs(a, 'param'), '--param'), other: str(a, 'other'), skipBadRows: bool(a, 'skip-bad-rows') });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const last = (vs: (number | null)[]): string => String(vs[vs.length - 1] ?? 'null');
  const summary = Array.isArray(r.values) ? `last ${last(r.values)}` : Object.entries(r.values).map(([k, v]) => `${k} ${last(v)}`).join(', ');
  io.out(`${r.name} ${JSON.stringify(r.params)}: ${Array.isArray(r.values) ? r.values.length : Object.values(r.values)[0]!.length} values; ${summary}`);
  return Promise.resolve(0);
}
