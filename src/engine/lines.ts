// Indicator lines for strategies (StrategyContext.indicator). A backtest knows every bar of a feed
// before it starts, so a line is computed over the whole series at once with the library's batch
// form and read at the feed's cursor: it cannot see past the current bar, and it costs a tight loop
// instead of a streaming update per bar. Live feeds grow bar by bar, so there the line folds the
// streaming form as each bar arrives (the kernel calls `onBar` before strategies see the bar).
// Batch and streaming give the same values: the indicator contract suite checks it for every indicator.
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { Cursor, type Columns } from '../indicators/batch.ts';
import type { Indicator } from '../indicators/indicator.ts';
import { createIndicator, getIndicator, parseParams, type IndicatorDef, type Params, type Source } from '../indicators/registry.ts';
import { computeParsed, sourceValue } from '../indicators/run.ts';
import type { Line } from '../strategies/context.ts';
import type { SeriesHistory } from './history.ts';

/** A line the kernel must advance on every bar of its feed (live feeds). */
export interface BarDrivenLine {
  onBar(index: number): void;
}

/** What a line needs of its feed: the bars, and the cursor of the current one. */
export interface LineFeed {
  readonly series: BarSeries;
  readonly history: SeriesHistory;
  readonly lines: BarDrivenLine[];
}

function checkAgo(ago: number): void {
  if (!(ago >= 0) || !Number.isInteger(ago)) throw new ConfigError(`line: "ago" must be a whole number of bars back (0 or more), got ${ago}`, { field: 'ago' });
}

/** A column computed over the whole (known) series, read at the feed's cursor. */
class PrecomputedLine implements Line {
  constructor(
    private readonly column: Float64Array,
    private readonly history: SeriesHistory,
  ) {}

  // Read on every bar: kept within V8's "small function" size (27 bytes of bytecode), which is inlined
  // into the bar loop whatever the inlining budget left. Before the first bar the cursor is -1 and
  // column[-1] is undefined; `v >= v` is false for undefined and NaN (no value), true for every number.
  get value(): number | null {
    const v = this.column[this.history.cursor]!;
    if (v >= v) return v;
    return null;
  }

  ago(ago: number): number | null {
    checkAgo(ago);
    const i = this.history.cursor - ago;
    if (i < 0) return null;
    const v = this.column[i]!;
    return v === v ? v : null;
  }
}

/** A streaming indicator folded bar by bar; keeps its outputs so `ago` can look back. */
class StreamingLine implements Line, BarDrivenLine {
  #out = new Float64Array(64);
  #count = 0;
  readonly #cursor: Cursor;

  constructor(
    private readonly def: IndicatorDef,
    private readonly params: Params,
    private readonly indicator: Indicator<never, unknown>,
    private readonly output: string,
    private readonly series: BarSeries,
  ) {
    this.#cursor = new Cursor(series);
  }

  get value(): number | null {
    return this.ago(0);
  }

  ago(ago: number): number | null {
    checkAgo(ago);
    const i = this.#count - 1 - ago;
    if (i < 0) return null;
    const v = this.#out[i]!;
    return v === v ? v : null;
  }

  /** Folds bar `index` (bars arrive in order; one already folded is skipped). */
  onBar(index: number): void {
    if (index < this.#count) return;
    const out = this.#fold(index);
    if (this.#count === this.#out.length) {
      const wider = new Float64Array(this.#out.length * 2);
      wider.set(this.#out);
      this.#out = wider;
    }
    this.#out[this.#count++] = out;
  }

  #fold(i: number): number {
    const s = this.series;
    let r: unknown;
    if (this.def.inputs === 'close') r = (this.indicator as Indicator<number, unknown>).update(sourceValue(s, this.params['source'] as Source, i));
    else r = (this.indicator as Indicator<Cursor, unknown>).update(this.#cursor.at(i));
    if (r === null) return NaN;
    return typeof r === 'number' ? r : (r as Record<string, number>)[this.output]!;
  }
}

function knownColumns(s: BarSeries): Columns {
  const n = s.length;
  return { open: s.open.subarray(0, n), high: s.high.subarray(0, n), low: s.low.subarray(0, n), close: s.close.subarray(0, n), volume: s.volume.subarray(0, n), time: s.time.subarray(0, n) };
}

/**
 * A line of indicator `name` on `feed`. With `wholeSeries` (backtests: every bar is known) it is
 * computed at once; otherwise it folds the bars seen so far and registers for the ones to come.
 */
export function indicatorLine(feed: LineFeed, name: string, rawParams: Readonly<Record<string, unknown>>, output: string | undefined, wholeSeries: boolean): Line {
  const def = getIndicator(name);
  if (def.inputs === 'pair') throw new ConfigError(`${def.name} reads two series; a strategy line reads one symbol`, { field: 'indicator' });
  const key = output ?? def.outputs[0]!;
  if (!def.outputs.includes(key)) throw new ConfigError(`${def.name} has no output "${key}"; it has ${def.outputs.join(', ')}`, { field: 'output' });
  const params = parseParams(def, rawParams);
  if (wholeSeries) return new PrecomputedLine(computeParsed(def, params, knownColumns(feed.series))[key]!, feed.history);
  const line = new StreamingLine(def, params, createIndicator(def, params), key, feed.series);
  for (let i = 0; i <= feed.history.cursor; i++) line.onBar(i);
  feed.lines.push(line);
  return line;
}
