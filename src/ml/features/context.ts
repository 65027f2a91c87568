// The bars a feature row may read, plus per-bar derived columns (1-bar log return, range, turnover,
// the benchmark aligned to the series). Built over a whole series (batch) or grown bar by bar (stream);
// derived value i is computed from bars 0..i only, the same way in both, so both read the same bits.
import type { Columns } from '../../indicators/batch.ts';
import { BarSeries } from '../../model/bar.ts';

/** A bar as the feature stream takes it (a model `Bar` fits). */
export interface OhlcvBar {
  readonly tsEventMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const DERIVED = ['ret', 'pk', 'illiq', 'bOpen', 'bHigh', 'bLow', 'bClose', 'bVolume', 'bRet'] as const;

export class FeatureContext {
  readonly series: BarSeries;
  /** The benchmark's own bars (not aligned); null without one. */
  readonly bench: BarSeries | null;
  /** Rows computed so far (bars 0..n-1 of the series). */
  n = 0;
  // Views of the series' columns (re-pointed when a growing series reallocates).
  time!: Float64Array;
  open!: Float64Array;
  high!: Float64Array;
  low!: Float64Array;
  close!: Float64Array;
  volume!: Float64Array;
  /** 1-bar log return ln(c[i] / c[i-1]); NaN at 0. */
  ret: Float64Array;
  /** Squared log range ln(h[i] / l[i])^2 (Parkinson). */
  pk: Float64Array;
  /** Amihud term |ret[i]| / (c[i] v[i]); NaN when the turnover is not positive. */
  illiq: Float64Array;
  /** The benchmark bar last closed at or before each row's bar closes (NaN before the first one). */
  bOpen: Float64Array;
  bHigh: Float64Array;
  bLow: Float64Array;
  bClose: Float64Array;
  bVolume: Float64Array;
  /** ln(bClose[i] / bClose[i-1]). */
  bRet: Float64Array;
  /** The aligned benchmark arrays as indicator input columns (re-pointed when they grow). */
  benchCols!: Columns;
  /** First row with an aligned benchmark bar; -1 while none. */
  benchFirst = -1;
  #bj = -1;
  readonly #seriesTf: number;
  readonly #benchTf: number;

  private constructor(series: BarSeries, bench: BarSeries | null, capacity: number) {
    this.series = series;
    this.bench = bench;
    this.ret = new Float64Array(capacity);
    this.pk = new Float64Array(capacity);
    this.illiq = new Float64Array(capacity);
    const bcap = bench === null ? 0 : capacity;
    this.bOpen = new Float64Array(bcap);
    this.bHigh = new Float64Array(bcap);
    this.bLow = new Float64Array(bcap);
    this.bClose = new Float64Array(bcap);
    this.bVolume = new Float64Array(bcap);
    this.bRet = new Float64Array(bcap);
    // Bar lengths for "closed by then": each side's own, or the other's when one is unknown.
    this.#seriesTf = series.timeframeMs || (bench?.timeframeMs ?? 0);
    this.#benchTf = bench === null ? 0 : bench.timeframeMs || series.timeframeMs;
    this.#refresh();
    this.#pointBench();
  }

  /** Over a whole series (and benchmark): every derived column computed. */
  static over(series: BarSeries, bench?: BarSeries): FeatureContext {
    const ctx = new FeatureContext(series, bench ?? null, series.length);
    ctx.extend();
    return ctx;
  }

  /** An empty context that grows with `append` (the streaming form). */
  static growing(symbol: string, timeframeMs: number, benchTimeframeMs: number | null): FeatureContext {
    const bench = benchTimeframeMs === null ? null : BarSeries.empty('benchmark', benchTimeframeMs, 256);
    return new FeatureContext(BarSeries.empty(symbol, timeframeMs, 256), bench, 256);
  }

  get hasBenchmark(): boolean {
    return this.bench !== null;
  }

  /** Appends a bar to a growing context and computes its derived values. */
  append(b: OhlcvBar): void {
    this.series.append(b.tsEventMs, b.open, b.high, b.low, b.close, b.volume);
    this.extend();
  }

  /** Appends a benchmark bar; it is aligned to the series' bars appended after it. */
  appendBenchmark(b: OhlcvBar): void {
    if (this.bench === null) throw new RangeError('feature context: no benchmark was declared');
    this.bench.append(b.tsEventMs, b.open, b.high, b.low, b.close, b.volume);
  }

  /** Computes the derived columns for the series' bars not seen yet. */
  extend(): void {
    const len = this.series.length;
    if (len > this.ret.length) this.#grow(Math.max(len, this.ret.length * 2));
    this.#refresh();
    for (let i = this.n; i < len; i++) this.#derive(i);
    this.n = len;
  }

  /** The series' columns over rows [from, n), exactly that long (for batch indicator loops). */
  columns(from = 0): Columns {
    const s = this.series;
    const to = this.n;
    return {
      time: s.time.subarray(from, to),
      open: s.open.subarray(from, to),
      high: s.high.subarray(from, to),
      low: s.low.subarray(from, to),
      close: s.close.subarray(from, to),
      volume: s.volume.subarray(from, to),
    };
  }

  /** The aligned benchmark's columns over rows [from, n); undefined without a benchmark. */
  benchColumns(from = 0): Columns | undefined {
    if (this.bench === null) return undefined;
    const to = this.n;
    return {
      time: this.time.subarray(from, to),
      open: this.bOpen.subarray(from, to),
      high: this.bHigh.subarray(from, to),
      low: this.bLow.subarray(from, to),
      close: this.bClose.subarray(from, to),
      volume: this.bVolume.subarray(from, to),
    };
  }

  #derive(i: number): void {
    const c = this.close[i]!;
    const r = i > 0 ? Math.log(c / this.close[i - 1]!) : NaN;
    this.ret[i] = r;
    const lr = Math.log(this.high[i]! / this.low[i]!);
    this.pk[i] = lr * lr;
    const turnover = c * this.volume[i]!;
    this.illiq[i] = turnover > 0 ? Math.abs(r) / turnover : NaN;
    const b = this.bench;
    if (b === null) return;
    // Advance to the last benchmark bar that has closed when bar i closes.
    const closeMs = this.time[i]! + this.#seriesTf;
    while (this.#bj + 1 < b.length && b.time[this.#bj + 1]! + this.#benchTf <= closeMs) this.#bj++;
    const j = this.#bj;
    if (j < 0) {
      this.bOpen[i] = this.bHigh[i] = this.bLow[i] = this.bClose[i] = this.bVolume[i] = this.bRet[i] = NaN;
      return;
    }
    if (this.benchFirst < 0) this.benchFirst = i;
    this.bOpen[i] = b.open[j]!;
    this.bHigh[i] = b.high[j]!;
    this.bLow[i] = b.low[j]!;
    this.bClose[i] = b.close[j]!;
    this.bVolume[i] = b.volume[j]!;
    this.bRet[i] = i > 0 ? Math.log(b.close[j]! / this.bClose[i - 1]!) : NaN;
  }

  #refresh(): void {
    const s = this.series;
    this.time = s.time;
    this.open = s.open;
    this.high = s.high;
    this.low = s.low;
    this.close = s.close;
    this.volume = s.volume;
  }

  #grow(capacity: number): void {
    for (const k of DERIVED) {
      const a = this[k];
      if (a.length === 0) continue;
      const g = new Float64Array(capacity);
      g.set(a.subarray(0, this.n));
      this[k] = g;
    }
    this.#pointBench();
  }

  #pointBench(): void {
    this.benchCols = { open: this.bOpen, high: this.bHigh, low: this.bLow, close: this.bClose, volume: this.bVolume };
  }
}
