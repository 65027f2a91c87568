// `--data` values: which history a backtest runs on, and loading it.
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { loadCsv, type CsvOptions, type SkippedRow } from './csv.ts';
import { generateMarket, type SyntheticTimeframe } from './synthetic.ts';

export type DataSourceSpec =
  | { readonly kind: 'synthetic'; readonly seed: number }
  | { readonly kind: 'csv'; readonly path: string };

/** The seed of a bare `synthetic`. */
export const DEFAULT_SYNTHETIC_SEED = 42;

const USAGE = 'expected synthetic, synthetic:<seed>, csv:<path> or store:<symbol>';

/** Parses one `--data` value: `synthetic`, `synthetic:<seed>` or `csv:<path>`. */
export function parseDataSource(spec: string): DataSourceSpec {
  const where = { field: '--data' };
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const arg = colon < 0 ? undefined : spec.slice(colon + 1);
  switch (kind) {
    case 'synthetic': {
      if (arg === undefined) return { kind, seed: DEFAULT_SYNTHETIC_SEED };
      const seed = /^\s*\d+\s*$/.test(arg) ? Number(arg) : NaN;
      if (!(seed <= 0xffffffff)) throw new ConfigError(`bad seed "${arg}" in "${spec}": expected an integer from 0 to 4294967295`, where);
      return { kind, seed };
    }
    case 'csv':
      if (arg === undefined || arg.trim() === '') throw new ConfigError(`missing path in "${spec}": expected csv:<path>`, where);
      return { kind, path: arg };
    default:
      throw new ConfigError(`unknown data source "${spec}": ${USAGE}`, where);
  }
}

export interface LoadDataOptions {
  /** Synthetic only: symbol count or names (default 10). */
  readonly symbols?: number | readonly string[];
  /** Synthetic only: bars per symbol (default 2520). */
  readonly bars?: number;
  /** Synthetic only (default `1d`). */
  readonly timeframe?: SyntheticTimeframe;
  /** CSV only: skip and count bad rows instead of failing (`--skip-bad-rows`). */
  readonly skipBadRows?: boolean;
  /** CSV only: further reader options (column mapping, time format, timeframe). */
  readonly csv?: Omit<CsvOptions, 'skipBadRows'>;
}

export interface LoadedData {
  readonly instruments: Instrument[];
  readonly series: BarSeries[];
  /** Bad CSV rows skipped (only with `skipBadRows`). */
  readonly skipped: number;
  readonly skippedRows: (SkippedRow & { readonly file: string })[];
}

export function loadDataSource(spec: DataSourceSpec | string, opts: LoadDataOptions = {}): LoadedData {
  const source = typeof spec === 'string' ? parseDataSource(spec) : spec;
  switch (source.kind) {
    case 'synthetic': {
      const market = generateMarket({ seed: source.seed, symbols: opts.symbols, bars: opts.bars, timeframe: opts.timeframe });
      return { instruments: market.instruments, series: market.series, skipped: 0, skippedRows: [] };
    }
    case 'csv': {
      const result = loadCsv(source.path, { ...opts.csv, skipBadRows: opts.skipBadRows });
      const instrument = makeInstrument(result.series.symbol, { assetClass: 'equity' });
      const skippedRows = result.skippedRows.map((r) => ({ ...r, file: source.path }));
      return { instruments: [instrument], series: [result.series], skipped: result.skipped, skippedRows };
    }
  }
}

/** Several `--data` flags: one combined universe; a symbol may come from one source only. */
export function loadDataSources(specs: readonly (DataSourceSpec | string)[], opts: LoadDataOptions = {}): LoadedData {
  const list = specs.length > 0 ? specs : ['synthetic'];
  const out: LoadedData = { instruments: [], series: [], skipped: 0, skippedRows: [] };
  const seen = new Set<string>();
  let skipped = 0;
  for (const spec of list) {
    const data = loadDataSource(spec, opts);
    for (const s of data.series) {
      if (seen.has(s.symbol)) {
        throw new ConfigError(`symbol ${s.symbol} comes from more than one data source; rename a file or pass one source`, { field: '--data' });
      }
      seen.add(s.symbol);
    }
    out.instruments.push(...data.instruments);
    out.series.push(...data.series);
    out.skippedRows.push(...data.skippedRows);
    skipped += data.skipped;
  }
  return { ...out, skipped };
}
