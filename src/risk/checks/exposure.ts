// Exposure figures a check needs, from the view's fast members when it has them, else summed over
// view.symbols(). NaN when the view offers neither (the caller denies and says so).
import type { RiskView } from '../risk-engine.ts';
import { ConfigError } from '../../core/errors.ts';

/** Σ |qty × last × multiplier| over all positions, or NaN when the view cannot tell. */
export function grossExposureOf(view: RiskView): number {
  if (view.grossExposure !== undefined) return view.grossExposure();
  if (view.symbols === undefined) return NaN;
  let v = 0;
  for (const s of view.symbols()) v += positionValue(view, s);
  return v;
}

/** Σ |qty × last × multiplier| over positions in `sector`, or NaN when the view cannot tell. */
export function sectorExposureOf(view: RiskView, sector: string): number {
  if (view.sectorExposure !== undefined) return view.sectorExposure(sector);
  if (view.symbols === undefined || view.sectorOf === undefined) return NaN;
  let v = 0;
  for (const s of view.symbols()) if (view.sectorOf(s) === sector) v += positionValue(view, s);
  return v;
}

function positionValue(view: RiskView, symbol: string): number {
  const q = view.positionQty(symbol);
  if (q === 0) return 0;
  const v = Math.abs(q * view.lastPrice(symbol) * view.multiplier(symbol));
  return Number.isNaN(v) ? 0 : v;
}

/** Throws a ConfigError unless `x` is a positive finite number. */
export function requirePositive(field: string, x: number): void {
  if (!(x > 0 && Number.isFinite(x))) throw new ConfigError(`must be a positive number, got ${x}`, { field });
}

/** Throws a ConfigError unless `x` is a positive whole number. */
export function requirePositiveInt(field: string, x: number): void {
  if (!(Number.isInteger(x) && x > 0)) throw new ConfigError(`must be a positive whole number, got ${x}`, { field });
}
