// Shapes shared by the research tools: parameter sets, what one trial measures, and the runner port
// through which optimizers and walk-forward evaluate parameter sets (the engine or a fast kernel).

/** One parameter set: strategy param name -> value. */
export type ParamValue = string | number | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

/** A slice of the timeline: indicators run on every bar before `toMs`; trading starts at `fromMs`. */
export interface TimeWindow {
  /** First bar time that may trade (and the first equity point measured), epoch ms. */
  readonly fromMs: number;
  /** End of the window, exclusive, epoch ms. */
  readonly toMs: number;
}

/**
 * Headline metrics of one trial over its window, with the meaning and formulas of
 * `computeMetrics` (analytics/metrics.ts). Null marks an undefined value.
 */
export interface TrialMetrics {
  readonly finalValue: number;
  readonly totalReturn: number | null;
  readonly cagr: number | null;
  readonly annualVolatility: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Worst peak-to-trough fall, a negative fraction (0 without drawdown). */
  readonly maxDrawdown: number | null;
  readonly calmar: number | null;
  /** Closed round trips. */
  readonly tradeCount: number;
  readonly periodsPerYear: number;
  /** Equity points measured (bars in the window). */
  readonly bars: number;
}

/** An equity curve over the trial's window. */
export interface EquityCurve {
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
}

/** What a runner reports for one parameter set. */
export interface TrialOutcome {
  readonly metrics: TrialMetrics;
  /**
   * Moments of the per-bar returns in `blocks` consecutive blocks: [n, Σr, Σr²] per block
   * (see `blockMoments`). Null when no blocks were asked for.
   */
  readonly moments: Float64Array | null;
  /** The equity curve, when `keepCurve` was asked for. */
  readonly curve?: EquityCurve;
}

export interface EvaluateRequest {
  /** Measure this window only (default: all the data). */
  readonly window?: TimeWindow;
  /** Blocks of per-bar return moments to report (0: none). */
  readonly blocks: number;
  readonly keepCurve: boolean;
}

/**
 * Evaluates parameter sets. Research code never runs the engine itself: the application injects a
 * runner (the event-driven engine, or the fast vectorized kernel for the rules it covers).
 */
export interface Runner {
  /** Bar times of the data the runner evaluates on (ascending, distinct). */
  readonly timeline: Float64Array;
  /** Parameter sets per `evaluate` call that keep it busy without starving progress reports. */
  readonly batchSize?: number;
  evaluate(params: readonly Params[], request: EvaluateRequest): Promise<TrialOutcome[]>;
  /** Releases workers and buffers. */
  close?(): Promise<void>;
}

export type ProgressFn = (done: number, total: number) => void;
