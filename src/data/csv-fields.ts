// Splitting lines into field spans (start/end offsets into the file text) without substrings.

/** Reused per file: offsets of each field of the current line. */
export interface FieldSpans {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export function makeSpans(capacity: number): FieldSpans {
  return { starts: new Int32Array(capacity), ends: new Int32Array(capacity) };
}

/** Comma unless the header has none and does have semicolons or tabs. */
export function detectDelimiter(headerLine: string): string {
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes(';')) return ';';
  if (headerLine.includes('\t')) return '\t';
  return ',';
}

/**
 * Records the spans of `text[lineStart, lineEnd)` split at `delim` and returns the number of fields,
 * which can exceed the spans' capacity (the extra fields are counted, not recorded).
 */
export function splitPlain(text: string, lineStart: number, lineEnd: number, delim: string, spans: FieldSpans): number {
  const { starts, ends } = spans;
  const capacity = starts.length;
  const d = delim.charCodeAt(0);
  let f = 0;
  let start = lineStart;
  // A charCodeAt scan beats indexOf here: fields are short and indexOf has a fixed cost per call.
  for (let i = lineStart; i < lineEnd; i++) {
    if (text.charCodeAt(i) === d) {
      if (f < capacity) {
        starts[f] = start;
        ends[f] = i;
      }
      f++;
      start = i + 1;
    }
  }
  if (f < capacity) {
    starts[f] = start;
    ends[f] = lineEnd;
  }
  return f + 1;
}

/** As `splitPlain`, but a delimiter inside double quotes does not split (RFC 4180 style fields). */
export function splitQuoted(text: string, lineStart: number, lineEnd: number, delim: string, spans: FieldSpans): number {
  const { starts, ends } = spans;
  const capacity = starts.length;
  const d = delim.charCodeAt(0);
  let f = 0;
  let start = lineStart;
  let quoted = false;
  for (let i = lineStart; i <= lineEnd; i++) {
    const c = i < lineEnd ? text.charCodeAt(i) : d;
    if (c === 34) quoted = !quoted;
    else if (c === d && (!quoted || i === lineEnd)) {
      if (f < capacity) {
        starts[f] = start;
        ends[f] = i;
      }
      f++;
      start = i + 1;
    }
  }
  return f;
}

/** Header cells as strings (called once per file). */
export function splitHeader(line: string, delim: string): string[] {
  const spans = makeSpans(line.length + 1);
  const n = splitQuoted(line, 0, line.length, delim, spans);
  const cells: string[] = [];
  for (let i = 0; i < n; i++) cells.push(line.slice(spans.starts[i], spans.ends[i]));
  return cells;
}
