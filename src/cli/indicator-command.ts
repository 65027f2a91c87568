// `sextant indicator <name> --data <source> [--param k=v]... [--other <source>] [--json out.json]`;
// `sextant indicator --list` lists them.
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { listIndicators, runIndicatorRequest } from '../app/indicator.ts';
import { bool, keyValues, parseArgs, str, strs } from './args.ts';
import { renderTable } from './table.ts';

export async function indicatorCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [
    { name: 'data', kind: 'string' }, { name: 'param', kind: 'string', repeat: true }, { name: 'other', kind: 'string' },
    { name: 'json', kind: 'string' }, { name: 'list', kind: 'boolean' }, { name: 'skip-bad-rows', kind: 'boolean' },
  ]);
  if (bool(a, 'list')) {
    out(renderTable(['Indicator', 'Outputs', 'Params (defaults)', 'Title'], listIndicators().map((d) => [d.name, d.outputs.join(', '), JSON.stringify(d.schema.parse({})), d.title])));
    return Promise.resolve(0);
  }
  const name = a.positional[0];
  if (name === undefined) throw new ConfigError('name an indicator: sextant indicator <name> --data <source> (see --list)', { field: 'name' });
  const r = runIndicatorRequest({ name, data: str(a, 'data') ?? 'synthetic', params: keyValues(strs(a, 'param'), '--param'), other: str(a, 'other'), skipBadRows: bool(a, 'skip-bad-rows') });
  const json = str(a, 'json');
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(r)}\n`);
  const last = (vs: (number | null)[]): string => String(vs[vs.length - 1] ?? 'null');
  const summary = Array.isArray(r.values) ? `last ${last(r.values)}` : Object.entries(r.values).map(([k, v]) => `${k} ${last(v)}`).join(', ');
  out(`${r.name} ${JSON.stringify(r.params)}: ${Array.isArray(r.values) ? r.values.length : Object.values(r.values)[0]!.length} values; ${summary}`);
  return Promise.resolve(0);
}
