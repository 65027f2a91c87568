// The views users query (`bars`, `runs`, `trades`, `fills`, `equity`) over the files on disk.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { RUN_TABLES } from './layout.ts';
import { barPartitions, parquetFiles, sqlFileList } from './layout.ts';
import { RUN_SCHEMAS } from './runs.ts';

const BARS_SCHEMA: readonly (readonly [string, string])[] = [
  ['symbol', 'VARCHAR'], ['time', 'TIMESTAMP'], ['open', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'], ['volume', 'DOUBLE'],
];

/** A view with the table's columns and no rows, for a table without files yet. */
function emptySelect(schema: readonly (readonly [string, string])[]): string {
  return `SELECT ${schema.map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`).join(', ')} WHERE false`;
}

/**
 * (Re)creates the five views from the files now on disk. Files are listed explicitly (no globs), so
 * a session sees the warehouse as it was when the views were made; `Warehouse` refreshes them after
 * its own writes.
 */
export async function createViews(conn: DuckDBConnection, root: string): Promise<void> {
  const barFiles = barPartitions(root).flatMap((p) => p.files);
  const columns = BARS_SCHEMA.map(([name]) => `"${name}"`).join(', ');
  const bars = barFiles.length === 0
    ? emptySelect(BARS_SCHEMA)
    : `SELECT ${columns} FROM read_parquet(${sqlFileList(barFiles)}, hive_partitioning = true, hive_types = {'symbol': VARCHAR})`;
  await conn.run(`CREATE OR REPLACE VIEW bars AS ${bars}`);
  for (const table of RUN_TABLES) {
    const files = parquetFiles(join(root, table));
    const select = files.length === 0 ? emptySelect(RUN_SCHEMAS[table]) : `SELECT * FROM read_parquet(${sqlFileList(files)}, union_by_name = true)`;
    await conn.run(`CREATE OR REPLACE VIEW ${table} AS ${select}`);
  }
}
