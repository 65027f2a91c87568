// Bars in the warehouse: one Parquet file per symbol (`bars/symbol=<SYM>/bars.parquet`), rewritten
// atomically on each import so that merged history never holds a time twice.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConfigError, InputError } from '../../core/errors.ts';
import { BarSeries } from '../../model/bar.ts';
import { copyToParquet, loadTable } from './duck.ts';
import { barsFile, parquetFiles, removeQuietly, sqlFileList, symbolDir } from './layout.ts';
import { isProcessAlive } from '../../core/pid.ts';

/** `merge`: union by time, an imported bar replacing a stored one at the same time; `replace`: drop what was stored. */
export type ImportMode = 'merge' | 'replace';

export interface WriteBarsResult {
  readonly symbol: string;
  readonly mode: ImportMode;
  /** Bars given to the import. */
  readonly imported: number;
  /** Bars stored for the symbol before and after. */
  readonly before: number;
  readonly after: number;
  /** Imported bars at a time not stored before. */
  readonly added: number;
  /** Stored bars replaced by an imported bar at the same time (merge only). */
  readonly updated: number;
  readonly file: string;
}

const BAR_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** The SQL returning a symbol's bars as six DOUBLE columns (time in epoch ms), in time order. */
export function readBarsSql(files: readonly string[]): string {
  const cols = BAR_COLUMNS.map((c) => `CAST("${c}" AS DOUBLE) AS "${c}"`).join(', ');
  return `SELECT CAST(epoch_ms(CAST("time" AS TIMESTAMP)) AS DOUBLE) AS t, ${cols} FROM read_parquet(${sqlFileList(files)}) ORDER BY t`;
}

/** Checks a series before it is stored: whole-millisecond, strictly increasing times and finite values. */
function checkSeries(s: BarSeries): void {
  const where = (i: number, field: string): { file: string; field: string } => ({ file: `${s.symbol} bar ${i + 1}`, field });
  if (s.length === 0) throw new InputError('no bars to store', { file: s.symbol });
  for (let i = 0; i < s.length; i++) {
    const t = s.time[i]!;
    if (!Number.isSafeInteger(t)) throw new InputError(`time ${t} is not a whole number of epoch milliseconds`, where(i, 'time'));
    if (i > 0 && !(t > s.time[i - 1]!)) throw new InputError(`time ${new Date(t).toISOString()} is not after the previous bar's`, where(i, 'time'));
    for (const c of BAR_COLUMNS) {
      if (!Number.isFinite(s[c][i]!)) throw new InputError(`${c} is ${s[c][i]}`, where(i, c));
    }
  }
}

/** Stores a symbol's bars (see `ImportMode`); `series.symbol` must already be normalised. */
export async function writeBars(conn: DuckDBConnection, root: string, series: BarSeries, mode: ImportMode): Promise<WriteBarsResult> {
  checkSeries(series);
  const symbol = series.symbol;
  const dir = symbolDir(root, symbol);
  mkdirSync(dir, { recursive: true });
  const release = lockDir(dir, symbol);
  try {
    const n = series.length;
    await loadTable(conn, 'incoming', [
      { name: 't', type: 'DOUBLE', values: series.time.subarray(0, n) },
      ...BAR_COLUMNS.map((c) => ({ name: c, type: 'DOUBLE' as const, values: series[c].subarray(0, n) })),
    ]);
    const old = parquetFiles(dir);
    const incoming = `SELECT epoch_ms(CAST(t AS BIGINT)) AS "time", ${BAR_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM incoming`;
    const stored = old.length === 0 ? undefined : `SELECT CAST("time" AS TIMESTAMP) AS "time", ${BAR_COLUMNS.map((c) => `CAST("${c}" AS DOUBLE) AS "${c}"`).join(', ')} FROM read_parquet(${sqlFileList(old)})`;
    let before = 0;
    let updated = 0;
    if (stored !== undefined) {
      const r = await conn.runAndReadAll(`SELECT CAST(count(*) AS DOUBLE), CAST(count(*) FILTER (WHERE "time" IN (SELECT "time" FROM (${incoming}))) AS DOUBLE) FROM (${stored})`);
      before = r.getRows()[0]![0] as number;
      updated = mode === 'merge' ? (r.getRows()[0]![1] as number) : 0;
    }
    const select = mode === 'replace' || stored === undefined
      ? `${incoming} ORDER BY "time"`
      : `SELECT * FROM (${incoming} UNION ALL SELECT * FROM (${stored}) WHERE "time" NOT IN (SELECT "time" FROM (${incoming}))) ORDER BY "time"`;
    const file = barsFile(root, symbol);
    await copyToParquet(conn, select, file);
    for (const f of old) if (f !== file) removeQuietly(f);
    await conn.run('DROP TABLE incoming');
    const added = mode === 'merge' ? n - updated : n;
    return { symbol, mode, imported: n, before, after: mode === 'merge' ? before + added : n, added: mode === 'merge' ? added : n, updated, file };
  } finally {
    release();
  }
}

/** Six DOUBLE columns (time, open, high, low, close, volume) as read back -> a checked BarSeries (timeframe 0). */
export function seriesFromColumns(symbol: string, columns: readonly Float64Array[], source: string): BarSeries {
  const [time, open, high, low, close, volume] = columns;
  if (columns.length !== 6 || !time || !open || !high || !low || !close || !volume) {
    throw new InputError(`expected 6 bar columns, read ${columns.length}`, { file: source });
  }
  const n = time.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(time[i]!)) throw new InputError(`a bar has no time`, { file: source, field: 'time' });
    if (i > 0 && !(time[i]! > time[i - 1]!)) {
      throw new InputError(`time ${new Date(time[i]!).toISOString()} is stored twice; re-import ${symbol} with --replace`, { file: source, field: 'time' });
    }
  }
  BAR_COLUMNS.forEach((c, k) => {
    const col = columns[k + 1]!;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(col[i]!)) throw new InputError(`the bar at ${new Date(time[i]!).toISOString()} has no ${c}`, { file: source, field: c });
    }
  });
  return new BarSeries(symbol, n, 0, { time, open, high, low, close, volume });
}

/** The symbol's folder and files, or a ConfigError naming the stored symbols when there is none. */
export function barFilesOf(root: string, symbol: string, known: () => string[], field = 'symbol'): { dir: string; files: string[] } {
  const dir = symbolDir(root, symbol);
  const files = parquetFiles(dir);
  if (files.length === 0) {
    const list = known();
    throw new ConfigError(
      `no bars of ${symbol} in the warehouse ${root}; ${list.length ? `stored: ${list.join(', ')}` : 'it holds no bars'} (import with: sextant data import csv:<path> --symbol ${symbol})`,
      { field },
    );
  }
  return { dir, files };
}

/**
 * An exclusive lock on a symbol folder for the time of an import (`.lock` holding the pid), so two
 * imports of one symbol cannot lose each other's bars. A lock left by a dead process is taken over.
 */
function lockDir(dir: string, symbol: string): () => void {
  const path = join(dir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(existsSync(path) ? readFileSync(path, 'utf8').trim() : NaN);
      if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
        throw new ConfigError(`another import of ${symbol} is running (process ${pid}); try again when it is done`, { file: path });
      }
      rmSync(path, { force: true });
    }
  }
  throw new ConfigError(`cannot lock ${symbol} for the import`, { file: path });
}

