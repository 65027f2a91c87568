// A look-ahead check for strategies: run on all the data and on its first k bars for several k; a
// strategy that uses only the past makes exactly the same fills up to bar k - 1 in both runs. Any
// difference means a decision before bar k depended on data from bar k or later (or on how much data
// there is). The runner is passed in, so this module stays free of the engine.
import type { BarSeries } from '../model/bar.ts';

/** The parts of a fill the check compares. */
export interface FillLike {
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly price: number;
  readonly tsMs: number;
}

/** Runs a fresh strategy over `series` and returns its fills in order. */
export type FillRunner = (series: readonly BarSeries[]) => readonly FillLike[];

export interface LookaheadMismatch {
  /** The cut: the prefix held the first k distinct bar times. */
  readonly k: number;
  /** Time of the last bar in the prefix. */
  readonly lastMs: number;
  /** Fills of the full run at or before `lastMs`. */
  readonly full: readonly FillLike[];
  /** Fills of the run on the prefix. */
  readonly prefix: readonly FillLike[];
}

/** The distinct bar times of several series, ascending. */
export function barTimes(series: readonly BarSeries[]): number[] {
  const set = new Set<number>();
  for (const s of series) for (let i = 0; i < s.length; i++) set.add(s.time[i]!);
  return [...set].sort((a, b) => a - b);
}

/** Every series cut to the bars at or before the k-th distinct time (k >= 1). */
export function firstBars(series: readonly BarSeries[], k: number): BarSeries[] {
  const times = barTimes(series);
  const last = times[Math.min(k, times.length) - 1] ?? -Infinity;
  return series.map((s) => s.slice(0, s.upperBound(last)));
}

function sameFill(a: FillLike, b: FillLike): boolean {
  return a.symbol === b.symbol && a.side === b.side && a.qty === b.qty && a.price === b.price && a.tsMs === b.tsMs;
}

/**
 * Runs on all of `series`, then on the first k bar times for each k in `cuts`, and returns the cuts
 * whose fills differ from the full run's fills up to that time (empty: no look-ahead found).
 */
export function findLookahead(series: readonly BarSeries[], cuts: readonly number[], run: FillRunner): LookaheadMismatch[] {
  const times = barTimes(series);
  const all = run(series);
  const out: LookaheadMismatch[] = [];
  for (const k of cuts) {
    if (!Number.isInteger(k) || k < 1 || k > times.length) throw new RangeError(`cut ${k} is outside 1..${times.length}`);
    const lastMs = times[k - 1]!;
    const full = all.filter((f) => f.tsMs <= lastMs);
    const prefix = run(firstBars(series, k));
    if (full.length !== prefix.length || full.some((f, i) => !sameFill(f, prefix[i]!))) out.push({ k, lastMs, full, prefix });
  }
  return out;
}
