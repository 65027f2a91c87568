// IB's real-time bars are 5 seconds long (reqRealTimeBars accepts no other size); a run trades 1m, 5m, 1h
// ... bars. This folds one symbol's 5-second bars into bars of the run's timeframe (UTC periods, labelled
// with their open time, as everywhere in Sextant). A period is complete when its last 5-second bar comes,
// or when a bar of a later period comes first (IB skipped some), or when `flushBefore` is told the period
// has ended (no bar came at all for its end): a bar is never sent before its period has closed.

import type { HistoryBar } from '../../data/history-source.ts';

export const IB_REALTIME_BAR_MS = 5_000;

export class BarFolder {
  #open: { tsMs: number; open: number; high: number; low: number; close: number; volume: number } | null = null;
  /** Open time of the last 5-second bar folded (older or repeated ones, e.g. after a resubscription, are ignored). */
  #lastPartMs = -Infinity;

  constructor(readonly periodMs: number) {
    if (!(periodMs >= IB_REALTIME_BAR_MS) || periodMs % IB_REALTIME_BAR_MS !== 0) {
      throw new RangeError(`a timeframe of ${periodMs} ms is not a whole number of IB's 5-second real-time bars`);
    }
  }

  /** Folds a 5-second bar (open time `tsMs`); returns the bars it completes, oldest first. */
  add(tsMs: number, open: number, high: number, low: number, close: number, volume: number): HistoryBar[] {
    if (tsMs <= this.#lastPartMs) return [];
    this.#lastPartMs = tsMs;
    const out: HistoryBar[] = [];
    const period = Math.floor(tsMs / this.periodMs) * this.periodMs;
    const cur = this.#open;
    if (cur !== null && cur.tsMs !== period) {
      out.push({ ...cur });
      this.#open = null;
    }
    if (this.#open === null) this.#open = { tsMs: period, open, high, low, close, volume };
    else {
      const b = this.#open;
      b.high = Math.max(b.high, high);
      b.low = Math.min(b.low, low);
      b.close = close;
      b.volume += volume;
    }
    if (tsMs + IB_REALTIME_BAR_MS >= period + this.periodMs) {
      out.push({ ...this.#open });
      this.#open = null;
    }
    return out;
  }

  /** The forming bar, if its period ended at or before `nowMs` (its last 5-second bar never came). */
  flushBefore(nowMs: number): HistoryBar | null {
    const b = this.#open;
    if (b === null || b.tsMs + this.periodMs > nowMs) return null;
    this.#open = null;
    return { ...b };
  }

}
