// Where the warehouse keeps its Parquet files (docs/warehouse.md), and the names allowed in paths.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';

/** Tables recorded per backtest run: one Parquet file per run in each folder. */
export const RUN_TABLES = ['runs', 'trades', 'fills', 'equity'] as const;
export type RunTable = (typeof RUN_TABLES)[number];

const SYMBOL = /^[\p{L}\p{N}^][\p{L}\p{N}._^=+&/-]*$/u;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A symbol as stored: trimmed and upper-cased (as CSV symbols are), 1–64 letters, digits and
 * `. _ ^ = + & / -`, starting with a letter, digit or `^`.
 */
export function normalizeSymbol(raw: string, field = 'symbol'): string {
  const s = raw.trim().toUpperCase();
  if (s.length === 0 || s.length > 64 || !SYMBOL.test(s)) {
    throw new ConfigError(`bad symbol "${raw}": use 1-64 letters, digits and . _ ^ = + & / - (starting with a letter, digit or ^)`, { field });
  }
  return s;
}

export function checkRunId(id: string, field = 'runId'): string {
  if (id.length === 0 || id.length > 128 || !RUN_ID.test(id)) {
    throw new ConfigError(`bad run id "${id}": use 1-128 letters, digits and . _ - (starting with a letter or digit)`, { field });
  }
  return id;
}

/** `bars/symbol=<SYM>`: Hive-style, the value percent-encoded as DuckDB writes and decodes it. */
export function symbolDir(root: string, symbol: string): string {
  return join(root, 'bars', `symbol=${encodeURIComponent(symbol)}`);
}

/** The one file holding a symbol's bars. */
export function barsFile(root: string, symbol: string): string {
  return join(symbolDir(root, symbol), 'bars.parquet');
}

export function runFile(root: string, table: RunTable, runId: string): string {
  return join(root, table, `${runId}.parquet`);
}

/** `*.parquet` files of a folder (not dotfiles, so not files being written), sorted; none when it is missing. */
export function parquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Every symbol folder of the warehouse with its Parquet files (folders without any are left out). */
export function barPartitions(root: string): { symbol: string; files: string[] }[] {
  const dir = join(root, 'bars');
  if (!existsSync(dir)) return [];
  const out: { symbol: string; files: string[] }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('symbol=')) continue;
    const files = parquetFiles(join(dir, e.name));
    if (files.length === 0) continue;
    let symbol: string;
    try {
      symbol = decodeURIComponent(e.name.slice('symbol='.length));
    } catch {
      continue;
    }
    out.push({ symbol, files });
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** A dotfile next to `finalPath` to write into before renaming it into place. */
export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Renames a finished temp file over `finalPath` (atomic on one file system). */
export function commitFile(tempPath: string, finalPath: string): void {
  renameSync(tempPath, finalPath);
}

export function removeQuietly(path: string): void {
  rmSync(path, { force: true });
}

/** A single-quoted SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** `['a', 'b']`: an explicit file list for read_parquet (no glob, so no escaping of `*`, `?`, `[`). */
export function sqlFileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}
