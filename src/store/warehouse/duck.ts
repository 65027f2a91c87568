// An in-process DuckDB session: opening it, loading JS columns into a temp table, writing Parquet.
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { commitFile, removeQuietly, sqlString, tempPathFor } from './layout.ts';

export type DuckApi = typeof import('@duckdb/node-api');

let api: Promise<DuckApi> | undefined;

/**
 * The DuckDB module, loaded on first use: commands that never touch the warehouse (every `--data`
 * other than `store:`) do not pay for loading the native library.
 */
export function duckApi(): Promise<DuckApi> {
  api ??= import('@duckdb/node-api');
  return api;
}

export interface DuckSession {
  readonly conn: DuckDBConnection;
  readonly api: DuckApi;
  close(): void;
}

/** An in-memory database (nothing on disk but the Parquet files it reads and writes), times shown in UTC. */
export async function openDuck(): Promise<DuckSession> {
  const duck = await duckApi();
  const instance = await duck.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return {
    conn,
    api: duck,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** A column to load: DOUBLE from numbers (NaN and null become NULL) or VARCHAR from strings. */
export type LoadColumn =
  | { readonly name: string; readonly type: 'DOUBLE'; readonly values: ArrayLike<number | null> }
  | { readonly name: string; readonly type: 'VARCHAR'; readonly values: ArrayLike<string | null> };

const CHUNK_ROWS = 2048;

/** Creates (or replaces) temp table `name` holding the columns, appended in data chunks. */
export async function loadTable(conn: DuckDBConnection, name: string, columns: readonly LoadColumn[]): Promise<void> {
  const rows = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (c.values.length !== rows) throw new InputError(`column ${c.name} has ${c.values.length} values, expected ${rows}`, { field: c.name });
  }
  const { DuckDBDataChunk, DOUBLE, VARCHAR } = await duckApi();
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
  const appender = await conn.createAppender(name);
  try {
    const types = columns.map((c) => (c.type === 'DOUBLE' ? DOUBLE : VARCHAR));
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      columns.forEach((c, ci) => {
        const vector = chunk.getColumnVector(ci);
        for (let i = 0; i < n; i++) {
          const v = c.values[start + i] ?? null;
          vector.setItem(i, typeof v === 'number' && Number.isNaN(v) ? null : v);
        }
        vector.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Writes the result of `select` to `path` as Parquet (zstd): into a dotfile first, renamed into
 * place when complete, so readers never see a half-written file.
 */
export async function copyToParquet(conn: DuckDBConnection, select: string, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await conn.run(`COPY (${select}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
    commitFile(temp, path);
  } finally {
    removeQuietly(temp);
  }
}

/** DuckDB's own message of a failed query, e.g. `Parser Error: syntax error at or near "selec"`. */
export function duckMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
