// Features of a higher timeframe: the series is resampled by the streaming Resampler (which returns a
// higher-timeframe bar only once its period has closed), the nested blocks run over those completed
// bars, and row i carries the nested row of the last higher-timeframe bar completed by bar i: never the
// one still forming. A period closes with its own last bar when the series' bar length is known
// (timeframeMs), else when the first bar of the next period arrives.
import { Resampler, timeframeMs, type Timeframe } from '../../data/resample.ts';
import { BarSeries, type Bar } from '../../model/bar.ts';
import { fillMatrix, RowStepper, type Block } from './block.ts';
import { FeatureContext } from './context.ts';

/** A reusable bar for the resampler (it copies what it keeps). */
class MutableBar implements Bar {
  symbol = '';
  tsEventMs = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  at(c: FeatureContext, i: number): this {
    this.symbol = c.series.symbol;
    this.tsEventMs = c.time[i]!;
    this.open = c.open[i]!;
    this.high = c.high[i]!;
    this.low = c.low[i]!;
    this.close = c.close[i]!;
    this.volume = c.volume[i]!;
    return this;
  }
}

export class TimeframeBlock implements Block {
  readonly names: readonly string[];
  readonly #bar = new MutableBar();
  #resampler: Resampler | null = null;
  #nested: RowStepper | null = null;
  #last: Float64Array;

  /** `makeBlocks` builds a fresh set of the nested blocks (each use needs its own state). */
  constructor(
    readonly label: string,
    readonly timeframe: Timeframe,
    readonly makeBlocks: () => Block[],
  ) {
    const names = makeBlocks().flatMap((b) => b.names);
    this.names = names.map((n) => `${label}:${n}`);
    this.#last = new Float64Array(names.length).fill(NaN);
  }

  fill(ctx: FeatureContext, out: Float64Array, offset: number, stride: number): void {
    const n = ctx.n;
    const r = new Resampler(this.timeframe, { barMs: ctx.series.timeframeMs });
    const bars: Bar[] = [];
    /** Row at which each higher-timeframe bar was completed. */
    const doneAt: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = r.update(this.#bar.at(ctx, i));
      if (b !== null) {
        bars.push(b);
        doneAt.push(i);
      }
    }
    const htf = BarSeries.fromBars(ctx.series.symbol, bars, timeframeMs(this.timeframe));
    const nested = fillMatrix(this.makeBlocks(), FeatureContext.over(htf));
    const k = this.names.length;
    let h = -1;
    for (let i = 0; i < n; i++) {
      while (h + 1 < doneAt.length && doneAt[h + 1]! <= i) h++;
      const p = i * stride + offset;
      if (h < 0) out.fill(NaN, p, p + k);
      else out.set(nested.subarray(h * k, h * k + k), p);
    }
  }

  step(ctx: FeatureContext, i: number, row: Float64Array, offset: number): void {
    const r = (this.#resampler ??= new Resampler(this.timeframe, { barMs: ctx.series.timeframeMs }));
    const b = r.update(this.#bar.at(ctx, i));
    if (b !== null) {
      const nested = (this.#nested ??= new RowStepper(
        this.makeBlocks(),
        FeatureContext.growing(ctx.series.symbol, timeframeMs(this.timeframe), null),
      ));
      this.#last = nested.push(b);
    }
    row.set(this.#last, offset);
  }
}
