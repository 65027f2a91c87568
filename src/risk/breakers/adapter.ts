// breakerCheck: the pre-trade face of a CircuitBreakerSet.
import { exposureIncreasingQty, type PreTradeCheck } from '../risk-engine.ts';
import { trim } from '../checks/format.ts';
import type { CircuitBreakerSet } from './breaker-set.ts';

/**
 * Denies every new order while a 'halt' breaker is tripped, and orders that add exposure while a
 * 'reduce-only' or 'flatten' breaker is (the closing orders of a flatten pass). When the view has
 * nowMs() it first lets time pass in the set (`set.check(now)`), so cool-downs end and stale data
 * trips at order time too. Put it first in the check list.
 */
export function breakerCheck(set: CircuitBreakerSet): PreTradeCheck {
  return {
    name: 'circuit-breaker',
    check(order, _refPrice, view) {
      if (view.nowMs !== undefined) set.check(view.nowMs());
      if (!set.anyTripped) return null;
      if (set.halted) return `trading halted by ${set.describe(['halt'])}`;
      if (!set.reduceOnly) return null;
      const pos = view.positionQty(order.symbol);
      if (exposureIncreasingQty(order, pos) === 0) return null;
      return `reduce-only while ${set.describe(['reduce-only', 'flatten'])} is tripped: ${order.side} ${trim(order.qty)} ${order.symbol} would increase the position (${trim(pos)} -> ${trim(pos + order.sign * order.qty)})`;
    },
  };
}
