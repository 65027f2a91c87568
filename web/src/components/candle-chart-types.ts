// What CandleChart draws (kept apart from the component, so that plain modules and their tests can build it).
export interface CandleBar {
  readonly timeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}
export interface IndicatorLine {
  readonly name: string;
  readonly color: string;
  /** 0: over the price; 1: the lower pane (oscillators). */
  readonly pane: 0 | 1;
  readonly dashed?: boolean;
  readonly points: readonly { readonly timeMs: number; readonly value: number }[];
}
export interface PriceMarker {
  readonly timeMs: number;
  readonly side: 'buy' | 'sell';
  readonly text: string;
}
