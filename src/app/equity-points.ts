// The `equity` array of a backtest report: one `{ time, equity }` per point of the curve, built from the
// engine's columns when first read (see lazy-property.ts).
import { toIso, writeIso } from '../core/time.ts';
import { defineLazy, isPending } from './lazy-property.ts';

export interface EquityPoint {
  time: string;
  equity: number;
}

/** The points of the curve as objects. */
export function equityPoints(time: Float64Array, equity: Float64Array): EquityPoint[] {
  const points = new Array<EquityPoint>(equity.length);
  for (let i = 0; i < equity.length; i++) points[i] = { time: toIso(time[i]!), equity: equity[i]! };
  return points;
}

export interface EquityColumns {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

/** The columns behind each lazy `equity`, for writers that can format them without the objects. */
const COLUMNS = new WeakMap<object, EquityColumns>();

/** Defines `target.equity` as the points of the curve, built when first read. */
export function defineLazyEquity(target: object, time: Float64Array, equity: Float64Array): void {
  COLUMNS.set(target, { time, equity });
  defineLazy(target, 'equity', () => equityPoints(time, equity));
}

/** The columns of `target.equity` while it has not been read (nor replaced); undefined after. */
export function pendingEquityColumns(target: object): EquityColumns | undefined {
  return isPending(target, 'equity') ? COLUMNS.get(target) : undefined;
}

/** Points per piece of text from `equityJsonPieces`: about 80 KB each. */
const POINTS_PER_PIECE = 1024;

/**
 * The text `JSON.stringify(equityPoints(time, equity), null, 1)` gives for the array nested `depth` levels
 * deep in the document, in pieces that join to it: written straight from the columns, without 200k objects
 * (the `--json` writer of a 200k-bar run). A point's time is toIso's, its equity as JSON writes a number
 * (null when not finite).
 */
export function* equityJsonPieces(columns: EquityColumns, depth: number): Generator<string> {
  const { time, equity } = columns;
  const n = equity.length;
  if (n === 0) {
    yield '[]';
    return;
  }
  const close = `\n${' '.repeat(depth)}]`;
  const open = `\n${' '.repeat(depth + 1)}{\n${' '.repeat(depth + 2)}"time": "`;
  const mid = `",\n${' '.repeat(depth + 2)}"equity": `;
  const end = `\n${' '.repeat(depth + 1)}}`;
  let piece = '[';
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    piece += `${i === 0 ? '' : ','}${open}${toIso(time[i]!)}${mid}${Number.isFinite(e) ? e : 'null'}${end}`;
    if ((i + 1) % POINTS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield piece + close;
}

/** Bytes per chunk from `equityJsonChunks` (about 1 MB). */
const CHUNK_BYTES = 1 << 20;

/** Copies `bytes` into `out` at `at`; returns the end. */
function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) out[at + k] = bytes[k]!;
  return at + bytes.length;
}

/**
 * The bytes of `equityJsonPieces(columns, depth)` joined (all ASCII), in chunks of about 1 MB written
 * straight from the columns: no string per time, and a number formatted once for a run of equal values
 * (the equity of a flat book stays put from bar to bar). With `reuse` every chunk is a view of the same
 * buffer, valid until the next one is asked for (a writer that writes each before asking: no 1 MB buffer
 * per chunk for the garbage collector).
 */
export function* equityJsonChunks(columns: EquityColumns, depth: number, reuse = false): Generator<Uint8Array> {
  const { time, equity } = columns;
  const n = equity.length;
  const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
  if (n === 0) {
    yield ascii('[]');
    return;
  }
  const close = ascii(`\n${' '.repeat(depth)}]`);
  const open = ascii(`\n${' '.repeat(depth + 1)}{\n${' '.repeat(depth + 2)}"time": "`);
  const mid = ascii(`",\n${' '.repeat(depth + 2)}"equity": `);
  const end = ascii(`\n${' '.repeat(depth + 1)}}`);
  // A point: a comma, the three fixed parts, a time (at most 27 bytes) and a number (at most 25: "-1.2345678901234567e-308").
  const room = 1 + open.length + mid.length + end.length + 27 + 25 + close.length;
  const size = Math.max(CHUNK_BYTES, 2 * room);
  let out = Buffer.allocUnsafe(size);
  let p = 0;
  out[p++] = 91; // [
  let last = NaN;
  let lastText = 'null';
  for (let i = 0; i < n; i++) {
    if (p + room > size) {
      yield out.subarray(0, p);
      if (!reuse) out = Buffer.allocUnsafe(size);
      p = 0;
    }
    if (i > 0) out[p++] = 44; // ,
    p = put(out, p, open);
    p = writeIso(time[i]!, out, p);
    p = put(out, p, mid);
    const e = equity[i]!;
    // NaN never equals `last`; -0 equals 0 and prints as it does ("0").
    if (e !== last) {
      last = e;
      lastText = Number.isFinite(e) ? String(e) : 'null';
    }
    const text = lastText;
    for (let k = 0; k < text.length; k++) out[p + k] = text.charCodeAt(k);
    p += text.length;
    p = put(out, p, end);
  }
  p = put(out, p, close);
  yield out.subarray(0, p);
}
