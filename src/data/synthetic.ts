// The embedded default data source: a seeded synthetic equity market (docs/data.md, "Synthetic").
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { BarSeries } from '../model/bar.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { barCalendar } from './synthetic-calendar.ts';
import { drawSymbolParams, fillSymbolBars, type MarketPaths } from './synthetic-bars.ts';
import { factorPath } from './synthetic-factors.ts';
import {
  DEFAULT_BARS, DEFAULT_SECTORS, DEFAULT_START_MS, DEFAULT_SYMBOLS, MARKET_VOL, REGIME_DRIFT, REGIME_VOL, SECTOR_VOL,
  TRADING_DAYS_PER_YEAR, type SyntheticTimeframe,
} from './synthetic-params.ts';
import { regimePath } from './synthetic-regimes.ts';

export { REGIMES, type RegimeName, type SyntheticTimeframe } from './synthetic-params.ts';

export interface SyntheticOptions {
  readonly seed: number;
  /** A count (named SYN000, SYN001, ...) or explicit symbols. Default 10. */
  readonly symbols?: number | readonly string[];
  /** Bars per symbol. Default 2520 (ten years of daily bars). */
  readonly bars?: number;
  /** Default `1d`. */
  readonly timeframe?: SyntheticTimeframe;
  /** No bar starts before this time. Default 2015-01-02 UTC. */
  readonly startMs?: number;
  /** Sector names assigned to symbols in turn. Default tech, finance, energy, health, consumer. */
  readonly sectors?: readonly string[];
}

export interface SyntheticMarket {
  readonly instruments: Instrument[];
  readonly series: BarSeries[];
  /** The regime at each bar (index into REGIMES), shared by all symbols. */
  readonly regimes: Uint8Array;
}

export function generateMarket(opts: SyntheticOptions): SyntheticMarket {
  const { seed, bars, timeframe, startMs, symbols, sectors } = validate(opts);
  const calendar = barCalendar(timeframe, startMs, bars);
  const rng = new Rng(seed);
  // Streams are forked in a fixed order so every part is reproducible from the seed alone.
  const regimes = regimePath(rng.fork(), bars, calendar.barsPerDay);
  const barShare = Math.sqrt(1 / (TRADING_DAYS_PER_YEAR * calendar.barsPerDay));
  const drift = new Float64Array(bars);
  const scale = new Float64Array(bars);
  for (let t = 0; t < bars; t++) {
    drift[t] = REGIME_DRIFT[regimes[t]!]! / (TRADING_DAYS_PER_YEAR * calendar.barsPerDay);
    scale[t] = REGIME_VOL[regimes[t]!]! * barShare;
  }
  const market: MarketPaths = { drift, scale, market: factorPath(rng.fork(), scale, MARKET_VOL), ...calendar };
  const sectorPaths = sectors.map(() => factorPath(rng.fork(), scale, SECTOR_VOL));

  const instruments: Instrument[] = [];
  const series: BarSeries[] = [];
  symbols.forEach((symbol, i) => {
    const own = rng.fork();
    const sector = i % sectors.length;
    const s = new BarSeries(symbol, bars, calendar.timeframeMs);
    s.time.set(calendar.time);
    fillSymbolBars(s, own, drawSymbolParams(own), market, sectorPaths[sector]!);
    instruments.push(makeInstrument(symbol, { assetClass: 'equity', sector: sectors[sector]! }));
    series.push(s);
  });
  return { instruments, series, regimes };
}

/** SYN000, SYN001, ... */
export function syntheticSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `SYN${String(i).padStart(3, '0')}`);
}

function validate(opts: SyntheticOptions) {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { field: `synthetic.${field}` });
  };
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) fail('seed', `seed must be an integer in [0, 4294967295], got ${opts.seed}`);
  const bars = opts.bars ?? DEFAULT_BARS;
  if (!Number.isSafeInteger(bars) || bars < 1) fail('bars', `bars must be a positive integer, got ${bars}`);
  const timeframe = opts.timeframe ?? '1d';
  if (!['1d', '1h', '1m'].includes(timeframe)) fail('timeframe', `timeframe must be 1d, 1h or 1m, got ${timeframe}`);
  const startMs = opts.startMs ?? DEFAULT_START_MS;
  if (!Number.isFinite(startMs)) fail('startMs', `startMs must be a finite epoch ms, got ${startMs}`);
  const raw = opts.symbols ?? DEFAULT_SYMBOLS;
  if (typeof raw === 'number' && (!Number.isSafeInteger(raw) || raw < 1)) fail('symbols', `symbols must be a positive integer, got ${raw}`);
  const symbols = typeof raw === 'number' ? syntheticSymbols(raw) : [...raw];
  if (symbols.length === 0) fail('symbols', 'symbols must not be empty');
  if (new Set(symbols).size !== symbols.length) fail('symbols', `symbols must be unique, got ${symbols.join(',')}`);
  const sectors = [...(opts.sectors ?? DEFAULT_SECTORS)];
  if (sectors.length === 0) fail('sectors', 'sectors must not be empty');
  return { seed: opts.seed, bars, timeframe, startMs, symbols, sectors };
}
