// Loading OHLCV bars from CSV files: Yahoo, backtrader, pandas exports and mapped generic files.
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputError } from '../core/errors.ts';
import { BarSeries } from '../model/bar.ts';
import { detectDelimiter, makeSpans, splitHeader, splitQuoted } from './csv-fields.ts';
import { cleanHeaderCell, resolveColumns, type ColumnLayout, type ColumnMapping } from './csv-header.ts';
import { parseRows, type RowProblem } from './csv-rows.ts';
import { looksLikeClock, resolveTimeFormat, type TimeFormat } from './csv-time-format.ts';
import { inferTimeframeMs } from './timeframe.ts';

export type { BarField, ColumnMapping } from './csv-header.ts';
export type { TimeFormat } from './csv-time-format.ts';

export interface CsvOptions {
  /** Default: the file's base name without extension, uppercased. */
  readonly symbol?: string;
  /** Skip and count bad rows instead of throwing on the first one. */
  readonly skipBadRows?: boolean;
  /** Header names to use per field, for files whose headers are not recognised. */
  readonly columns?: ColumnMapping;
  /** Default `auto`. */
  readonly timeFormat?: TimeFormat;
  /** Default: the most common gap between consecutive bars. */
  readonly timeframeMs?: number;
}

export type SkippedRow = RowProblem;

export interface CsvLoadResult {
  readonly series: BarSeries;
  readonly skipped: number;
  /** Details of the first `MAX_SKIPPED_DETAILS` skipped rows (all of them are counted in `skipped`). */
  readonly skippedRows: SkippedRow[];
}

export const MAX_SKIPPED_DETAILS = 1000;

export function loadCsv(path: string, opts: CsvOptions = {}): CsvLoadResult {
  let text: string;
  try {
    text = decodeText(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new InputError(`cannot read the file: ${reason}`, { file: path });
  }
  return parseCsv(text, { ...opts, file: path });
}

export function parseCsv(text: string, opts: CsvOptions & { readonly file: string }): CsvLoadResult {
  const { file } = opts;
  const header = findHeader(text, file);
  const delimiter = detectDelimiter(header.text);
  const cells = splitHeader(header.text, delimiter).map(cleanHeaderCell);
  let layout = resolveColumns(cells, opts.columns ?? {}, file, header.line);
  const first = firstDataRow(text, header.next, delimiter, layout);
  if (first === undefined) throw new InputError('no data rows after the header', { file, line: header.line + 1, field: layout.names[layout.time]! });
  const timeFormat = resolveTimeFormat(opts.timeFormat ?? 'auto', first[layout.time] ?? '');
  if (layout.timeOfDay >= 0 && (timeFormat !== 'iso' || !looksLikeClock(first[layout.timeOfDay] ?? ''))) {
    layout = { ...layout, timeOfDay: -1 } satisfies ColumnLayout;
  }

  const skippedRows: SkippedRow[] = [];
  const rows = parseRows({
    text,
    start: header.next,
    firstLine: header.line + 1,
    layout,
    delimiter,
    timeFormat,
    capacity: countLines(text, header.next),
    onBadRow: (p) => {
      if (!opts.skipBadRows) throw new InputError(p.message, { file, line: p.line, field: p.field });
      if (skippedRows.length < MAX_SKIPPED_DETAILS) skippedRows.push(p);
    },
  });
  if (rows.length === 0) {
    const first = skippedRows[0];
    throw new InputError(`no valid data rows: all ${rows.skipped} were skipped${first ? ` (first: ${first.message})` : ''}`, {
      file,
      line: rows.firstBadLine,
      field: first?.field ?? layout.names[layout.time]!,
    });
  }
  const symbol = opts.symbol ?? defaultSymbol(file);
  const timeframeMs = opts.timeframeMs ?? inferTimeframeMs(rows.time, rows.length);
  const series = new BarSeries(symbol, rows.length, timeframeMs, rows);
  return { series, skipped: rows.skipped, skippedRows };
}

/** `data/orcl-2014.txt` -> `ORCL-2014`. */
export function defaultSymbol(file: string): string {
  const base = basename(file);
  return base.slice(0, base.length - extname(base).length).toUpperCase();
}

/** The first non-blank line (after a byte-order mark), its 1-based number and where the next begins. */
function findHeader(text: string, file: string): { text: string; line: number; next: number } {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const content = text.slice(pos, nl).replace(/\r$/, '');
    if (content.trim() !== '') return { text: content, line, next: nl + 1 };
    pos = nl + 1;
    line++;
  }
  throw new InputError('the file is empty', { file, line: 1 });
}

/**
 * Cells of the first non-blank data line with the header's field count (used to resolve `auto`
 * formats); `[]` when every data line is malformed (the row loop reports them), undefined when none.
 */
function firstDataRow(text: string, start: number, delimiter: string, layout: ColumnLayout): string[] | undefined {
  const spans = makeSpans(layout.count);
  let sawData = false;
  let pos = start;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (text.slice(pos, end).trim() !== '') {
      sawData = true;
      if (splitQuoted(text, pos, end, delimiter, spans) === layout.count) {
        return Array.from(spans.starts, (s, i) => text.slice(s, spans.ends[i]));
      }
    }
    pos = nl + 1;
  }
  return sawData ? [] : undefined;
}

/**
 * Lines from `start` to the end of the text: an upper bound on the data rows, and exactly their number
 * in a clean file, so the columns are filled to their length and need no copy. A final newline ends the
 * last line; it does not start another.
 */
function countLines(text: string, start: number): number {
  let n = 1;
  for (let i = text.indexOf('\n', start); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length > start && text.charCodeAt(text.length - 1) === 10 ? n - 1 : n;
}

/** The file as text (UTF-8). A pure-ASCII file, the usual case, decodes as Latin-1: the same string, made faster. */
function decodeText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
