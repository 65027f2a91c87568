// The `equity` array of a backtest report: one `{ time, equity }` per point of the curve, built from the
// engine's columns when first read (see lazy-property.ts).
import { toIso } from '../core/time.ts';
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
