// Self-trade prevention: an order must not trade against the account's own resting order in the same
// symbol (a wash trade). Exchanges do this with STP modes; NautilusTrader and LEAN do not by default, so
// it is off unless RiskConfig.selfTradePrevention is set.
import type { Order } from '../../model/order.ts';
import type { PreTradeCheck, RiskView } from '../risk-engine.ts';
import { money, trim } from './format.ts';

/**
 * The price at which a working order rests on the book: its limit (a limit, or a triggered stop-limit);
 * Infinity for a buy and 0 for a sell that takes any price (a market order, a triggered stop); NaN when it
 * does not rest (an untriggered stop, stop-limit or trailing stop).
 */
export function restingPrice(o: Order): number {
  const triggered = o.status === 'triggered' || o.triggered;
  if (o.type === 'limit' || (o.type === 'stop-limit' && triggered)) return o.limitPrice ?? NaN;
  if (o.type === 'market' || triggered) return o.side === 'buy' ? Infinity : 0;
  return NaN;
}

/**
 * `self-cross`: denies a new market or limit order that would trade against one of the account's own
 * working orders on the other side: a buy at or above a working sell's price, a sell at or below a working
 * buy's; a market order crosses any resting opposite order. New stop orders are not checked (they do not
 * rest on the book). Needs RiskView.workingOrders.
 */
export function selfCrossCheck(): PreTradeCheck {
  return {
    name: 'self-cross',
    check(order, _refPrice, view) {
      if (order.type !== 'market' && order.type !== 'limit') return null;
      if (view.workingOrders === undefined) return 'the risk view does not provide workingOrders(symbol)';
      return crossReason(order, view);
    },
  };
}

function crossReason(order: Order, view: RiskView): string | null {
  const working = view.workingOrders!(order.symbol);
  if (working.length === 0) return null;
  const buy = order.side === 'buy';
  const price = order.type === 'market' ? (buy ? Infinity : 0) : (order.limitPrice ?? NaN);
  for (const o of working) {
    if (o.side === order.side || o === order) continue;
    const resting = restingPrice(o);
    if (Number.isNaN(resting)) continue;
    if (buy ? price >= resting : price <= resting) {
      const at = (p: number): string => (p === Infinity || p === 0 ? 'market' : money(p));
      return `${order.side} ${trim(order.qty)} ${order.symbol} at ${at(price)} would trade against own working ${o.side} ${o.type} order ${o.id} at ${at(resting)}`;
    }
  }
  return null;
}
