// `sextant data import <source> [--symbol X] [--skip-bad-rows] [--replace]` stores bars in the
// warehouse; `sextant data list` shows what it holds (docs/warehouse.md).
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import { importBars, listStoredBars, warehouseDir } from '../app/warehouse.ts';
import { bool, parseArgs, str } from './args.ts';
import { renderTable } from './table.ts';

const USAGE = 'usage: sextant data import csv:<path> [--symbol X] [--skip-bad-rows] [--replace] | sextant data list [--json out.json]';

export const DATA_IMPORT_FLAGS = [
  { name: 'symbol', kind: 'string' },
  { name: 'skip-bad-rows', kind: 'boolean' },
  { name: 'replace', kind: 'boolean' },
  { name: 'warehouse', kind: 'string' },
] as const;

export const DATA_LIST_FLAGS = [
  { name: 'json', kind: 'string' },
  { name: 'warehouse', kind: 'string' },
] as const;

/** Skipped rows reported in detail after an import. */
const SHOW_SKIPPED = 5;

export async function dataCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return importCommand(rest, out);
  if (sub === 'list') return listCommand(rest, out);
  throw new ConfigError(sub === undefined ? USAGE : `unknown subcommand "${sub}"; ${USAGE}`, { field: 'subcommand' });
}

async function importCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, DATA_IMPORT_FLAGS);
  if (a.positional.length !== 1) throw new ConfigError(`name one source to import; ${USAGE}`, { field: 'source' });
  const dir = warehouseDir({ dir: str(a, 'warehouse') });
  const r = await importBars({ source: a.positional[0]!, symbol: str(a, 'symbol'), skipBadRows: bool(a, 'skip-bad-rows'), replace: bool(a, 'replace'), dir });
  for (const x of r.results) {
    const what = x.mode === 'replace' ? (x.before > 0 ? `replacing the ${x.before} stored` : 'new symbol') : x.before === 0 ? 'new symbol' : `${x.added} new, ${x.updated} replaced`;
    out(`${x.symbol}: ${x.imported} bar(s) imported (${what}); ${x.after} stored in ${x.file}`);
  }
  if (r.skipped > 0) {
    out(`${r.skipped} bad row(s) skipped:`);
    for (const s of r.skippedRows.slice(0, SHOW_SKIPPED)) out(`  ${s.file}:${s.line}, field "${s.field}": ${s.message}`);
    if (r.skipped > SHOW_SKIPPED) out(`  ... and ${r.skipped - SHOW_SKIPPED} more`);
  }
  return 0;
}

async function listCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, DATA_LIST_FLAGS);
  if (a.positional.length > 0) throw new ConfigError(`data list takes no arguments; ${USAGE}`, { field: a.positional[0]! });
  const dir = warehouseDir({ dir: str(a, 'warehouse') });
  const list = await listStoredBars({ dir });
  const json = str(a, 'json');
  if (json !== undefined) {
    const rows = list.map((s) => ({ symbol: s.symbol, bars: s.bars, first: toIso(s.firstMs), last: toIso(s.lastMs) }));
    writeFileSync(json, `${JSON.stringify(rows, null, 1)}\n`);
  }
  if (list.length === 0) {
    out(`the warehouse ${dir} holds no bars (import with: sextant data import csv:<path> --symbol X)`);
    return 0;
  }
  out(renderTable(['Symbol', 'Bars', 'First', 'Last'], list.map((s) => [s.symbol, String(s.bars), toIso(s.firstMs), toIso(s.lastMs)])));
  out(`${list.length} symbol(s) in ${dir}`);
  return 0;
}
