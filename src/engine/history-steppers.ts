// Stepping through history one event at a time. `TradingNode.step()` advances a stepper by one event (a
// bar of one feed, or a tick): `advance(1)`; `run()` calls the same `advance` with no limit, which does
// one whole time step per call (every feed's bar at that time). So a stepped run and a whole run are the
// same code, and the whole run's loop keeps the shape V8 optimized best in the three loops this replaces:
// a small monomorphic call per time with an inner loop over the feeds calling the kernel. (A `step()` per
// bar inlined into the run loop cost about 10% of the 100-symbol bench: the kernel's bar path ran out of
// inlining budget.)
//
// Per event: on a new time, financing is charged when the calendar day moves on and the clock advances;
// then the kernel sees the bar (or tick). After the last event of a time, one equity point is recorded
// (breakers see the equity first).
import type { SimulatedClock } from '../core/clock.ts';
import { utcDay } from '../core/time.ts';
import type { Position } from '../model/position.ts';
import type { Feed } from './feed.ts';
import type { Kernel } from './kernel.ts';
import { FeedMerger } from './merge.ts';
import type { TickEvent } from './node-config.ts';

export interface HistoryStepper {
  /** Advances one event; false (and nothing done) when the history is exhausted. */
  step(): boolean;
  /** Advances up to `max` events (at most one time step); false when the history is exhausted. */
  advance(max: number): boolean;
  /** Events done so far. */
  readonly done: number;
  readonly total: number;
  readonly curve: EquityCurve;
}

/** The equity curve: one point per distinct time, with the gross exposure / equity at that point. */
export class EquityCurve {
  points = 0;
  readonly equity: Float64Array;
  readonly exposure: Float64Array;
  readonly #open: readonly Position[];

  constructor(
    private readonly kernel: Kernel,
    /** Point times: shared with the data when every feed is on one calendar (written only when not). */
    readonly time: Float64Array,
    private readonly ownTimes: boolean,
    capacity: number,
    private readonly breakers: boolean,
  ) {
    this.equity = new Float64Array(capacity);
    this.exposure = new Float64Array(capacity);
    this.#open = kernel.portfolio.openPositions();
  }

  /** After the last event of time `t`: breakers see the equity, then the point is recorded. */
  record(t: number): void {
    if (this.breakers) this.kernel.afterStep(t);
    // Equity and gross exposure in one pass over the open positions.
    const open = this.#open;
    let value = 0;
    let gross = 0;
    for (let k = 0; k < open.length; k++) {
      const p = open[k]!;
      const v = p.qty * p.lastPrice * p.multiplier;
      value += v;
      gross += v < 0 ? -v : v;
    }
    const eq = this.kernel.portfolio.cash + value;
    const i = this.points++;
    this.equity[i] = eq;
    if (open.length !== 0) this.exposure[i] = eq > 0 ? gross / eq : 0;
    if (this.ownTimes) this.time[i] = t;
  }
}

/** Charges financing when the calendar day moves on (only built when a rate is set). */
export class Financing {
  #lastDay = NaN;
  constructor(private readonly kernel: Kernel) {}
  onTime(t: number): void {
    const day = utcDay(t);
    if (day !== this.#lastDay) {
      if (this.#lastDay === this.#lastDay) this.kernel.accrue(day - this.#lastDay);
      this.#lastDay = day;
    }
  }
}

/** True when every feed has exactly the same bar times (and there is at least one bar). */
export function sharedCalendar(feeds: readonly Feed[]): boolean {
  const first = feeds[0]!.series;
  for (let k = 1; k < feeds.length; k++) {
    const s = feeds[k]!.series;
    if (s.length !== first.length) return false;
    for (let i = 0; i < s.length; i++) if (s.time[i] !== first.time[i]) return false;
  }
  return first.length > 0;
}

/**
 * Feeds on one calendar (one feed, or several with the same bar times): step through the times and visit
 * the feeds in feed order, which is exactly the order a time merge gives, without the heap.
 */
export class CalendarStepper implements HistoryStepper {
  done = 0;
  readonly total: number;
  readonly curve: EquityCurve;
  #i = 0;
  #k = 0;
  readonly #n: number;
  readonly #width: number;
  readonly #time: Float64Array;

  constructor(
    private readonly kernel: Kernel,
    private readonly clock: SimulatedClock,
    private readonly feeds: readonly Feed[],
    private readonly financing: Financing | null,
  ) {
    this.#time = feeds[0]!.series.time;
    this.#n = feeds[0]!.series.length;
    this.#width = feeds.length;
    this.total = this.#n * this.#width;
    this.curve = new EquityCurve(kernel, this.#time, false, this.#n, kernel.hasBreakers);
  }

  step(): boolean {
    return this.advance(1);
  }

  /**
   * Up to `max` bars of the current time, in feed order (the time's first bar moves the clock, its last
   * records the equity point); false when the history is done. `step()` is `advance(1)`; `run()` calls
   * `advance(Infinity)`, one time per call, so the whole-run loop has the shape V8 optimizes best: an
   * inner loop over the feeds calling the kernel.
   */
  advance(max: number): boolean {
    const i = this.#i;
    if (i >= this.#n) return false;
    let k = this.#k;
    const t = this.#time[i]!;
    if (k === 0) {
      if (this.financing !== null) this.financing.onTime(t);
      this.clock.advanceTo(t);
    }
    const width = this.#width;
    const end = width - k <= max ? width : k + max;
    const feeds = this.feeds;
    const kernel = this.kernel;
    this.done += end - k;
    for (; k < end; k++) kernel.onBar(feeds[k]!, i);
    if (k < width) {
      this.#k = k;
      return true;
    }
    this.#k = 0;
    this.#i = i + 1;
    this.curve.record(t);
    return true;
  }
}

/** Feeds on different calendars, and ticks: a deterministic time merge (ticks first at equal times). */
export class MergeStepper implements HistoryStepper {
  done = 0;
  readonly total: number;
  readonly curve: EquityCurve;
  readonly #merger: FeedMerger;
  #tick = 0;
  #cur = NaN;

  constructor(
    private readonly kernel: Kernel,
    private readonly clock: SimulatedClock,
    private readonly feeds: readonly Feed[],
    private readonly ticks: readonly TickEvent[],
    private readonly financing: Financing | null,
  ) {
    this.#merger = new FeedMerger(feeds);
    this.total = feeds.reduce((n, f) => n + f.series.length, 0) + ticks.length;
    this.curve = new EquityCurve(kernel, new Float64Array(this.total), true, this.total, kernel.hasBreakers);
  }

  advance(_max: number): boolean {
    return this.step();
  }

  step(): boolean {
    const merger = this.#merger;
    const ticks = this.ticks;
    const tickFirst = this.#tick < ticks.length && ticks[this.#tick]!.tsEventMs <= merger.peekTime();
    if (!tickFirst && merger.isEmpty) return false;
    const t = tickFirst ? ticks[this.#tick]!.tsEventMs : merger.peekTime();
    if (t !== this.#cur) {
      this.#cur = t;
      if (this.financing !== null) this.financing.onTime(t);
      this.clock.advanceTo(t);
    }
    if (tickFirst) {
      const e = ticks[this.#tick++]!;
      if (e.kind === 'quote') this.kernel.onQuote(e.quote);
      else if (e.kind === 'trade') this.kernel.onTrade(e.trade);
      else this.kernel.onBook(e.book);
    } else {
      const f = this.feeds[merger.top()]!;
      this.kernel.onBar(f, f.cursor);
      merger.advanceTop();
    }
    this.done++;
    // The time's last event closes its equity point.
    const nextTick = this.#tick < ticks.length ? ticks[this.#tick]!.tsEventMs : Infinity;
    const next = nextTick <= merger.peekTime() ? nextTick : merger.peekTime();
    if (next !== t) this.curve.record(t);
    return true;
  }
}
