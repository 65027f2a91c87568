// Exposure limits: position and sector size as a share of equity, gross leverage, open-order count.
// Limits on exposure only stop orders that add exposure: an order that only reduces a position
// always passes them, so a book over its limits can always be brought back under.
import { exposureIncreasingQty, type PreTradeCheck } from '../risk-engine.ts';
import { grossExposureOf, requirePositive, requirePositiveInt, sectorExposureOf } from './exposure.ts';
import { money, pct, times, trim } from './format.ts';
import { NearMissPort, withNearMisses } from './near-miss.ts';

export const DEFAULT_MAX_POSITION_PCT = 5;
export const DEFAULT_MAX_SECTOR_PCT = 25;
export const DEFAULT_MAX_GROSS_LEVERAGE = 3;
/** Sectors the sector limit ignores by default: instruments that name no sector. */
export const DEFAULT_EXEMPT_SECTORS: readonly string[] = ['unknown', ''];

export interface NearMissOptions {
  /** Note a passing order that uses at least this percent of the limit as a near miss (null or absent: never). */
  readonly nearMissPct?: number | null;
}

/**
 * The position left by the order, valued at the order's reference price, may be at most `maxPct`
 * percent of equity. Orders that only reduce the position pass.
 */
export function maxPositionPctCheck(maxPct: number = DEFAULT_MAX_POSITION_PCT, opts: NearMissOptions = {}): PreTradeCheck {
  requirePositive('maxPositionPct', maxPct);
  const frac = maxPct / 100;
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'max-position-pct';
  const describe = (symbol: string, value: number, equity: number): string =>
    `${symbol} position would be ${pct((value / equity) * 100)} of equity (${money(value)} of ${money(equity)}), max ${pct(maxPct)}`;
  return withNearMisses({
    name,
    check(order, refPrice, view) {
      const pos = view.positionQty(order.symbol);
      if (exposureIncreasingQty(order, pos) === 0) return null;
      const equity = view.equity();
      if (!(equity > 0)) return `equity ${money(equity)} is not positive, max position ${pct(maxPct)} of equity`;
      const value = Math.abs(pos + order.sign * order.qty) * refPrice * view.multiplier(order.symbol);
      if (value > frac * equity) return describe(order.symbol, value, equity);
      if (near.isNear(value, frac * equity)) near.note(name, value, frac * equity, describe(order.symbol, value, equity));
      return null;
    },
  }, near);
}

export interface SectorLimitOptions extends NearMissOptions {
  /** Sectors not limited (default: 'unknown' and '', i.e. instruments without a sector). */
  readonly exemptSectors?: readonly string[];
}

/**
 * Gross exposure of the order's sector after the order (current sector exposure at last prices plus
 * the exposure the order adds at its reference price) may be at most `maxPct` percent of equity.
 * Needs RiskView.sectorOf and sectorExposure (or symbols()).
 */
export function maxSectorPctCheck(maxPct: number = DEFAULT_MAX_SECTOR_PCT, opts: SectorLimitOptions = {}): PreTradeCheck {
  requirePositive('maxSectorPct', maxPct);
  const frac = maxPct / 100;
  const exempt = new Set(opts.exemptSectors ?? DEFAULT_EXEMPT_SECTORS);
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'max-sector-pct';
  const describe = (sector: string, after: number, equity: number): string =>
    `sector ${sector} exposure would be ${pct((after / equity) * 100)} of equity (${money(after)} of ${money(equity)}), max ${pct(maxPct)}`;
  return withNearMisses({
    name,
    check(order, refPrice, view) {
      const pos = view.positionQty(order.symbol);
      const adding = exposureIncreasingQty(order, pos);
      if (adding === 0) return null;
      if (view.sectorOf === undefined) return 'the risk view does not provide sectorOf(symbol)';
      const sector = view.sectorOf(order.symbol);
      if (exempt.has(sector)) return null;
      const current = sectorExposureOf(view, sector);
      if (Number.isNaN(current)) return 'the risk view provides neither sectorExposure(sector) nor symbols()';
      const equity = view.equity();
      if (!(equity > 0)) return `equity ${money(equity)} is not positive, max sector exposure ${pct(maxPct)} of equity`;
      const after = current + adding * refPrice * view.multiplier(order.symbol);
      if (after > frac * equity) return describe(sector, after, equity);
      if (near.isNear(after, frac * equity)) near.note(name, after, frac * equity, describe(sector, after, equity));
      return null;
    },
  }, near);
}

/**
 * (Gross exposure of positions + exposure committed by working orders + what this order adds) /
 * equity may be at most `maxLeverage`. Needs RiskView.grossExposure (or symbols()).
 */
export function grossLeverageCheck(maxLeverage: number = DEFAULT_MAX_GROSS_LEVERAGE, opts: NearMissOptions = {}): PreTradeCheck {
  requirePositive('maxGrossLeverage', maxLeverage);
  const near = new NearMissPort(opts.nearMissPct);
  const name = 'gross-leverage';
  const describe = (after: number, equity: number): string =>
    `gross leverage would be ${times(after / equity)} (exposure ${money(after)} / equity ${money(equity)}), max ${times(maxLeverage)}`;
  return withNearMisses({
    name,
    check(order, refPrice, view) {
      const adding = exposureIncreasingQty(order, view.positionQty(order.symbol));
      if (adding === 0) return null;
      const gross = grossExposureOf(view);
      if (Number.isNaN(gross)) return 'the risk view provides neither grossExposure() nor symbols()';
      const equity = view.equity();
      if (!(equity > 0)) return `equity ${money(equity)} is not positive, max gross leverage ${times(maxLeverage)}`;
      const after = gross + view.pendingExposure() + adding * refPrice * view.multiplier(order.symbol);
      if (after > maxLeverage * equity) return describe(after, equity);
      if (near.isNear(after, maxLeverage * equity)) near.note(name, after, maxLeverage * equity, describe(after, equity));
      return null;
    },
  }, near);
}

/** At most `max` orders may be working at once: a new order is denied when `max` already are. */
export function maxOpenOrdersCheck(max: number): PreTradeCheck {
  requirePositiveInt('maxOpenOrders', max);
  return {
    name: 'max-open-orders',
    check(_order, _refPrice, view) {
      if (view.openOrderCount === undefined) return 'the risk view does not provide openOrderCount()';
      const open = view.openOrderCount();
      return open < max ? null : `${trim(open)} orders already open, max ${max}`;
    },
  };
}
