// Backtest runs in the warehouse: one Parquet file per run in each of runs/, trades/, fills/, equity/.
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConfigError, InputError } from '../../core/errors.ts';
import type { Fill } from '../../model/fill.ts';
import type { RoundTrip } from '../../portfolio/trade-tracker.ts';
import { copyToParquet, loadTable, type LoadColumn } from './duck.ts';
import { RUN_TABLES, checkRunId, runFile, sqlString, type RunTable } from './layout.ts';

/** One closed trade of a stored run: the trade tracker's round trip without its bar count. */
export type RunTrade = Omit<RoundTrip, 'bars'>;

/** One fill of a stored run: the model's `Fill` fields the `fills` table keeps, its time as `timeMs`. */
export type RunFill = Pick<Fill, 'symbol' | 'side' | 'price' | 'qty' | 'commission'> & { readonly timeMs: number };

/** One backtest as the warehouse stores it. */
export interface RunRecord {
  readonly runId: string;
  readonly recordedAtMs: number;
  readonly strategy: string;
  readonly data: readonly string[];
  /** Every parameter of the run (stored as JSON). */
  readonly params: unknown;
  readonly bars: number;
  readonly finalValue: number;
  readonly finalCash: number;
  readonly skippedRows: number;
  /**
   * Headline metrics: each becomes a column, named in snake_case (`maxDrawdown` -> `max_drawdown`);
   * `...Ms` times become TIMESTAMP columns named `..._time` (`startMs` -> `start_time`).
   */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Stored as JSON (null when there is none). */
  readonly benchmark: unknown;
  readonly trades: readonly RunTrade[];
  readonly fills: readonly RunFill[];
  readonly equity: { readonly timeMs: ArrayLike<number>; readonly equity: ArrayLike<number> };
}

export interface RecordedRun {
  readonly runId: string;
  readonly files: Readonly<Record<RunTable, string>>;
}

/** Fixed columns of `runs`, in order; metric columns follow `skipped_rows`. */
const RUN_FIXED = ['run_id', 'recorded_at', 'strategy', 'data', 'params', 'bars', 'final_value', 'final_cash', 'skipped_rows', 'fill_count', 'benchmark', 'metrics'];

/** Column types of the tables, for the views of an empty warehouse. */
export const RUN_SCHEMAS: Readonly<Record<RunTable, readonly (readonly [string, string])[]>> = {
  runs: [
    ['run_id', 'VARCHAR'], ['recorded_at', 'TIMESTAMP'], ['strategy', 'VARCHAR'], ['data', 'VARCHAR[]'], ['params', 'JSON'], ['bars', 'BIGINT'],
    ['final_value', 'DOUBLE'], ['final_cash', 'DOUBLE'], ['skipped_rows', 'BIGINT'], ['fill_count', 'BIGINT'], ['benchmark', 'JSON'], ['metrics', 'JSON'],
  ],
  trades: [
    ['run_id', 'VARCHAR'], ['trade_no', 'BIGINT'], ['symbol', 'VARCHAR'], ['side', 'VARCHAR'], ['entry_time', 'TIMESTAMP'], ['entry_price', 'DOUBLE'],
    ['exit_time', 'TIMESTAMP'], ['exit_price', 'DOUBLE'], ['qty', 'DOUBLE'], ['pnl', 'DOUBLE'], ['commission', 'DOUBLE'],
  ],
  fills: [
    ['run_id', 'VARCHAR'], ['fill_no', 'BIGINT'], ['time', 'TIMESTAMP'], ['symbol', 'VARCHAR'], ['side', 'VARCHAR'], ['price', 'DOUBLE'], ['qty', 'DOUBLE'], ['commission', 'DOUBLE'],
  ],
  equity: [['run_id', 'VARCHAR'], ['time', 'TIMESTAMP'], ['equity', 'DOUBLE']],
};

/** `maxDrawdown` -> `max_drawdown`; `startMs` -> `start_time`. */
export function metricColumn(key: string): { name: string; time: boolean } {
  const time = /[a-z0-9]Ms$/.test(key);
  const base = time ? `${key.slice(0, -2)}Time` : key;
  let name = base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (RUN_FIXED.includes(name)) name = `metric_${name}`;
  return { name, time };
}

/** `epoch_ms(BIGINT)` needs whole milliseconds. */
function checkTime(ms: number, table: string, field: string, row: number): void {
  if (!Number.isSafeInteger(ms)) throw new InputError(`${table} row ${row + 1}: time ${ms} is not a whole number of epoch milliseconds`, { field });
}

const ts = (col: string): string => `epoch_ms(CAST("${col}" AS BIGINT))`;

/**
 * Writes a run: trades, fills and equity first, the `runs` row last, so a run listed in `runs` is
 * complete. A run id that is already stored is refused.
 */
export async function writeRun(conn: DuckDBConnection, root: string, run: RunRecord): Promise<RecordedRun> {
  const runId = checkRunId(run.runId);
  const files = Object.fromEntries(RUN_TABLES.map((t) => [t, runFile(root, t, runId)])) as Record<RunTable, string>;
  if (RUN_TABLES.some((t) => existsSync(files[t]))) throw new ConfigError(`run ${runId} is already in the warehouse ${root}; pick another run id`, { field: 'runId' });
  const id = sqlString(runId);

  run.trades.forEach((t, i) => {
    checkTime(t.entryTimeMs, 'trades', 'entryTime', i);
    checkTime(t.exitTimeMs, 'trades', 'exitTime', i);
  });
  await loadTable(conn, 'run_trades', [
    { name: 'trade_no', type: 'DOUBLE', values: run.trades.map((_, i) => i + 1) },
    { name: 'symbol', type: 'VARCHAR', values: run.trades.map((t) => t.symbol) },
    { name: 'side', type: 'VARCHAR', values: run.trades.map((t) => t.side) },
    { name: 'entry_t', type: 'DOUBLE', values: run.trades.map((t) => t.entryTimeMs) },
    { name: 'entry_price', type: 'DOUBLE', values: run.trades.map((t) => t.entryPrice) },
    { name: 'exit_t', type: 'DOUBLE', values: run.trades.map((t) => t.exitTimeMs) },
    { name: 'exit_price', type: 'DOUBLE', values: run.trades.map((t) => t.exitPrice) },
    { name: 'qty', type: 'DOUBLE', values: run.trades.map((t) => t.qty) },
    { name: 'pnl', type: 'DOUBLE', values: run.trades.map((t) => t.pnl) },
    { name: 'commission', type: 'DOUBLE', values: run.trades.map((t) => t.commission) },
  ]);
  await copyToParquet(
    conn,
    `SELECT ${id} AS run_id, CAST(trade_no AS BIGINT) AS trade_no, symbol, side, ${ts('entry_t')} AS entry_time, entry_price, ${ts('exit_t')} AS exit_time, exit_price, qty, pnl, commission FROM run_trades ORDER BY trade_no`,
    files.trades,
  );

  run.fills.forEach((f, i) => checkTime(f.timeMs, 'fills', 'time', i));
  await loadTable(conn, 'run_fills', [
    { name: 'fill_no', type: 'DOUBLE', values: run.fills.map((_, i) => i + 1) },
    { name: 't', type: 'DOUBLE', values: run.fills.map((f) => f.timeMs) },
    { name: 'symbol', type: 'VARCHAR', values: run.fills.map((f) => f.symbol) },
    { name: 'side', type: 'VARCHAR', values: run.fills.map((f) => f.side) },
    { name: 'price', type: 'DOUBLE', values: run.fills.map((f) => f.price) },
    { name: 'qty', type: 'DOUBLE', values: run.fills.map((f) => f.qty) },
    { name: 'commission', type: 'DOUBLE', values: run.fills.map((f) => f.commission) },
  ]);
  await copyToParquet(
    conn,
    `SELECT ${id} AS run_id, CAST(fill_no AS BIGINT) AS fill_no, ${ts('t')} AS "time", symbol, side, price, qty, commission FROM run_fills ORDER BY fill_no`,
    files.fills,
  );

  const eq = run.equity;
  if (eq.timeMs.length !== eq.equity.length) throw new InputError(`equity has ${eq.timeMs.length} times and ${eq.equity.length} values`, { field: 'equity' });
  for (let i = 0; i < eq.timeMs.length; i++) checkTime(eq.timeMs[i]!, 'equity', 'time', i);
  await loadTable(conn, 'run_equity', [
    { name: 'i', type: 'DOUBLE', values: Float64Array.from({ length: eq.timeMs.length }, (_, i) => i) },
    { name: 't', type: 'DOUBLE', values: eq.timeMs },
    { name: 'equity', type: 'DOUBLE', values: eq.equity },
  ]);
  await copyToParquet(conn, `SELECT ${id} AS run_id, ${ts('t')} AS "time", equity FROM run_equity ORDER BY i`, files.equity);

  await writeRunRow(conn, run, id, files.runs);
  for (const t of ['run_trades', 'run_fills', 'run_equity', 'run_row']) await conn.run(`DROP TABLE IF EXISTS ${t}`);
  return { runId, files };
}

async function writeRunRow(conn: DuckDBConnection, run: RunRecord, id: string, file: string): Promise<void> {
  checkTime(run.recordedAtMs, 'runs', 'recordedAt', 0);
  const cols: LoadColumn[] = [
    { name: 'recorded_t', type: 'DOUBLE', values: [run.recordedAtMs] },
    { name: 'strategy', type: 'VARCHAR', values: [run.strategy] },
    { name: 'data', type: 'VARCHAR', values: [JSON.stringify(run.data)] },
    { name: 'params', type: 'VARCHAR', values: [JSON.stringify(run.params ?? null)] },
    { name: 'bars', type: 'DOUBLE', values: [run.bars] },
    { name: 'final_value', type: 'DOUBLE', values: [run.finalValue] },
    { name: 'final_cash', type: 'DOUBLE', values: [run.finalCash] },
    { name: 'skipped_rows', type: 'DOUBLE', values: [run.skippedRows] },
    { name: 'fill_count', type: 'DOUBLE', values: [run.fills.length] },
    { name: 'benchmark', type: 'VARCHAR', values: [JSON.stringify(run.benchmark ?? null)] },
    { name: 'metrics', type: 'VARCHAR', values: [JSON.stringify(run.metrics)] },
  ];
  const select = [
    `${id} AS run_id`, `${ts('recorded_t')} AS recorded_at`, 'strategy', `from_json("data", '["VARCHAR"]') AS "data"`, 'CAST(params AS JSON) AS params',
    'CAST(bars AS BIGINT) AS bars', 'final_value', 'final_cash', 'CAST(skipped_rows AS BIGINT) AS skipped_rows', 'CAST(fill_count AS BIGINT) AS fill_count',
    'CAST(benchmark AS JSON) AS benchmark', 'CAST(metrics AS JSON) AS metrics',
  ];
  const seen = new Set(RUN_FIXED);
  Object.entries(run.metrics).forEach(([key, value], k) => {
    const { name, time } = metricColumn(key);
    if (!/^[a-z][a-z0-9_]*$/.test(name) || seen.has(name)) return;
    seen.add(name);
    const v = typeof value === 'number' ? value : null;
    if (time && v !== null) checkTime(v, 'runs', key, 0);
    cols.push({ name: `m${k}`, type: 'DOUBLE', values: [v] });
    select.push(time ? `${ts(`m${k}`)} AS "${name}"` : `m${k} AS "${name}"`);
  });
  await loadTable(conn, 'run_row', cols);
  await copyToParquet(conn, `SELECT ${select.join(', ')} FROM run_row`, file);
}
