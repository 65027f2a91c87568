// `sextant data import <source> [--symbol X] [--skip-bad-rows] [--replace]` stores bars in the
// warehouse; `sextant data list` shows what it holds (docs/warehouse.md).
import { toIso } from '../core/time.ts';
import { importBars, listStoredBars, warehouseDir } from '../app/warehouse.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import type { CommandDef } from './spec.ts';
import { renderTable } from './table.ts';

/** Skipped rows reported in detail after an import. */
const SHOW_SKIPPED = 5;

export async function runImport(a: ParsedArgs, io: CommandIO): Promise<number> {
  const dir = warehouseDir({ dir: str(a, 'warehouse') });
  const r = await importBars({ source: a.positional[0]!, symbol: str(a, 'symbol'), skipBadRows: bool(a, 'skip-bad-rows'), replace: bool(a, 'replace'), dir });
  for (const x of r.results) {
    const what = x.mode === 'replace' ? (x.before > 0 ? `replacing the ${x.before} stored` : 'new symbol') : x.before === 0 ? 'new symbol' : `${x.added} new, ${x.updated} replaced`;
    io.out(`${x.symbol}: ${x.imported} bar(s) imported (${what}); ${x.after} stored in ${x.file}`);
  }
  if (r.skipped > 0) {
    io.out(`${r.skipped} bad row(s) skipped:`);
    for (const s of r.skippedRows.slice(0, SHOW_SKIPPED)) io.out(`  ${s.file}:${s.line}, field "${s.field}": ${s.message}`);
    if (r.skipped > SHOW_SKIPPED) io.out(`  ... and ${r.skipped - SHOW_SKIPPED} more`);
  }
  return 0;
}

export async function runList(a: ParsedArgs, io: CommandIO): Promise<number> {
  const dir = warehouseDir({ dir: str(a, 'warehouse') });
  const list = await listStoredBars({ dir });
  writeJsonFlag(a, list.map((s) => ({ symbol: s.symbol, bars: s.bars, first: toIso(s.firstMs), last: toIso(s.lastMs) })), io);
  if (jsonOnStdout(a)) return 0;
  if (list.length === 0) {
    io.out(`the warehouse ${dir} holds no bars (import with: sextant data import csv:<path> --symbol X)`);
    return 0;
  }
  io.out(renderTable(['Symbol', 'Bars', 'First', 'Last'], list.map((s) => [s.symbol, String(s.bars), toIso(s.firstMs), toIso(s.lastMs)])));
  io.out(`${list.length} symbol(s) in ${dir}`);
  return 0;
}

/** `sextant data <import|list> <argv>` in-process (tests, scripts). */
export function dataCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['data'], argv, (def: CommandDef) => (def.path[1] === 'import' ? runImport : runList), out, err);
}
