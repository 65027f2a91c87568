// The analytics warehouse (docs/warehouse.md): Parquet files under one folder, queried in-process with DuckDB.
import { mkdirSync } from 'node:fs';
import type { DuckDBResultReader } from '@duckdb/node-api';
import { InputError } from '../../core/errors.ts';
import { BarSeries } from '../../model/bar.ts';
import { barFilesOf, readBarsSql, seriesFromColumns, writeBars, type ImportMode, type WriteBarsResult } from './bars.ts';
import { duckMessage, openDuck, type DuckApi, type DuckSession } from './duck.ts';
import { barPartitions, normalizeSymbol } from './layout.ts';
import { writeRun, type RecordedRun, type RunRecord } from './runs.ts';
import { queryDoublesSync } from './sync-query.ts';

export { stopSyncReader } from './sync-query.ts';
import { createViews } from './views.ts';

export interface QueryColumn {
  readonly name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `TIMESTAMP`, `VARCHAR[]`. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: QueryColumn[];
  /** Each value as DuckDB prints it (`2020-01-02 00:00:00`, `[1, 2]`), null for NULL. */
  readonly rows: (string | null)[][];
  /**
   * JSON-ready rows keyed by column name (repeated names get `_2`, `_3`...): integers and decimals
   * as numbers (as strings beyond 2^53), JSON columns parsed, timestamps and dates as DuckDB prints
   * them, lists and structs as arrays and objects.
   */
  readonly json: Record<string, unknown>[];
}

export interface BarSummary {
  readonly symbol: string;
  readonly bars: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

const INTEGER_TYPES = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'] as const;

export class Warehouse {
  readonly #duck: DuckSession;

  private constructor(
    /** The warehouse folder. */
    readonly root: string,
    duck: DuckSession,
  ) {
    this.#duck = duck;
  }

  /** Opens (creating the folder if needed) a warehouse and its views. Call `close()` when done. */
  static async open(root: string): Promise<Warehouse> {
    mkdirSync(root, { recursive: true });
    const duck = await openDuck();
    try {
      await createViews(duck.conn, root);
    } catch (e) {
      duck.close();
      throw new InputError(`cannot read the warehouse: ${duckMessage(e)}`, { file: root });
    }
    return new Warehouse(root, duck);
  }

  close(): void {
    this.#duck.close();
  }

  /** Runs SQL (several statements: the last one's result) over the views. DuckDB errors become InputErrors. */
  async query(sql: string): Promise<QueryResult> {
    let reader: DuckDBResultReader;
    try {
      reader = await this.#duck.conn.runAndReadAll(sql);
    } catch (e) {
      throw new InputError(duckMessage(e), { field: 'sql' });
    }
    return toQueryResult(reader, this.#duck.api);
  }

  /** Stores a symbol's bars (the series' symbol, normalised) and refreshes the views. */
  async importBars(series: BarSeries, mode: ImportMode = 'merge'): Promise<WriteBarsResult> {
    const symbol = normalizeSymbol(series.symbol);
    const named = symbol === series.symbol ? series : new BarSeries(symbol, series.length, series.timeframeMs, series);
    const result = await writeBars(this.#duck.conn, this.root, named, mode);
    await createViews(this.#duck.conn, this.root);
    return result;
  }

  /** A symbol's bars, exactly as stored, in time order (timeframe 0: the caller infers it). */
  async readBars(symbol: string): Promise<BarSeries> {
    const sym = normalizeSymbol(symbol);
    const { dir, files } = barFilesOf(this.root, sym, () => barPartitions(this.root).map((p) => p.symbol));
    let columns: Float64Array[];
    try {
      const result = await this.#duck.conn.run(readBarsSql(files));
      columns = Array.from({ length: result.columnCount }, () => new Float64Array(result.rowCount));
      let at = 0;
      for (let c = 0; c < result.chunkCount; c++) {
        const chunk = result.getChunk(c);
        for (let k = 0; k < columns.length; k++) {
          const vector = chunk.getColumnVector(k);
          const out = columns[k]!;
          for (let i = 0; i < chunk.rowCount; i++) out[at + i] = (vector.getItem(i) as number | null) ?? NaN;
        }
        at += chunk.rowCount;
      }
    } catch (e) {
      throw new InputError(duckMessage(e), { file: dir });
    }
    return seriesFromColumns(sym, columns, dir);
  }

  /** Symbols with bar count and first/last bar time, by symbol. */
  async listBars(): Promise<BarSummary[]> {
    const r = await this.query(
      'SELECT symbol, CAST(count(*) AS DOUBLE) AS n, CAST(epoch_ms(min("time")) AS DOUBLE) AS first, CAST(epoch_ms(max("time")) AS DOUBLE) AS last FROM bars GROUP BY symbol ORDER BY symbol',
    );
    return r.json.map((row) => ({ symbol: String(row.symbol), bars: Number(row.n), firstMs: Number(row.first), lastMs: Number(row.last) }));
  }

  /** Stores one backtest run (see `RunRecord`) and refreshes the views. */
  async recordRun(run: RunRecord): Promise<RecordedRun> {
    const recorded = await writeRun(this.#duck.conn, this.root, run);
    await createViews(this.#duck.conn, this.root);
    return recorded;
  }
}

/**
 * A symbol's bars read synchronously (in a worker thread): the same values as `Warehouse.readBars`,
 * for callers that cannot await.
 */
export function readBarsSync(root: string, symbol: string, field = 'symbol'): BarSeries {
  const sym = normalizeSymbol(symbol, field);
  const { dir, files } = barFilesOf(root, sym, () => barPartitions(root).map((p) => p.symbol), field);
  return seriesFromColumns(sym, queryDoublesSync(readBarsSql(files), dir), dir);
}

function toQueryResult(reader: DuckDBResultReader, api: DuckApi): QueryResult {
  const integerIds = new Set<number>(INTEGER_TYPES.map((t) => api.DuckDBTypeId[t]));
  const names = reader.columnNames();
  const keys = uniqueNames(names);
  const columns = names.map((name, i) => {
    const t = reader.columnType(i);
    return { name, type: t.alias ?? t.toString() };
  });
  const integer = names.map((_, i) => integerIds.has(reader.columnTypeId(i)));
  const decimal = names.map((_, i) => reader.columnTypeId(i) === api.DuckDBTypeId.DECIMAL);
  const jsonText = columns.map((c) => c.type === 'JSON');
  const rows = reader.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
  const json = reader.getRowsJson().map((row) => {
    const o: Record<string, unknown> = {};
    row.forEach((v, i) => {
      if (typeof v === 'string' && integer[i]) {
        const n = Number(v);
        o[keys[i]!] = Number.isSafeInteger(n) ? n : v;
      } else if (typeof v === 'string' && decimal[i]) {
        o[keys[i]!] = Number(v);
      } else if (typeof v === 'string' && jsonText[i]) {
        o[keys[i]!] = parseJson(v);
      } else o[keys[i]!] = v;
    });
    return o;
  });
  return { columns, rows, json };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Column names made unique for JSON keys: a repeated name gets `_2`, `_3`... */
function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let key = name;
    for (let k = 2; used.has(key); k++) key = `${name}_${k}`;
    used.add(key);
    return key;
  });
}
