// Resampling bars to a higher timeframe: a streaming `Resampler` for strategies (multi-timeframe
// rules) and a batch `resampleSeries` that is a fold over it.
//
// Periods are UTC: a fixed length in ms aligned to `originMs` (the epoch by default), 'W' for calendar
// weeks starting Monday 00:00 UTC, 'M' for calendar months. A higher-timeframe bar is labelled with
// its period start, like the bars it is made of (open time), and aggregates them: first open, highest
// high, lowest low, last close, summed volume.
//
// No look-ahead: `update` returns a higher-timeframe bar only once its period is over, i.e. when a bar
// of a later period arrives or, when the input bar length `barMs` is known, when an input bar ends at
// or after the period end. Until then the partial bar is only visible as `forming`.
import { ConfigError, InputError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../core/time.ts';
import { BarSeries, type Bar } from '../model/bar.ts';

/** A period length in ms, or calendar weeks ('W', Monday to Sunday) or months ('M'), UTC. */
export type Timeframe = number | 'W' | 'M';

export interface ResamplerOptions {
  /** Length of the input bars in ms: lets a period close with its last bar instead of with the next one. */
  readonly barMs?: number;
  /** Alignment of fixed-length periods (epoch ms); default 0. Ignored for 'W' and 'M'. */
  readonly originMs?: number;
}

/** Nominal length of a timeframe in ms (a month counts as 30 days). */
export function timeframeMs(tf: Timeframe): number {
  return tf === 'W' ? 7 * MS_PER_DAY : tf === 'M' ? 30 * MS_PER_DAY : tf;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: MS_PER_SECOND, m: MS_PER_MINUTE, h: MS_PER_HOUR, d: MS_PER_DAY, w: 7 * MS_PER_DAY };

/**
 * Parses a timeframe: 'W' (calendar weeks), 'M' (calendar months), a count and unit ('15m', '4h',
 * '1d'; 's', 'm', 'h', 'd', 'w' = 7 days aligned to `originMs`), or a number of ms. Throws ConfigError.
 */
export function parseTimeframe(text: string | number): Timeframe {
  if (typeof text === 'number') return checkTimeframe(text);
  const t = text.trim();
  if (t === 'W' || t === 'M') return t;
  const m = /^(\d+)\s*([smhdw])$/.exec(t);
  if (m !== null) return checkTimeframe(Number(m[1]) * UNIT_MS[m[2]!]!);
  if (/^\d+$/.test(t)) return checkTimeframe(Number(t));
  throw new ConfigError(`timeframe must be W, M, a count with a unit (15m, 4h, 1d) or ms, got "${text}"`, { field: 'timeframe' });
}

function checkTimeframe(tf: Timeframe): Timeframe {
  if (tf === 'W' || tf === 'M') return tf;
  if (!Number.isInteger(tf) || tf <= 0) throw new ConfigError(`timeframe must be a positive whole number of ms, got ${tf}`, { field: 'timeframe' });
  return tf;
}

/** Start (epoch ms) of the period holding `tsMs`. */
export function periodStart(tf: Timeframe, tsMs: number, originMs = 0): number {
  if (tf === 'W') {
    const day = Math.floor(tsMs / MS_PER_DAY);
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    return (day - (((day + 3) % 7) + 7) % 7) * MS_PER_DAY;
  }
  if (tf === 'M') {
    const d = new Date(tsMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  return Math.floor((tsMs - originMs) / tf) * tf + originMs;
}

/** End (exclusive, epoch ms) of the period starting at `startMs`. */
export function periodEnd(tf: Timeframe, startMs: number): number {
  if (tf === 'W') return startMs + 7 * MS_PER_DAY;
  if (tf === 'M') {
    const d = new Date(startMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return startMs + tf;
}

interface MutableBar {
  symbol: string;
  tsEventMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Streaming aggregation of bars of one symbol into higher-timeframe bars. */
export class Resampler {
  readonly timeframe: Timeframe;
  readonly #barMs: number;
  readonly #origin: number;
  #forming: MutableBar | null = null;
  #formingEnd = NaN;
  /** Start of the last period that was closed (bars for it or earlier are out of order). */
  #closedStart = -Infinity;
  /** A period closed by its own last bar while the call also completed an earlier one (a gap). */
  #pending: Bar | null = null;
  #lastTs = -Infinity;

  constructor(timeframe: Timeframe, options: ResamplerOptions = {}) {
    this.timeframe = checkTimeframe(timeframe);
    this.#barMs = options.barMs ?? 0;
    this.#origin = options.originMs ?? 0;
    if (!(this.#barMs >= 0) || !Number.isFinite(this.#barMs)) throw new ConfigError(`barMs must be >= 0, got ${options.barMs}`, { field: 'barMs' });
  }

  /** The partial bar of the period in progress (null between periods). Changes with each update. */
  get forming(): Bar | null {
    return this.#forming;
  }

  /**
   * Adds the next bar (times must increase). Returns the higher-timeframe bar whose period this call
   * completed, or null. Only closed periods are ever returned.
   */
  update(bar: Bar): Bar | null {
    const t = bar.tsEventMs;
    if (!(t > this.#lastTs)) throw new InputError(`resampler: bar times must increase (${t} after ${this.#lastTs})`, { field: 'tsEventMs' });
    this.#lastTs = t;
    const start = periodStart(this.timeframe, t, this.#origin);
    let out: Bar | null = this.#pending;
    this.#pending = null;
    const f = this.#forming;
    if (f !== null && start !== f.tsEventMs) {
      // A bar of a later period: the forming one is complete.
      out = this.#close();
    }
    if (start <= this.#closedStart) {
      throw new InputError(`resampler: a bar at ${new Date(t).toISOString()} arrived after its period was closed`, { field: 'tsEventMs' });
    }
    const g = this.#forming;
    if (g === null) {
      this.#forming = { symbol: bar.symbol, tsEventMs: start, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
      this.#formingEnd = periodEnd(this.timeframe, start);
    } else {
      if (bar.high > g.high) g.high = bar.high;
      if (bar.low < g.low) g.low = bar.low;
      g.close = bar.close;
      g.volume += bar.volume;
    }
    if (this.#barMs > 0 && t + this.#barMs >= this.#formingEnd) {
      const closed = this.#close();
      if (out === null) out = closed;
      else this.#pending = closed;
    }
    return out;
  }

  /** Ends the input: returns the partial period's bar (or a pending completed one), or null. */
  flush(): Bar | null {
    if (this.#pending !== null) {
      const p = this.#pending;
      this.#pending = null;
      return p;
    }
    return this.#forming === null ? null : this.#close();
  }

  reset(): void {
    this.#forming = null;
    this.#formingEnd = NaN;
    this.#closedStart = -Infinity;
    this.#pending = null;
    this.#lastTs = -Infinity;
  }

  #close(): Bar {
    const f = this.#forming!;
    this.#forming = null;
    this.#closedStart = f.tsEventMs;
    return { ...f };
  }
}

export interface ResampleSeriesOptions {
  /** Keep the last period even when the data ends before it does (default true, as pandas). */
  readonly includePartial?: boolean;
  readonly originMs?: number;
}

/**
 * The whole series resampled: the fold of a `Resampler` (input bar length = the series' timeframe),
 * plus the last, possibly partial, period unless `includePartial` is false. For research and reports;
 * a strategy must use the streaming `Resampler`, which never shows a period before it has closed.
 */
export function resampleSeries(series: BarSeries, timeframe: Timeframe, options: ResampleSeriesOptions = {}): BarSeries {
  const r = new Resampler(timeframe, { barMs: series.timeframeMs, originMs: options.originMs });
  const bars: Bar[] = [];
  for (let i = 0; i < series.length; i++) {
    const b = r.update(series.at(i));
    if (b !== null) bars.push(b);
  }
  for (let last = r.flush(); last !== null; last = r.flush()) {
    const complete = series.timeframeMs > 0 && series.time[series.length - 1]! + series.timeframeMs >= periodEnd(timeframe, last.tsEventMs);
    if (complete || options.includePartial !== false) bars.push(last);
  }
  return BarSeries.fromBars(series.symbol, bars, timeframeMs(timeframe));
}
