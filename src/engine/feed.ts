// One instrument's bar history inside a run, with the view and history window strategies see.
import { BarView, type BarSeries } from '../model/bar.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Position } from '../model/position.ts';
import { SeriesHistory } from './history.ts';
import type { BarDrivenLine } from './lines.ts';

export class Feed {
  readonly view: BarView;
  readonly history: SeriesHistory;
  cursor = 0;
  /** Indicator lines that fold each new bar (live feeds; backtest lines are computed up front). */
  readonly lines: BarDrivenLine[] = [];

  constructor(
    readonly index: number,
    readonly series: BarSeries,
    readonly instrument: Instrument,
    /** Venue slot when this feed drives matching for its symbol; -1 for data-only feeds (a second timeframe). */
    readonly venueSlot: number,
    readonly position: Position,
  ) {
    this.view = new BarView(series);
    this.history = new SeriesHistory(series);
  }

  get symbol(): string {
    return this.series.symbol;
  }
}
