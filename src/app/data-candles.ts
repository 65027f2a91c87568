// A data set's candles for a chart: bars stored in the warehouse (`store`) or the embedded synthetic market
// (`synthetic[:<seed>]`), cut to a window, aggregated and with indicators as asked (app/candle-window.ts).
// A CSV file is not offered: it is a path on the server, which a read-scope caller must not name (import it
// into the warehouse instead: `sextant data import`).
import { InputError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { DEFAULT_SYNTHETIC_SEED, loadDataSource } from '../data/source.ts';
import { inferTimeframeMs } from '../data/timeframe.ts';
import { Warehouse } from '../store/warehouse/index.ts';
import { candleWindow } from './candle-window.ts';
import { bucketMs, formatTimeframe, parseIndicatorList, timeframesFor, type Candles, type DataCandlesQuery } from './candles.ts';
import { warehouseDir, type WarehouseOptions } from './warehouse.ts';

/** Generated markets kept (a seed's ten symbols of daily bars are ~1 MB). */
const SYNTHETIC_KEPT = 2;

/** An ISO date or time, or epoch ms; a bare date as `to` means the end of that day. */
function timeOf(text: string | undefined, field: 'from' | 'to'): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(t);
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(date ? `${t}T00:00:00Z` : t);
  if (!Number.isFinite(ms)) throw new InputError(`not a time: "${text}" (an ISO date or time, or epoch ms)`, { field });
  return date && field === 'to' ? ms + 86_400_000 - 1 : ms;
}

export class DataCandles {
  readonly #warehouse: WarehouseOptions;
  readonly #synthetic = new Map<number, BarSeries[]>();

  constructor(warehouse: WarehouseOptions) {
    this.#warehouse = warehouse;
  }

  async candles(q: DataCandlesQuery): Promise<Candles> {
    const fromMs = timeOf(q.from, 'from');
    const toMs = timeOf(q.to, 'to');
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw new InputError('from is after to', { field: 'from' });
    const indicators = parseIndicatorList(q.indicators);
    const { source, symbols, series } = await this.#load(q.source, q.symbol);
    const barMs = series.timeframeMs > 0 ? series.timeframeMs : inferTimeframeMs(series.time, series.length);
    const size = bucketMs(q.timeframe, barMs, series.symbol);
    const win = candleWindow(series, { bucketMs: size, limit: q.limit, fromMs, toMs, indicators });
    return {
      source, symbol: series.symbol, symbols, timeframe: q.timeframe ?? formatTimeframe(size), timeframeMs: size, barMs, timeframes: timeframesFor(barMs),
      ...win, fills: [],
      note: win.bars.length === 0 ? `no bars of ${series.symbol} in the window (${series.length} stored)` : null,
    };
  }

  async #load(spec: string, symbol: string | undefined): Promise<{ source: string; symbols: string[]; series: BarSeries }> {
    const s = spec.trim().toLowerCase();
    if (s === 'store') return this.#stored(symbol);
    const m = /^synthetic(?::(\d{1,10}))?$/.exec(s);
    if (m === null) throw new InputError(`source "${spec}": expected store (the warehouse) or synthetic[:<seed>]${s.startsWith('csv') ? '; a CSV file is charted once imported (sextant data import)' : ''}`, { field: 'source' });
    const seed = m[1] === undefined ? DEFAULT_SYNTHETIC_SEED : Number(m[1]);
    if (seed > 0xffffffff) throw new InputError(`seed ${seed} is above 4294967295`, { field: 'source' });
    const all = this.#market(seed);
    const symbols = all.map((x) => x.symbol);
    const series = symbol === undefined ? all[0] : all.find((x) => x.symbol === symbol.trim().toUpperCase());
    if (series === undefined) throw new InputError(`synthetic:${seed} has no ${symbol}; its symbols: ${symbols.join(', ')}`, { field: 'symbol' });
    return { source: `synthetic:${seed}`, symbols, series };
  }

  #market(seed: number): BarSeries[] {
    let series = this.#synthetic.get(seed);
    if (series === undefined) {
      series = loadDataSource({ kind: 'synthetic', seed }).series;
      this.#synthetic.set(seed, series);
      for (const k of this.#synthetic.keys()) if (this.#synthetic.size > SYNTHETIC_KEPT) this.#synthetic.delete(k);
    }
    return series;
  }

  async #stored(symbol: string | undefined): Promise<{ source: string; symbols: string[]; series: BarSeries }> {
    const w = await Warehouse.open(warehouseDir(this.#warehouse));
    try {
      const symbols = (await w.listBars()).map((b) => b.symbol);
      const wanted = symbol === undefined ? symbols[0] : symbol.trim().toUpperCase();
      if (wanted === undefined || !symbols.includes(wanted)) {
        throw new InputError(symbols.length === 0 ? 'the warehouse holds no bars (import some: sextant data import csv:<path> --symbol <SYMBOL>)' : `no stored bars of ${symbol}; stored: ${symbols.join(', ')}`, { field: 'symbol' });
      }
      const raw = await w.readBars(wanted);
      return { source: 'store', symbols, series: raw };
    } finally {
      w.close();
    }
  }
}
