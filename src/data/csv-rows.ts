// The hot loop: data rows -> columns, validating every row. One pass over the text, field spans
// instead of substrings, no object per row; strings are only built to describe a bad row.
import { toIso } from '../core/time.ts';
import type { ColumnLayout } from './csv-header.ts';
import { makeSpans, splitPlain, splitQuoted, type FieldSpans } from './csv-fields.ts';
import { parseDecimal } from './parse-number.ts';
import { DateTimeParser, parseEpoch, parseTimeOfDay } from './parse-time.ts';

/** How the time column is written, once `auto` has been resolved. */
export type ResolvedTimeFormat = 'iso' | 'epoch-s' | 'epoch-ms';

export interface RowProblem {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface RowsInput {
  readonly text: string;
  /** Offset of the first character after the header line. */
  readonly start: number;
  /** 1-based line number of the line that starts at `start`. */
  readonly firstLine: number;
  readonly layout: ColumnLayout;
  readonly delimiter: string;
  readonly timeFormat: ResolvedTimeFormat;
  /** Upper bound on the number of data rows (lines left in the text). */
  readonly capacity: number;
  /** Called for every bad row: throws (strict) or records (skip mode). */
  readonly onBadRow: (problem: RowProblem) => void;
}

export interface ParsedRows {
  readonly length: number;
  readonly skipped: number;
  /** Line of the first bad row, 0 when none. */
  readonly firstBadLine: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function parseRows(input: RowsInput): ParsedRows {
  const { text, layout, delimiter, capacity } = input;
  const time = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  const fields = layout.count;
  const spans = makeSpans(fields);
  const st = spans.starts;
  const en = spans.ends;
  const split = text.includes('"', input.start) ? splitQuoted : splitPlain;
  const epochUnit = input.timeFormat === 'epoch-s' ? 1000 : input.timeFormat === 'epoch-ms' ? 1 : 0;
  const dates = new DateTimeParser();
  const { time: T, timeOfDay: TD, open: O, high: H, low: L, close: C, volume: V } = layout;
  const len = text.length;
  let pos = input.start;
  let line = input.firstLine;
  let n = 0;
  let skipped = 0;
  let firstBadLine = 0;
  let prevT = -Infinity;
  let prevLine = 0;
  const reject = (lineNo: number, field: string, message: string): void => {
    skipped++;
    if (firstBadLine === 0) firstBadLine = lineNo;
    input.onBadRow({ line: lineNo, field, message });
  };

  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    const ls = pos;
    const lineNo = line++;
    pos = nl + 1;
    if (end === ls) continue;

    const count = split(text, ls, end, delimiter, spans);
    if (count !== fields) {
      if (text.slice(ls, end).trim() === '') continue;
      const field = count < fields ? layout.names[count]! : `column ${fields + 1}`;
      reject(lineNo, field, `expected ${fields} fields, found ${count}`);
      continue;
    }
    let t = epochUnit > 0 ? parseEpoch(text, st[T]!, en[T]!, epochUnit) : dates.parse(text, st[T]!, en[T]!);
    if (TD >= 0 && t === t) t += parseTimeOfDay(text, st[TD]!, en[TD]!);
    const o = parseDecimal(text, st[O]!, en[O]!);
    const h = parseDecimal(text, st[H]!, en[H]!);
    const l = parseDecimal(text, st[L]!, en[L]!);
    const c = parseDecimal(text, st[C]!, en[C]!);
    const v = V >= 0 ? parseDecimal(text, st[V]!, en[V]!) : 0;
    // One combined test on the common path; the slow path says what is wrong.
    if (!(t === t && o > 0 && h > 0 && l > 0 && c > 0 && v >= 0 && h >= l && o >= l && o <= h && c >= l && c <= h && t > prevT)) {
      const problem = describe(text, spans, layout, epochUnit, dates, [t, o, h, l, c, v], prevT, prevLine);
      reject(lineNo, problem[0], problem[1]);
      continue;
    }
    time[n] = t;
    open[n] = o;
    high[n] = h;
    low[n] = l;
    close[n] = c;
    volume[n] = v;
    n++;
    prevT = t;
    prevLine = lineNo;
  }
  const cut = (a: Float64Array): Float64Array => (n === capacity ? a : a.slice(0, n));
  return { length: n, skipped, firstBadLine, time: cut(time), open: cut(open), high: cut(high), low: cut(low), close: cut(close), volume: cut(volume) };
}

/** [field, message] for the first problem of a row that failed the combined test. */
function describe(
  text: string,
  spans: FieldSpans,
  layout: ColumnLayout,
  epochUnit: number,
  dates: DateTimeParser,
  values: readonly [number, number, number, number, number, number],
  prevT: number,
  prevLine: number,
): [string, string] {
  const [t, o, h, l, c, v] = values;
  const raw = (col: number): string => text.slice(spans.starts[col], spans.ends[col]).trim().replace(/^"(.*)"$/, '$1');
  const name = (col: number): string => layout.names[col]!;
  if (t !== t) {
    const T = layout.time;
    const TD = layout.timeOfDay;
    if (TD >= 0) {
      const day = dates.parse(text, spans.starts[T]!, spans.ends[T]!);
      if (day === day) return [name(TD), `cannot parse "${raw(TD)}" as a time of day (HH:MM[:SS])`];
    }
    const expected = epochUnit === 1000 ? 'epoch seconds' : epochUnit === 1 ? 'epoch milliseconds' : 'a date (YYYY-MM-DD[ HH:MM:SS])';
    return [name(T), `cannot parse "${raw(T)}" as ${expected}`];
  }
  const prices: [number, number][] = [
    [layout.open, o],
    [layout.high, h],
    [layout.low, l],
    [layout.close, c],
  ];
  for (const [col, x] of prices) {
    if (x !== x) return [name(col), numberProblem(raw(col))];
    if (!(x > 0)) return [name(col), `price must be positive, got ${raw(col)}`];
  }
  if (layout.volume >= 0) {
    if (v !== v) return [name(layout.volume), numberProblem(raw(layout.volume))];
    if (v < 0) return [name(layout.volume), `volume must not be negative, got ${raw(layout.volume)}`];
  }
  if (h < l) return [name(layout.high), `high ${h} is below low ${l}`];
  if (o < l || o > h) return [name(layout.open), `open ${o} is outside [low ${l}, high ${h}]`];
  if (c < l || c > h) return [name(layout.close), `close ${c} is outside [low ${l}, high ${h}]`];
  const when = toIso(t);
  if (t === prevT) return [name(layout.time), `duplicate time ${when} (same as line ${prevLine})`];
  return [name(layout.time), `time ${when} is not after the previous row's ${toIso(prevT)} (line ${prevLine}); rows must be in ascending time order`];
}

function numberProblem(raw: string): string {
  if (raw === '') return 'empty value';
  if (raw.toLowerCase() === 'nan') return 'value is NaN';
  return `cannot parse "${raw}" as a number`;
}
