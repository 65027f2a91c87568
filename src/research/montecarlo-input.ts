// What Monte Carlo resamples of a backtest run. The app reads it from a `backtest --json` file through the
// RunReport schema (src/app/montecarlo.ts); this layer only takes the validated numbers.

export interface BacktestRunData {
  /** Where the run came from, for messages. */
  readonly file: string;
  /** Starting equity: `params.cash` when present, else the first equity point. */
  readonly startEquity: number;
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
  /** Closed trades in file order (the engine lists them by exit). */
  readonly trades: readonly { readonly exitTimeMs: number; readonly pnl: number }[];
  readonly finalValue: number | null;
}
