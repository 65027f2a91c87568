// How many units an order should have, resolved when the order is made from the price at that moment.
import { floorToStep } from '../core/math.ts';

export type Sizer =
  | { readonly kind: 'pct-cash'; readonly pct: number }
  | { readonly kind: 'qty'; readonly qty: number }
  | { readonly kind: 'pct-equity'; readonly pct: number };

export const sizers = {
  /** floor(pct% x cash / price) units. */
  pctCash: (pct: number): Sizer => ({ kind: 'pct-cash', pct }),
  /** A fixed quantity. */
  qty: (qty: number): Sizer => ({ kind: 'qty', qty }),
  /** Trade towards a position worth pct% of equity (a target, not an increment). */
  pctEquity: (pct: number): Sizer => ({ kind: 'pct-equity', pct }),
};

/**
 * Units to buy (positive) or sell (negative) for `sizer` in the direction `sign`, rounded down to
 * whole lots of `lot` units (whole units by default). One unit costs `unitCost`: its price by default,
 * price x multiplier for contracts, the initial margin for futures-style instruments.
 * For pct-equity the result moves the current position towards the target.
 */
export function resolveSize(sizer: Sizer, sign: 1 | -1, price: number, cash: number, equity: number, positionQty: number, unitCost = price, lot = 1): number {
  switch (sizer.kind) {
    case 'qty':
      return sign * sizer.qty;
    case 'pct-cash':
      return sign * units(((sizer.pct / 100) * Math.max(0, cash)) / unitCost, lot);
    case 'pct-equity': {
      const target = sign * units(((sizer.pct / 100) * Math.max(0, equity)) / unitCost, lot);
      const delta = target - positionQty;
      return Math.sign(delta) === sign ? delta : 0;
    }
  }
}

/** Whole lots in `x` units, rounded down (Math.floor for whole units, as the §8 contract states). */
function units(x: number, lot: number): number {
  return lot === 1 ? Math.floor(x) : floorToStep(x, lot);
}

/** Parses `pct-cash:95`, `qty:100` or `pct-equity:50` (the CLI's --size). Returns null when malformed. */
export function parseSizer(text: string): Sizer | null {
  const m = /^(pct-cash|qty|pct-equity):([0-9]*\.?[0-9]+)$/.exec(text.trim());
  if (!m) return null;
  const v = Number(m[2]);
  if (!(v > 0)) return null;
  if (m[1] === 'qty') return sizers.qty(v);
  if (v > 100 && m[1] === 'pct-cash') return null;
  return m[1] === 'pct-cash' ? sizers.pctCash(v) : sizers.pctEquity(v);
}
