// `sextant data import <source> [--symbol X] [--skip-bad-rows] [--replace]` stores bars in the
// warehouse; `sextant data list` shows what it holds (docs/warehouse.md); `sextant data download` fetches a
// venue's history into it (docs/venues/market-data.md).
import { RetryableVenueError, VenueRejectedError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import { importBars, listStoredBars, warehouseDir } from '../app/warehouse.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';
import { ibLink } from './ib-flags.ts';
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

/** Progress lines at most this often on stderr. */
const PROGRESS_EVERY_MS = 1000;

export async function runDownload(a: ParsedArgs, io: CommandIO): Promise<number> {
  // Loaded here, not at the top: `data import` and `data list` never load ccxt.
  const { checkDownloadRequest, downloadHistory } = await import('../app/download.ts');
  const quiet = bool(a, 'quiet');
  const req = {
    venue: str(a, 'venue')!, symbol: str(a, 'symbol')!, timeframe: str(a, 'timeframe') ?? '1d', from: str(a, 'from')!, to: str(a, 'to'),
    as: str(a, 'as'), baseUrl: str(a, 'base-url'), dir: warehouseDir({ dir: str(a, 'warehouse') }), ib: ibLink(a),
  };
  checkDownloadRequest(req);
  let shown = 0;
  const r = await downloadHistory({
    ...req,
    onProgress: (p) => {
      const now = Date.now();
      if (quiet || now - shown < PROGRESS_EVERY_MS) return;
      shown = now;
      io.err(`${p.symbol} ${req.timeframe}: ${p.fetched} bar(s) fetched, ${p.stored} stored, up to ${toIso(p.lastMs)} (${Math.round(p.fraction * 100)}%)`);
    },
    onRetry: (reason, attempt, ms) => {
      if (!quiet) io.err(`retrying in ${(ms / 1000).toFixed(1)} s (attempt ${attempt + 1}): ${reason}`);
    },
  }).catch((e: unknown) => {
    // The venue failed (unreachable, or it refused): a clear line, not an internal error's stack.
    if (e instanceof RetryableVenueError || e instanceof VenueRejectedError) return e;
    throw e;
  });
  if (r instanceof Error) {
    io.err(`sextant data download: ${r.message}; the bars stored so far are kept: run the same command to continue`);
    return 1;
  }
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a) || quiet) return 0;
  if (r.skipped > 0) io.out(`${r.skipped} row(s) without prices skipped (${r.venue} sends empty rows for holidays and halts)`);
  if (r.fetched === 0) io.out(`${r.storedAs}: up to date (${r.after} ${r.timeframe} bar(s) stored${r.last ? `, last ${r.last}` : ''}; nothing new from ${r.venue} up to ${r.to})`);
  else io.out(`${r.storedAs}: ${r.fetched} ${r.timeframe} bar(s) downloaded from ${r.venue} in ${r.requests} request(s); ${r.after} stored (${r.first} .. ${r.last}) in ${r.file}`);
  return 0;
}

/** `sextant data <import|list|download> <argv>` in-process (tests, scripts). */
export function dataCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['data'], argv, (def: CommandDef) => (def.path[1] === 'import' ? runImport : def.path[1] === 'download' ? runDownload : runList), out, err);
}
