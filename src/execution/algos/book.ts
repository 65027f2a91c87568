// Walking an L2 book: what a marketable order of a given size would take, level by level.
import { ConfigError } from '../../core/errors.ts';
import type { BookLevel, OrderBookSnapshot } from '../../model/market.ts';
import type { OrderSide } from '../../model/order.ts';

export interface SweptLevel {
  readonly price: number;
  readonly qty: number;
}

export interface SweepResult {
  /** Quantity the visible book gives (<= qty). */
  readonly filledQty: number;
  /** Volume-weighted price of what was taken, NaN when nothing. */
  readonly avgPrice: number;
  readonly notional: number;
  /** Levels touched, best first, with the quantity taken at each. */
  readonly levels: readonly SweptLevel[];
  /** Price of the last level touched (what a marketable limit must be priced at), NaN when none. */
  readonly worstPrice: number;
}

/** The levels an aggressive order of `side` takes from: asks for a buy, bids for a sell. */
function opposite(book: OrderBookSnapshot, side: OrderSide): readonly BookLevel[] {
  return side === 'buy' ? book.asks : book.bids;
}

function within(side: OrderSide, price: number, limit: number | undefined): boolean {
  return limit === undefined || (side === 'buy' ? price <= limit : price >= limit);
}

/**
 * Walks the opposite side of `book` best level first, taking up to `qty` and stopping at a level
 * beyond `limitPrice` (when given). Levels are assumed sorted best first (model/market.ts);
 * empty levels are skipped. The book itself is not changed.
 */
export function sweepBook(book: OrderBookSnapshot, side: OrderSide, qty: number, limitPrice?: number): SweepResult {
  if (!(qty >= 0) || !Number.isFinite(qty)) throw new ConfigError(`sweep quantity must be a finite number >= 0, got ${qty}`, { field: 'qty' });
  const levels: SweptLevel[] = [];
  let left = qty;
  let filledQty = 0;
  let notional = 0;
  for (const lvl of opposite(book, side)) {
    if (left <= 0) break;
    if (!within(side, lvl.price, limitPrice)) break;
    if (!(lvl.size > 0)) continue;
    const take = Math.min(left, lvl.size);
    levels.push({ price: lvl.price, qty: take });
    notional += take * lvl.price;
    filledQty += take;
    left -= take;
  }
  return {
    filledQty,
    avgPrice: filledQty > 0 ? notional / filledQty : NaN,
    notional,
    levels,
    worstPrice: levels.length === 0 ? NaN : levels[levels.length - 1]!.price,
  };
}

/** Visible size an aggressive order of `side` could take at or better than `limitPrice`. */
export function depthWithin(book: OrderBookSnapshot, side: OrderSide, limitPrice?: number): number {
  let depth = 0;
  for (const lvl of opposite(book, side)) {
    if (!within(side, lvl.price, limitPrice)) break;
    if (lvl.size > 0) depth += lvl.size;
  }
  return depth;
}
