// The analytics warehouse as the CLI and other use cases see it (docs/warehouse.md): importing bars,
// reading them back for `--data store:<SYMBOL>`, recording backtests, and SQL over all of it.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, InputError } from '../core/errors.ts';
import { BarSeries } from '../model/bar.ts';
import { loadDataSource, parseDataSource } from '../data/source.ts';
import type { SkippedRow } from '../data/csv.ts';
import { inferTimeframeMs } from '../data/timeframe.ts';
import {
  Warehouse, checkRunId, normalizeSymbol, readBarsSync,
  type BarSummary, type QueryResult, type RecordedRun, type RunRecord, type WriteBarsResult,
} from '../store/warehouse/index.ts';
import type { RunReport } from './dto/index.ts';

export type { BarSummary, QueryResult, RecordedRun, WriteBarsResult } from '../store/warehouse/index.ts';

/** Used when neither a `dir` option nor SEXTANT_WAREHOUSE is given (relative to the working directory). */
export const DEFAULT_WAREHOUSE_DIR = '.sextant/warehouse';

export interface WarehouseOptions {
  /** The warehouse folder; default `$SEXTANT_WAREHOUSE`, else `./.sextant/warehouse`. */
  readonly dir?: string;
}

/** The absolute warehouse folder for these options. */
export function warehouseDir(opts: WarehouseOptions = {}): string {
  const env = process.env.SEXTANT_WAREHOUSE;
  return resolve(opts.dir ?? (env !== undefined && env.trim() !== '' ? env : DEFAULT_WAREHOUSE_DIR));
}

async function withWarehouse<T>(opts: WarehouseOptions, fn: (w: Warehouse) => Promise<T>): Promise<T> {
  const w = await Warehouse.open(warehouseDir(opts));
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}

/** The symbol of a `store:<SYMBOL>` data spec (normalised), undefined for any other spec. */
export function parseStoreSpec(spec: string): string | undefined {
  const m = /^\s*store\s*:(.*)$/is.exec(spec);
  if (m === null) return undefined;
  if (m[1]!.trim() === '') throw new ConfigError(`missing symbol in "${spec}": expected store:<symbol>`, { field: '--data' });
  return normalizeSymbol(m[1]!, '--data');
}

/** Stored bars of a symbol, synchronously, with the timeframe inferred as the CSV loader does. */
export function loadStoredSeries(symbol: string, opts: WarehouseOptions & { readonly field?: string } = {}): BarSeries {
  return withTimeframe(readBarsSync(warehouseDir(opts), symbol, opts.field));
}

/** Stored bars of a symbol (the same values as `loadStoredSeries`). */
export async function readStoredSeries(symbol: string, opts: WarehouseOptions = {}): Promise<BarSeries> {
  return withTimeframe(await withWarehouse(opts, (w) => w.readBars(symbol)));
}

function withTimeframe(s: BarSeries): BarSeries {
  return new BarSeries(s.symbol, s.length, inferTimeframeMs(s.time, s.length), s);
}

export interface ImportRequest extends WarehouseOptions {
  /** A `--data` source: `csv:<path>` (one symbol) or `synthetic[:seed]` (its ten symbols). */
  readonly source: string;
  /** Store under this symbol (one-symbol sources only); default the source's own symbol. */
  readonly symbol?: string;
  readonly skipBadRows?: boolean;
  /** Drop what is stored for the symbol instead of merging by time. */
  readonly replace?: boolean;
}

export interface ImportSummary {
  readonly results: WriteBarsResult[];
  readonly skipped: number;
  readonly skippedRows: (SkippedRow & { readonly file: string })[];
}

/** Loads a source with the usual loaders (same validation and errors) and stores its bars. */
export async function importBars(req: ImportRequest): Promise<ImportSummary> {
  if (parseStoreSpec(req.source) !== undefined) throw new ConfigError('a store: source is already in the warehouse', { field: 'source' });
  const loaded = loadDataSource(parseDataSource(req.source), { skipBadRows: req.skipBadRows ?? false });
  let series = loaded.series;
  if (req.symbol !== undefined) {
    if (series.length !== 1) throw new ConfigError(`--symbol needs a one-symbol source; ${req.source} has ${series.length}`, { field: '--symbol' });
    const symbol = normalizeSymbol(req.symbol, '--symbol');
    series = series.map((s) => new BarSeries(symbol, s.length, s.timeframeMs, s));
  }
  const results = await withWarehouse(req, async (w) => {
    const out: WriteBarsResult[] = [];
    for (const s of series) out.push(await w.importBars(s, req.replace ? 'replace' : 'merge'));
    return out;
  });
  return { results, skipped: loaded.skipped, skippedRows: loaded.skippedRows };
}

export function listStoredBars(opts: WarehouseOptions = {}): Promise<BarSummary[]> {
  return withWarehouse(opts, (w) => w.listBars());
}

/** SQL over the views `bars`, `runs`, `trades`, `fills`, `equity`; a DuckDB error is an InputError (exit 2). */
export async function runSql(sql: string, opts: WarehouseOptions = {}): Promise<QueryResult> {
  if (sql.trim() === '') throw new ConfigError('the query is empty', { field: 'sql' });
  return withWarehouse(opts, (w) => w.query(sql));
}

/** What `recordBacktest` reads of a run's report. */
export type RecordableReport = Pick<RunReport, 'params' | 'bars' | 'finalValue' | 'finalCash' | 'skippedRows' | 'metrics' | 'benchmark' | 'trades' | 'fills' | 'equity'>;

export interface RecordOptions extends WarehouseOptions {
  /** Default: `<UTC yyyymmdd-hhmmss>-<8 hex>`. */
  readonly runId?: string;
  /** Recording time (default now). */
  readonly recordedAtMs?: number;
}

/**
 * Stores a backtest report: its params and metrics as a row of `runs`, and its trades, fills and
 * equity curve, one Parquet file per run and table. Returns the run id and the files.
 */
export async function recordBacktest(report: RecordableReport, opts: RecordOptions = {}): Promise<RecordedRun> {
  const recordedAtMs = opts.recordedAtMs ?? Date.now();
  const runId = checkRunId(opts.runId ?? defaultRunId(recordedAtMs), 'runId');
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(report.metrics)) if (typeof v === 'number' || v === null) metrics[k] = v;
  const equityTime = new Float64Array(report.equity.length);
  const equity = new Float64Array(report.equity.length);
  report.equity.forEach((e, i) => {
    equityTime[i] = isoMs(e.time, 'equity', i);
    equity[i] = e.equity;
  });
  const run: RunRecord = {
    runId,
    recordedAtMs,
    strategy: report.params.strategy,
    data: [...report.params.data],
    params: report.params,
    bars: report.bars,
    finalValue: report.finalValue,
    finalCash: report.finalCash,
    skippedRows: report.skippedRows,
    metrics,
    benchmark: report.benchmark,
    trades: report.trades.map((t, i) => ({
      symbol: t.symbol, side: t.side, entryTimeMs: isoMs(t.entryTime, 'trades', i), entryPrice: t.entryPrice,
      exitTimeMs: isoMs(t.exitTime, 'trades', i), exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission,
    })),
    fills: report.fills.map((f, i) => ({ timeMs: isoMs(f.time, 'fills', i), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
    equity: { timeMs: equityTime, equity },
  };
  return withWarehouse(opts, (w) => w.recordRun(run));
}

function isoMs(text: string, table: string, i: number): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InputError(`${table}[${i}]: not an ISO time: "${text}"`, { field: table });
  return ms;
}

function defaultRunId(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(4).toString('hex')}`;
}
