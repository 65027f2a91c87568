// What can be traded, and how its prices and quantities are rounded.
import { floorToStep, roundToStep } from '../core/math.ts';

export type AssetClass = 'equity' | 'crypto' | 'fx' | 'future' | 'option';

/** Trading hours: around the clock, or exchange sessions (minutes from midnight in the exchange zone). */
export type TradingCalendar =
  | { readonly kind: '24/7' }
  | {
      readonly kind: 'sessions';
      readonly timeZone: string;
      readonly openMinute: number;
      readonly closeMinute: number;
      /** ISO weekdays (1 = Monday ... 7 = Sunday) the exchange trades. */
      readonly weekdays: readonly number[];
    };

export interface Instrument {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly currency: string;
  readonly tickSize: number;
  /** Quantity step (1 for shares, 1e-8 for BTC). */
  readonly lotSize: number;
  readonly minQty: number;
  /** Contract multiplier (100 for US equity options, 1 for stocks). */
  readonly multiplier: number;
  readonly sector: string;
  /** Who issued it (a company, a fund), for restricted lists by issuer; absent when unknown. */
  readonly issuer?: string;
  readonly calendar: TradingCalendar;
  /**
   * Initial margin per unit (per contract), futures style: opening blocks margin x |qty| of cash instead
   * of the whole notional, and the position's P&L settles into cash (docs/fill-assumptions.md).
   * Absent or 0: the whole notional is paid, as for shares.
   */
  readonly margin?: number;
  /** Commission per unit (per share / per contract) on every fill, beside the run's fraction of value. */
  readonly commissionPerUnit?: number;
  /** Least commission of one fill (applies to the fill's whole commission). */
  readonly minCommission?: number;
}

export const NYSE_SESSIONS: TradingCalendar = {
  kind: 'sessions',
  timeZone: 'America/New_York',
  openMinute: 9 * 60 + 30,
  closeMinute: 16 * 60,
  weekdays: [1, 2, 3, 4, 5],
};

export const ALWAYS_OPEN: TradingCalendar = { kind: '24/7' };

/** Builds an instrument with sensible defaults per asset class. */
export function makeInstrument(symbol: string, partial: Partial<Omit<Instrument, 'symbol'>> = {}): Instrument {
  const assetClass = partial.assetClass ?? 'equity';
  const defaults: Record<AssetClass, Omit<Instrument, 'symbol' | 'assetClass'>> = {
    equity: { currency: 'USD', tickSize: 0.01, lotSize: 1, minQty: 1, multiplier: 1, sector: 'unknown', calendar: NYSE_SESSIONS },
    crypto: { currency: 'USD', tickSize: 0.01, lotSize: 1e-8, minQty: 1e-8, multiplier: 1, sector: 'crypto', calendar: ALWAYS_OPEN },
    fx: { currency: 'USD', tickSize: 0.00001, lotSize: 1, minQty: 1, multiplier: 1, sector: 'fx', calendar: ALWAYS_OPEN },
    future: { currency: 'USD', tickSize: 0.25, lotSize: 1, minQty: 1, multiplier: 50, sector: 'index', calendar: ALWAYS_OPEN },
    option: { currency: 'USD', tickSize: 0.01, lotSize: 1, minQty: 1, multiplier: 100, sector: 'options', calendar: NYSE_SESSIONS },
  };
  return { symbol, assetClass, ...defaults[assetClass], ...partial };
}

/** Margin per unit when the instrument is margined futures-style, else 0 (whole notional paid). */
export function marginPerUnit(inst: Instrument): number {
  return inst.margin !== undefined && inst.margin > 0 ? inst.margin : 0;
}

/** What one unit commits at `price`: its margin when margined futures-style, else its notional. */
export function commitPerUnit(inst: Instrument, price: number): number {
  const m = marginPerUnit(inst);
  return m > 0 ? m : price * inst.multiplier;
}

export function roundPrice(inst: Instrument, price: number): number {
  return roundToStep(price, inst.tickSize);
}

/** Rounds a quantity down to the lot size; what remains below minQty is zero. */
export function roundQty(inst: Instrument, qty: number): number {
  const q = floorToStep(Math.abs(qty), inst.lotSize);
  return q < inst.minQty ? 0 : q;
}
