// Look-ahead analysis in the manner of Freqtrade's `lookahead-analysis`: run the strategy on all the
// data, then for a sample of the bars where it acted re-run it on the data cut right after that bar.
// A strategy that uses only the past decides exactly the same at that bar (and before it) whether or
// not later bars exist; any difference means a decision used data from the future, e.g. an indicator
// computed over the whole series (a centred window, a shift(-1), a normalization by the full range).
// The runner is injected, so this module stays free of the engine.
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import { barTimes, firstBars, type FillLike } from '../strategies/lookahead.ts';

/** An order intent as the strategy made it: what "a signal" means here. */
export interface SignalRecord {
  /** Time of the bar the strategy acted on (epoch ms). */
  readonly timeMs: number;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly qty: number;
  readonly limitPrice?: number | undefined;
  readonly stopPrice?: number | undefined;
}

/** What one run of a fresh strategy did. */
export interface RunTrace {
  readonly signals: readonly SignalRecord[];
  readonly fills: readonly FillLike[];
}

/** Runs a fresh strategy (made for exactly this data) over `series`. */
export type TraceRunner = (series: readonly BarSeries[]) => RunTrace;

export interface LookaheadOptions {
  /** Signal bars to re-check (evenly spread over those with signals; all when fewer). Default 20. */
  readonly samples?: number;
}

/** One re-checked signal bar. */
export interface LookaheadBarResult {
  /** The bar (ISO time) after which the data was cut. */
  time: string;
  /** Its position among the distinct bar times (0-based). */
  barIndex: number;
  /** Signals of the full run at this bar. */
  fullSignals: string[];
  /** Signals of the run on the cut data at this bar. */
  cutSignals: string[];
  /** True when everything up to and including this bar matched. */
  ok: boolean;
  /** The first bar (ISO) where the two runs differ, or null. */
  firstDifference: string | null;
  /** What differed there: signals and fills of the full and the cut run. */
  difference: { full: string[]; cut: string[] } | null;
}

export interface LookaheadReport {
  bars: number;
  /** Distinct bars where the full run made a signal. */
  signalBars: number;
  signals: number;
  checked: number;
  /** Any checked bar differed: the strategy looks ahead. */
  biased: boolean;
  /** ISO times of the bars whose cut run differed. */
  biasedBars: string[];
  results: LookaheadBarResult[];
}

/** A signal as comparable text; without the quantity it names only the decision (what, when, which way). */
export function signalKey(s: SignalRecord, withQty = true): string {
  const px = s.limitPrice !== undefined || s.stopPrice !== undefined ? ` limit=${s.limitPrice ?? '-'} stop=${s.stopPrice ?? '-'}` : '';
  return `${toIso(s.timeMs)} ${s.symbol} ${s.side} ${s.type}${withQty ? ` ${s.qty}` : ''}${px}`;
}

export function fillKey(f: FillLike): string {
  return `${toIso(f.tsMs)} fill ${f.symbol} ${f.side} ${f.qty} @ ${f.price}`;
}

/** Signals and fills at or before `lastMs`, grouped by time, as comparable strings. */
function eventsUpTo(trace: RunTrace, lastMs: number): Map<number, string[]> {
  const byTime = new Map<number, string[]>();
  const add = (t: number, key: string): void => {
    const list = byTime.get(t);
    if (list === undefined) byTime.set(t, [key]);
    else list.push(key);
  };
  for (const s of trace.signals) if (s.timeMs <= lastMs) add(s.timeMs, signalKey(s));
  for (const f of trace.fills) if (f.tsMs <= lastMs) add(f.tsMs, fillKey(f));
  return byTime;
}

/** The earliest time whose events differ between two grouped event lists, or null. */
function firstDiff(a: Map<number, string[]>, b: Map<number, string[]>): number | null {
  const times = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const t of times) {
    const x = a.get(t) ?? [];
    const y = b.get(t) ?? [];
    if (x.length !== y.length || x.some((k, i) => k !== y[i])) return t;
  }
  return null;
}

/** Evenly spread picks of `count` items out of `n` (all when count >= n), ascending. */
export function spreadSample(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  if (count === 1) return [n - 1];
  const out = new Set<number>();
  for (let j = 0; j < count; j++) out.add(Math.round((j * (n - 1)) / (count - 1)));
  return [...out];
}

/** Runs the full data and one cut run per sampled signal bar; see the module comment. */
export function analyzeLookahead(series: readonly BarSeries[], run: TraceRunner, options: LookaheadOptions = {}): LookaheadReport {
  const samples = options.samples ?? 20;
  if (!Number.isSafeInteger(samples) || samples < 1) throw new ConfigError(`samples must be a positive integer, got ${samples}`, { field: '--samples' });
  const times = barTimes(series);
  if (times.length === 0) throw new ConfigError('look-ahead analysis needs data', { field: 'data' });
  const indexOf = new Map(times.map((t, i) => [t, i]));
  const full = run(series);
  const signalTimes = [...new Set(full.signals.map((s) => s.timeMs))].sort((a, b) => a - b);
  const picks = spreadSample(signalTimes.length, samples).map((i) => signalTimes[i]!);
  const results: LookaheadBarResult[] = [];
  for (const t of picks) {
    const k = indexOf.get(t);
    if (k === undefined) throw new ConfigError(`a signal at ${toIso(t)} is not at a bar time of the data`, { field: 'signals' });
    const cut = run(firstBars(series, k + 1));
    const a = eventsUpTo(full, t);
    const b = eventsUpTo(cut, t);
    const d = firstDiff(a, b);
    const at = (trace: RunTrace): string[] => trace.signals.filter((s) => s.timeMs === t).map((s) => signalKey(s));
    results.push({
      time: toIso(t), barIndex: k, fullSignals: at(full), cutSignals: at(cut), ok: d === null,
      firstDifference: d === null ? null : toIso(d), difference: d === null ? null : { full: a.get(d) ?? [], cut: b.get(d) ?? [] },
    });
  }
  const biasedBars = results.filter((r) => !r.ok).map((r) => r.time);
  return { bars: times.length, signalBars: signalTimes.length, signals: full.signals.length, checked: results.length, biased: biasedBars.length > 0, biasedBars, results };
}
