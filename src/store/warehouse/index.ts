// The analytics warehouse: Parquet files queried with DuckDB (docs/warehouse.md).
export { Warehouse, readBarsSync, stopSyncReader, type BarSummary, type QueryColumn, type QueryResult } from './warehouse.ts';
export type { ImportMode, WriteBarsResult } from './bars.ts';
export type { RecordedRun, RunFill, RunRecord, RunTrade } from './runs.ts';
export { RUN_TABLES, barsFile, normalizeSymbol, checkRunId, type RunTable } from './layout.ts';
