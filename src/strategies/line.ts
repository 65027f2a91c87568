// What ctx.indicator and ctx.indicators hand a strategy.

/**
 * One output of a library indicator on a symbol's bars, kept current by the engine: at each bar the
 * line already includes it. It never reads past the current bar. In a backtest the engine computes
 * it over the whole series at once (the batch form, as Freqtrade's populate_indicators does) and
 * reads it at the cursor; live, it folds the streaming form bar by bar. The two give the same values
 * (the indicator contract suite checks batch = streaming).
 */
export interface Line {
  /** The value at the current bar; null while the indicator warms up or before the symbol's first bar. */
  readonly value: number | null;
  /** The value `ago` bars back (0 = current bar); null before the indicator's first value. */
  ago(ago: number): number | null;
}
