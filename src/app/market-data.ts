// Loads `--data` sources and applies the --from/--to window.
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { loadDataSource, parseDataSource, type LoadedData } from '../data/source.ts';
import { loadStoredSeries, parseStoreSpec } from './warehouse.ts';

export interface MarketData {
  readonly series: BarSeries[];
  readonly instruments: Instrument[];
  readonly skipped: number;
}

export function parseDateFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new ConfigError(`not a date: "${text}" (use YYYY-MM-DD)`, { field: flag });
  return ms;
}

export function loadMarketData(specs: readonly string[], opts: { skipBadRows: boolean; from?: string; to?: string }): MarketData {
  const fromMs = parseDateFlag(opts.from, '--from');
  const toMs = parseDateFlag(opts.to, '--to');
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new ConfigError('--from is after --to', { field: '--from' });
  const series: BarSeries[] = [];
  const instruments: Instrument[] = [];
  let skipped = 0;
  for (const spec of specs.length ? specs : ['synthetic']) {
    const loaded = loadSource(spec, opts.skipBadRows);
    skipped += loaded.skipped;
    instruments.push(...loaded.instruments);
    for (const s of loaded.series) {
      const from = fromMs === undefined ? 0 : s.lowerBound(fromMs);
      // --to is inclusive of that whole day when given as a date.
      const to = toMs === undefined ? s.length : s.lowerBound(opts.to !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(opts.to) ? toMs + 86_400_000 : toMs + 1);
      const cut = from === 0 && to === s.length ? s : s.slice(from, to);
      if (cut.length === 0) throw new ConfigError(`no bars of ${s.symbol} between --from and --to`, { field: '--from' });
      series.push(cut);
    }
  }
  return { series, instruments, skipped };
}

/** One `--data` spec: `store:<SYMBOL>` from the warehouse (docs/warehouse.md), anything else by src/data. */
function loadSource(spec: string, skipBadRows: boolean): LoadedData {
  const symbol = parseStoreSpec(spec);
  if (symbol === undefined) return loadDataSource(parseDataSource(spec), { skipBadRows });
  const series = loadStoredSeries(symbol, { field: '--data' });
  return { instruments: [makeInstrument(series.symbol, { assetClass: 'equity' })], series: [series], skipped: 0, skippedRows: [] };
}
