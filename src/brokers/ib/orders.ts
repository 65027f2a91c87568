// Sextant orders <-> IB orders. Our client order id travels in IB's `orderRef` (free text IB keeps on
// the order, its executions and its completed record); IB's own key is the integer orderId from
// nextValidId, and `permId` is the id TWS gives the order for good (the venue order id in reports).
import type { Order as IbOrder } from '@stoqey/ib';
import type { OrderStatusReport, VenueOrderStatus } from '../../execution/reports.ts';
import type { Order, OrderType, TimeInForce } from '../../model/order.ts';
import { formatIbUtc, type IbOpenOrder, type IbOrderStatus } from './parse.ts';

/** The IB order for a Sextant order (or the same order with changes, for a native modify). */
export function toIbOrder(order: Order, orderId: number, account: string, over: { qty?: number; limitPrice?: number; stopPrice?: number } = {}): IbOrder {
  const r = order.request;
  const qty = over.qty ?? order.qty;
  const limit = over.limitPrice ?? order.limitPrice;
  const stop = over.stopPrice ?? order.stopPrice;
  const base: Omit<IbOrder, 'orderType'> = {
    orderId,
    action: (r.side === 'buy' ? 'BUY' : 'SELL') as IbOrder['action'],
    totalQuantity: qty,
    tif: order.tif as IbOrder['tif'],
    orderRef: order.id,
    account,
    transmit: true,
    outsideRth: false,
  };
  if (order.tif === 'GTD' && r.expireTimeMs !== undefined) base.goodTillDate = formatIbUtc(r.expireTimeMs);
  switch (r.type) {
    case 'market':
      return { ...base, orderType: 'MKT' as IbOrder['orderType'] };
    case 'limit':
      return { ...base, orderType: 'LMT' as IbOrder['orderType'], lmtPrice: limit! };
    case 'stop':
      return { ...base, orderType: 'STP' as IbOrder['orderType'], auxPrice: stop! };
    case 'stop-limit':
      return { ...base, orderType: 'STP LMT' as IbOrder['orderType'], lmtPrice: limit!, auxPrice: stop! };
    case 'trailing-stop': {
      // TRAIL: the offset in auxPrice (an amount) or trailingPercent; TWS moves the stop itself.
      const t = r.trailing!;
      return t.kind === 'amount'
        ? { ...base, orderType: 'TRAIL' as IbOrder['orderType'], auxPrice: t.value }
        : { ...base, orderType: 'TRAIL' as IbOrder['orderType'], trailingPercent: t.value };
    }
  }
}

const TYPES: Readonly<Record<string, OrderType>> = { MKT: 'market', LMT: 'limit', STP: 'stop', 'STP LMT': 'stop-limit', TRAIL: 'trailing-stop' };
const TIFS: readonly string[] = ['DAY', 'GTC', 'IOC', 'FOK', 'GTD'];

export const ibTypeOf = (orderType: string): OrderType | undefined => TYPES[orderType];

/** Where an IB order stands, in the port's statuses; `filled` is what IB says has filled. */
export function statusOf(ib: string, filled: number, qty: number, completedStatus = ''): VenueOrderStatus {
  switch (ib) {
    case 'ApiPending':
    case 'PendingSubmit':
      return 'submitted';
    case 'PreSubmitted':
    case 'Submitted':
      return filled > 0 ? 'partially-filled' : 'accepted';
    case 'PendingCancel':
      return 'pending-cancel';
    case 'Filled':
      return filled + 1e-9 >= qty ? 'filled' : 'partially-filled';
    case 'ApiCancelled':
    case 'Cancelled':
      return /expired/i.test(completedStatus) ? 'expired' : 'canceled';
    case 'Inactive':
      return filled > 0 ? 'canceled' : 'rejected';
    default:
      return 'submitted';
  }
}

/**
 * A report from what TWS says of an order (an open order with its status, or a completed order) and
 * the fills heard for it. Fields TWS does not know about (our symbol names, our order's creation time)
 * come from `known` when this process placed the order.
 */
export function reportOf(
  o: IbOpenOrder,
  st: IbOrderStatus | undefined,
  fills: { qty: number; avgPrice: number },
  symbol: string,
  known: Order | undefined,
  nowMs: number,
): OrderStatusReport {
  const type = ibTypeOf(o.order.orderType) ?? known?.type ?? 'market';
  const qty = o.order.totalQuantity;
  const filled = Math.min(qty, Math.max(fills.qty, st?.filled ?? 0, o.order.filledQuantity ?? 0));
  const avg = fills.qty > 0 ? fills.avgPrice : (st?.avgFillPrice ?? 0);
  const status = statusOf(st?.status ?? o.orderState.status, filled, qty, o.orderState.completedStatus);
  const limit = type === 'limit' || type === 'stop-limit' ? (o.order.lmtPrice ?? null) : null;
  const stop =
    type === 'stop' || type === 'stop-limit' ? (o.order.auxPrice ?? null) : type === 'trailing-stop' ? (o.order.trailStopPrice ?? known?.stopPrice ?? null) : null;
  const tif = (TIFS.includes(o.order.tif) ? o.order.tif : (known?.tif ?? 'DAY')) as TimeInForce;
  const created = known?.createdMs ?? nowMs;
  return {
    clientOrderId: o.order.orderRef !== undefined && o.order.orderRef !== '' ? o.order.orderRef : `ib-perm-${o.order.permId ?? 0}`,
    venueOrderId: String(o.order.permId ?? o.orderId),
    symbol,
    side: o.order.action === 'BUY' ? 'buy' : 'sell',
    type,
    tif,
    status,
    qty,
    filledQty: filled,
    avgFillPrice: filled > 0 ? avg : 0,
    limitPrice: limit !== null && limit > 0 ? limit : null,
    stopPrice: stop !== null && stop > 0 ? stop : null,
    reduceOnly: false,
    reason: status === 'canceled' || status === 'rejected' || status === 'expired' ? (known?.reason ?? o.orderState.completedStatus ?? '') : '',
    createdMs: created,
    updatedMs: Math.max(created, known?.updatedMs ?? nowMs),
  };
}
