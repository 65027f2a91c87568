// The `equity` array of a backtest report: one `{ time, equity }` per point of the curve, built from the
// engine's columns when first read (see lazy-property.ts).
import { toIso } from '../core/time.ts';
import { defineLazy } from './lazy-property.ts';

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

/** Defines `target.equity` as the points of the curve, built when first read. */
export function defineLazyEquity(target: object, time: Float64Array, equity: Float64Array): void {
  defineLazy(target, 'equity', () => equityPoints(time, equity));
}
