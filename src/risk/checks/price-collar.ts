// Fat-finger price collar: an order priced too far from the last price is denied.
import type { PreTradeCheck } from '../risk-engine.ts';
import { requirePositive } from './exposure.ts';
import { money, pct } from './format.ts';

export const DEFAULT_PRICE_COLLAR_PCT = 10;

/**
 * Compares the order's price with a base and denies when |price − base| / base is above `maxPct`
 * percent: a limit order's limit price, or a market order's reference price, against the last
 * price; a stop-limit's limit price against its own stop price. Stop and trailing-stop orders pass
 * (their stop is away from the market by design). With no last price a limit or market order is denied.
 */
export function priceCollarCheck(maxPct: number = DEFAULT_PRICE_COLLAR_PCT): PreTradeCheck {
  requirePositive('priceCollarPct', maxPct);
  const frac = maxPct / 100;
  return {
    name: 'price-collar',
    check(order, refPrice, view) {
      let price: number;
      let base: number;
      let what: string;
      let against: string;
      switch (order.type) {
        case 'stop':
        case 'trailing-stop':
          return null;
        case 'stop-limit':
          price = order.request.limitPrice ?? NaN;
          base = order.request.stopPrice ?? NaN;
          what = 'limit price';
          against = 'stop price';
          break;
        case 'limit':
          price = order.request.limitPrice ?? refPrice;
          base = view.lastPrice(order.symbol);
          what = 'limit price';
          against = 'last price';
          break;
        case 'market':
          price = refPrice;
          base = view.lastPrice(order.symbol);
          what = 'reference price';
          against = 'last price';
          break;
      }
      if (!(price > 0)) return `no ${what} on the ${order.type} order for ${order.symbol}`;
      if (!(base > 0)) return `no ${against} for ${order.symbol} to check the ${what} against`;
      const dev = Math.abs(price - base);
      if (dev <= frac * base) return null;
      return `${what} ${money(price)} is ${pct((dev / base) * 100)} from the ${against} ${money(base)} of ${order.symbol}, max ${pct(maxPct)}`;
    },
  };
}
