// The streaming form: a strategy pushes each bar as it closes and gets that bar's feature row, equal
// bit for bit to the row buildFeatures gives for it (stream.test.ts). Costs one row's work per bar.
import type { BarSeries } from '../../model/bar.ts';
import { RowStepper } from './block.ts';
import { FeatureContext, type OhlcvBar } from './context.ts';
import { planBlocks } from './plan.ts';
import { parseFeatureSpec, type FeatureSpecInput } from './spec.ts';

export interface FeatureStreamOptions {
  /** The bars' length in ms (as BarSeries.timeframeMs; 0 = unknown): higher timeframes close with their last bar when known. */
  readonly timeframeMs?: number;
  readonly symbol?: string;
  /** Declare a benchmark (fed with pushBenchmark) and its bar length in ms. */
  readonly benchmark?: { readonly timeframeMs?: number };
}

export class FeatureStream {
  readonly names: readonly string[];
  readonly #stepper: RowStepper;

  constructor(spec: FeatureSpecInput, options: FeatureStreamOptions = {}) {
    const bench = options.benchmark;
    const blocks = planBlocks(parseFeatureSpec(spec), bench !== undefined);
    const ctx = FeatureContext.growing(options.symbol ?? '', options.timeframeMs ?? 0, bench === undefined ? null : (bench.timeframeMs ?? 0));
    this.#stepper = new RowStepper(blocks, ctx);
    this.names = this.#stepper.names;
  }

  /** A stream for bars like `series` (same timeframe), with `benchmark`'s timeframe when given. Pushes nothing. */
  static like(series: BarSeries, spec: FeatureSpecInput, options: { benchmark?: BarSeries } = {}): FeatureStream {
    return new FeatureStream(spec, {
      symbol: series.symbol,
      timeframeMs: series.timeframeMs,
      ...(options.benchmark ? { benchmark: { timeframeMs: options.benchmark.timeframeMs } } : {}),
    });
  }

  /** Bars pushed so far. */
  get length(): number {
    return this.#stepper.ctx.n;
  }

  /**
   * Adds the next closed bar and returns its feature row. The array is reused by the next push: copy
   * it to keep it. Benchmark bars must be pushed (pushBenchmark) before the bar they align with.
   */
  push(bar: OhlcvBar): Float64Array {
    return this.#stepper.push(bar);
  }

  /** Adds the next closed benchmark bar. */
  pushBenchmark(bar: OhlcvBar): void {
    this.#stepper.ctx.appendBenchmark(bar);
  }
}
