// The `equity` array of a backtest report, made when first read. A 200k-bar run has 200k points: the
// JSON writer reads them straight from the engine's columns, and a run printed as a summary never
// needs them, so the 200k objects (and their time strings) are only built for a caller that asks.
import { toIso } from '../core/time.ts';

export interface EquityPoint {
  time: string;
  equity: number;
}

interface Columns {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

const COLUMNS = new WeakMap<object, Columns>();

/** The points of the curve as objects (what `report.equity` holds once read). */
export function equityPoints(time: Float64Array, equity: Float64Array): EquityPoint[] {
  const points = new Array<EquityPoint>(equity.length);
  for (let i = 0; i < equity.length; i++) points[i] = { time: toIso(time[i]!), equity: equity[i]! };
  return points;
}

/**
 * Defines `target.equity` as an enumerable property whose first read builds the points and replaces
 * itself with a plain data property: to every reader (spread, JSON.stringify, assignment) it is the
 * array it would have been.
 */
export function defineLazyEquity(target: object, time: Float64Array, equity: Float64Array): void {
  COLUMNS.set(target, { time, equity });
  Object.defineProperty(target, 'equity', {
    enumerable: true,
    configurable: true,
    get(): EquityPoint[] {
      const points = equityPoints(time, equity);
      COLUMNS.delete(target);
      Object.defineProperty(target, 'equity', { value: points, enumerable: true, configurable: true, writable: true });
      return points;
    },
    set(value: unknown): void {
      COLUMNS.delete(target);
      Object.defineProperty(target, 'equity', { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/** The columns behind a report's `equity` while it has not been read or replaced; null otherwise. */
export function equityColumns(report: object): Columns | null {
  return COLUMNS.get(report) ?? null;
}
