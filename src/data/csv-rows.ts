// The hot loop: data rows -> columns, validating every row. One pass over the text, field spans
// instead of substrings, no object per row; strings are only built to describe a bad row.
import { toIso } from '../core/time.ts';
import type { ColumnLayout } from './csv-header.ts';
import { makeSpans, splitPlain, splitQuoted, type FieldSpans } from './csv-fields.ts';
import { fieldEnd, parseDecimal, parseDecimalField } from './parse-number.ts';
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
  // Unquoted fields split by a comma or a semicolon: a line's fields are parsed in one scan,
  // each number up to the delimiter after it (the slow path, split then parse, takes any line it cannot).
  const fast = split === splitPlain && (delimiter === ',' || delimiter === ';') ? fieldRoles(layout) : null;
  const d = delimiter.charCodeAt(0);
  const row = new Float64Array(6);
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

    if (fast !== null && fastRow(text, ls, end, d, fast, epochUnit, dates, row)) {
      const t = row[0]!;
      const o = row[1]!;
      const h = row[2]!;
      const l = row[3]!;
      const c = row[4]!;
      const v = row[5]!;
      // The combined test of the slow path; a row failing it is taken again by the slow path, which says why.
      if (t === t && o > 0 && h > 0 && l > 0 && c > 0 && v >= 0 && h >= l && o >= l && o <= h && c >= l && c <= h && t > prevT) {
        time[n] = t;
        open[n] = o;
        high[n] = h;
        low[n] = l;
        close[n] = c;
        volume[n] = v;
        n++;
        prevT = t;
        prevLine = lineNo;
        continue;
      }
    }
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

// Column roles of the one-scan path.
const SKIP = 0;
const TIME = 1;
const TIME_OF_DAY = 2;
/** A number into row[role - 2]: open, high, low, close, volume (OPEN to OPEN + 4). */
const OPEN = 3;

/**
 * The role of each column (SKIP, TIME, TIME_OF_DAY, or OPEN + k for the k-th of open, high, low, close,
 * volume); null when a column has two roles (a mapping may read one price column as open, high, low and
 * close): the one-scan path gives each column one.
 */
function fieldRoles(layout: ColumnLayout): Int8Array | null {
  const roles = new Int8Array(layout.count);
  const cols = [layout.time, layout.timeOfDay, layout.open, layout.high, layout.low, layout.close, layout.volume];
  for (let k = 0; k < cols.length; k++) {
    const col = cols[k]!;
    if (col < 0) continue;
    if (roles[col] !== SKIP) return null;
    roles[col] = k === 0 ? TIME : k === 1 ? TIME_OF_DAY : OPEN + k - 2;
  }
  return roles;
}

/**
 * Parses the line `text[ls, end)` in one scan into row = [time, open, high, low, close, volume] (volume 0
 * without its column), each value as the slow path (split, then parseDecimal and the time parsers) gives
 * it. False when the line is not `roles.length` plain fields, or a number field is not plain: then the
 * slow path takes the line.
 */
function fastRow(text: string, ls: number, end: number, d: number, roles: Int8Array, epochUnit: number, dates: DateTimeParser, row: Float64Array): boolean {
  row[5] = 0;
  let timeOfDay = NaN;
  let hasTimeOfDay = false;
  let p = ls;
  const last = roles.length - 1;
  for (let col = 0; col <= last; col++) {
    const role = roles[col]!;
    let fe: number;
    if (role >= OPEN) {
      row[role - 2] = parseDecimalField(text, p, end, d);
      fe = fieldEnd[0]!;
      if (fe < 0) return false;
    } else {
      fe = p;
      while (fe < end && text.charCodeAt(fe) !== d) fe++;
      if (role === TIME) row[0] = epochUnit > 0 ? parseEpoch(text, p, fe, epochUnit) : dates.parse(text, p, fe);
      else if (role === TIME_OF_DAY) {
        hasTimeOfDay = true;
        timeOfDay = parseTimeOfDay(text, p, fe);
      }
    }
    // Every field but the last ends at a delimiter, the last at the end of the line.
    if (col < last ? fe >= end : fe !== end) return false;
    p = fe + 1;
  }
  if (hasTimeOfDay && row[0] === row[0]) row[0] = row[0]! + timeOfDay;
  return true;
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
