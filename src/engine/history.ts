// A strategy's window onto past bars: reads only up to the feed's current cursor, so look-ahead is impossible.
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import type { History } from '../strategies/context.ts';

export class SeriesHistory implements History {
  /** Index of the current bar; -1 before the first. */
  cursor = -1;
  constructor(private readonly series: BarSeries) {}

  get length(): number {
    return this.cursor + 1;
  }
  #at(ago: number): number {
    const i = this.cursor - ago;
    if (!(ago >= 0) || i < 0) throw new ConfigError(`history of ${this.series.symbol}: ${ago} bars ago is not available (have ${this.length})`);
    return i;
  }
  close(ago = 0): number {
    return this.series.close[this.#at(ago)]!;
  }
  open(ago = 0): number {
    return this.series.open[this.#at(ago)]!;
  }
  high(ago = 0): number {
    return this.series.high[this.#at(ago)]!;
  }
  low(ago = 0): number {
    return this.series.low[this.#at(ago)]!;
  }
  volume(ago = 0): number {
    return this.series.volume[this.#at(ago)]!;
  }
  time(ago = 0): number {
    return this.series.time[this.#at(ago)]!;
  }
  closes(n: number): Float64Array {
    const k = Math.min(n, this.length);
    return this.series.close.slice(this.cursor + 1 - k, this.cursor + 1);
  }
}
