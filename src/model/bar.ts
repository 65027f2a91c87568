// Bars: a read-only view for strategies, and columnar series for bulk history.

export interface Bar {
  readonly symbol: string;
  /** Bar open time, epoch ms UTC. */
  readonly tsEventMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Columnar OHLCV history of one symbol: 48 bytes a bar, no object per bar. Loaded history is built
 * at its final length; a live series grows with `append` (capacity doubles, views stay valid).
 */
export class BarSeries {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(
    readonly symbol: string,
    public length: number,
    /** Nominal bar length in ms (86_400_000 for daily), 0 when unknown. */
    readonly timeframeMs = 0,
    columns?: { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array },
  ) {
    this.time = columns?.time ?? new Float64Array(length);
    this.open = columns?.open ?? new Float64Array(length);
    this.high = columns?.high ?? new Float64Array(length);
    this.low = columns?.low ?? new Float64Array(length);
    this.close = columns?.close ?? new Float64Array(length);
    this.volume = columns?.volume ?? new Float64Array(length);
  }

  /** Appends a bar (live feeds); grows the columns when full. */
  append(tsMs: number, open: number, high: number, low: number, close: number, volume: number): number {
    const i = this.length;
    if (i === this.time.length) this.#grow(Math.max(16, i * 2));
    this.time[i] = tsMs;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
    this.length = i + 1;
    return i;
  }

  /** An empty series with room for `capacity` bars before it grows. */
  static empty(symbol: string, timeframeMs = 0, capacity = 1024): BarSeries {
    const s = new BarSeries(symbol, capacity, timeframeMs);
    s.length = 0;
    return s;
  }

  #grow(capacity: number): void {
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.time = grow(this.time);
    this.open = grow(this.open);
    this.high = grow(this.high);
    this.low = grow(this.low);
    this.close = grow(this.close);
    this.volume = grow(this.volume);
  }

  /** A plain object for bar i (allocates: for tests and boundaries, not the hot path). */
  at(i: number): Bar {
    return {
      symbol: this.symbol,
      tsEventMs: this.time[i]!,
      open: this.open[i]!,
      high: this.high[i]!,
      low: this.low[i]!,
      close: this.close[i]!,
      volume: this.volume[i]!,
    };
  }

  /** Bars [from, to) as a new series sharing no memory with this one. */
  slice(from: number, to: number): BarSeries {
    const s = new BarSeries(this.symbol, Math.max(0, to - from), this.timeframeMs);
    s.time.set(this.time.subarray(from, to));
    s.open.set(this.open.subarray(from, to));
    s.high.set(this.high.subarray(from, to));
    s.low.set(this.low.subarray(from, to));
    s.close.set(this.close.subarray(from, to));
    s.volume.set(this.volume.subarray(from, to));
    return s;
  }

  /** Index of the first bar with time >= tsMs (length when none). */
  lowerBound(tsMs: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time[mid]! < tsMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first bar with time > tsMs (length when none). */
  upperBound(tsMs: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time[mid]! <= tsMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  static fromBars(symbol: string, bars: readonly Omit<Bar, 'symbol'>[], timeframeMs = 0): BarSeries {
    const s = new BarSeries(symbol, bars.length, timeframeMs);
    bars.forEach((b, i) => {
      s.time[i] = b.tsEventMs;
      s.open[i] = b.open;
      s.high[i] = b.high;
      s.low[i] = b.low;
      s.close[i] = b.close;
      s.volume[i] = b.volume;
    });
    return s;
  }
}

/**
 * A moving window onto one bar of a series. The kernel re-points it instead of allocating a bar per
 * step; it can only ever show the current bar, so a strategy holding it cannot read ahead.
 * Valid during the callback that received it; call `snapshot()` to keep a copy.
 */
export class BarView implements Bar {
  #series: BarSeries;
  #i = 0;
  constructor(series: BarSeries) {
    this.#series = series;
  }
  get symbol(): string {
    return this.#series.symbol;
  }
  get tsEventMs(): number {
    return this.#series.time[this.#i]!;
  }
  get open(): number {
    return this.#series.open[this.#i]!;
  }
  get high(): number {
    return this.#series.high[this.#i]!;
  }
  get low(): number {
    return this.#series.low[this.#i]!;
  }
  get close(): number {
    return this.#series.close[this.#i]!;
  }
  get volume(): number {
    return this.#series.volume[this.#i]!;
  }
  /** Index of the bar within its series. */
  get index(): number {
    return this.#i;
  }
  /** @internal kernel only */
  moveTo(i: number): void {
    this.#i = i;
  }
  snapshot(): Bar {
    return this.#series.at(this.#i);
  }
}
