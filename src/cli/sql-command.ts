// `sextant sql "<query>" [--json out.json] [--csv out.csv]`: SQL over the warehouse views
// (bars, runs, trades, fills, equity; docs/warehouse.md). Bad SQL is an input error (exit 2).
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, InputError } from '../core/errors.ts';
import { runSql, warehouseDir, type QueryResult } from '../app/warehouse.ts';
import { bool, num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout } from './output.ts';
import { invoke } from './program.ts';
import { renderTable } from './table.ts';

const DEFAULT_MAX_ROWS = 100;

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const file = str(a, 'file');
  if (file !== undefined && a.positional.length > 0) throw new ConfigError('give the query as an argument or with --file, not both', { field: '--file' });
  const sql = file !== undefined ? readQueryFile(file) : a.positional.join(' ');
  if (sql.trim() === '') throw new ConfigError('usage: sextant sql "select ... from bars" [--json out.json] [--csv out.csv] (views: bars, runs, trades, fills, equity)', { field: 'sql' });
  const maxRows = num(a, 'max-rows') ?? DEFAULT_MAX_ROWS;

  const result = await runSql(sql, { dir: warehouseDir({ dir: str(a, 'warehouse') }) });
  const json = str(a, 'json');
  if (json === '-') io.out(JSON.stringify(result.json, null, 1));
  else if (json !== undefined) writeFileSync(json, `${JSON.stringify(result.json, null, 1)}\n`);
  const csv = str(a, 'csv');
  if (csv !== undefined) writeFileSync(csv, toCsv(result));
  if (!bool(a, 'quiet') && !jsonOnStdout(a)) io.out(formatResult(result, maxRows));
  return 0;
}

/** `sextant sql <argv>` in-process (tests, scripts). */
export function sqlCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['sql'], argv, () => run, out, err);
}

function readQueryFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the query: ${(e as Error).message}`, { file: path });
  }
}

/** A text table of the first `maxRows` rows (NULL shown as `NULL`) and the row count. */
export function formatResult(r: QueryResult, maxRows: number): string {
  if (r.columns.length === 0) return 'done (no result columns)';
  const shown = r.rows.slice(0, maxRows).map((row) => row.map((v) => v ?? 'NULL'));
  const lines = [renderTable(r.columns.map((c) => c.name), shown)];
  const hidden = r.rows.length - shown.length;
  if (hidden > 0) lines.push(`... ${hidden} more row(s): raise --max-rows or write them all with --csv / --json`);
  lines.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
  return lines.join('\n');
}

/** RFC 4180 CSV: a header of column names, values as DuckDB prints them, NULL as an empty field. */
export function toCsv(r: QueryResult): string {
  const cell = (v: string | null): string => (v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [r.columns.map((c) => cell(c.name)), ...r.rows.map((row) => row.map(cell))].map((cells) => `${cells.join(',')}\n`).join('');
}
