// Loads `--data` sources, resamples them to `--timeframe`, describes their instruments by `--asset` and
// `--instrument`, and applies the --from/--to window.
import { ConfigError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { loadDataSource, parseDataSource, type LoadedData } from '../data/source.ts';
import { resampleSeries, timeframeMs, type Timeframe } from '../data/resample.ts';
import { applyInstrumentSettings, type InstrumentSettings } from './instrument-flags.ts';
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

export interface MarketDataOptions {
  readonly skipBadRows: boolean;
  readonly from?: string;
  readonly to?: string;
  /** `--asset` / `--instrument`: applied to every instrument of the run. */
  readonly instrument?: InstrumentSettings;
  /** `--timeframe`: bars are resampled to it on load (it may not be finer than the data). */
  readonly timeframe?: Timeframe;
}

/** The market-data options of a run request whose settings were checked (checkRunSettings). */
export function marketOptionsOf(
  req: { readonly skipBadRows?: boolean; readonly from?: string; readonly to?: string },
  settings: { readonly instrument: InstrumentSettings; readonly timeframe: Timeframe | undefined },
): MarketDataOptions {
  return { skipBadRows: req.skipBadRows ?? false, from: req.from, to: req.to, instrument: settings.instrument, timeframe: settings.timeframe };
}

export function loadMarketData(specs: readonly string[], opts: MarketDataOptions): MarketData {
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
    for (const raw of loaded.series) {
      const s = opts.timeframe === undefined ? raw : resampled(raw, opts.timeframe);
      const from = fromMs === undefined ? 0 : s.lowerBound(fromMs);
      // --to is inclusive of that whole day when given as a date.
      const to = toMs === undefined ? s.length : s.lowerBound(opts.to !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(opts.to) ? toMs + 86_400_000 : toMs + 1);
      const cut = from === 0 && to === s.length ? s : s.slice(from, to);
      if (cut.length === 0) throw new ConfigError(`no bars of ${s.symbol} between --from and --to`, { field: '--from' });
      series.push(cut);
    }
  }
  const settings = opts.instrument;
  if (settings === undefined) return { series, instruments, skipped };
  // Every traded symbol gets an instrument as the flags describe it (BacktestNode would make a plain equity).
  const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
  for (const s of series) if (!bySymbol.has(s.symbol)) bySymbol.set(s.symbol, makeInstrument(s.symbol));
  return { series, instruments: [...bySymbol.values()].map((i) => applyInstrumentSettings(i, settings)), skipped };
}

/** `s` resampled to `tf`; a timeframe finer than the data, or not a whole number of its bars, is refused. */
function resampled(s: BarSeries, tf: Timeframe): BarSeries {
  const target = timeframeMs(tf);
  const bar = s.timeframeMs;
  if (bar > 0) {
    if (target < bar) throw new ConfigError(`${formatDuration(target)} is finer than the data: ${s.symbol} has ${formatDuration(bar)} bars (bars can only be combined, not split)`, { field: '--timeframe' });
    if (target === bar) return s;
    if (typeof tf === 'number' && tf % bar !== 0) throw new ConfigError(`${formatDuration(target)} is not a whole number of ${s.symbol}'s ${formatDuration(bar)} bars`, { field: '--timeframe' });
  }
  return resampleSeries(s, tf);
}

/** One `--data` spec: `store:<SYMBOL>` from the warehouse (docs/warehouse.md), anything else by src/data. */
function loadSource(spec: string, skipBadRows: boolean): LoadedData {
  const symbol = parseStoreSpec(spec);
  if (symbol === undefined) return loadDataSource(parseDataSource(spec), { skipBadRows });
  const series = loadStoredSeries(symbol, { field: '--data' });
  return { instruments: [makeInstrument(series.symbol, { assetClass: 'equity' })], series: [series], skipped: 0, skippedRows: [] };
}

/** 3600000 -> "1h", 86400000 -> "1d", 90000 -> "90s". */
function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', MS_PER_DAY], ['h', MS_PER_HOUR], ['m', MS_PER_MINUTE]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
