// What a venue refuses before an order reaches its book: malformed quantities and prices, and what its
// capabilities do not cover. One reason string per problem, naming the field; null when acceptable.
import type { Order } from '../model/order.ts';
import type { ExecutionCapabilities, OrderModification } from './execution-client.ts';

const positiveFinite = (x: number | undefined): boolean => x !== undefined && x > 0 && x < Infinity;

/** Why the venue rejects `order` on arrival, or null. `positionQty` is the venue's signed position (shorting checks). */
export function submitProblem(order: Order, caps: ExecutionCapabilities, positionQty: number): string | null {
  const r = order.request;
  if (!positiveFinite(r.qty)) return `qty: must be a positive finite number, got ${r.qty}`;
  if (!caps.fractionalQty && !Number.isInteger(r.qty)) return `qty: this venue trades whole units only, got ${r.qty}`;
  if (!caps.orderTypes.includes(r.type)) return `type: ${r.type} orders are not supported by this venue`;
  if (!caps.timeInForce.includes(order.tif)) return `tif: ${order.tif} is not supported by this venue`;
  if ((r.type === 'limit' || r.type === 'stop-limit') && !positiveFinite(r.limitPrice)) return `limitPrice: a ${r.type} order needs a positive limit price, got ${r.limitPrice}`;
  if ((r.type === 'stop' || r.type === 'stop-limit') && !positiveFinite(r.stopPrice)) return `stopPrice: a ${r.type} order needs a positive stop price, got ${r.stopPrice}`;
  if (r.type === 'trailing-stop' && !(r.trailing !== undefined && positiveFinite(r.trailing.value))) return 'trailing: a trailing-stop order needs a positive offset';
  if (order.tif === 'GTD' && r.expireTimeMs === undefined) return 'expireTimeMs: a GTD order needs an expiry time';
  if (r.reduceOnly && !caps.reduceOnly) return 'reduceOnly: reduce-only orders are not supported by this venue';
  if (order.links.parentId !== undefined && !caps.nativeBrackets) return 'parentId: bracket orders are not supported by this venue';
  if (order.links.ocoGroup !== undefined && !caps.nativeOco) return 'ocoGroup: OCO orders are not supported by this venue';
  if (r.exits !== undefined && !caps.exitAttachments) return 'exits: exit attachments are not supported by this venue';
  if (!caps.shorting && r.side === 'sell' && r.qty > Math.max(0, positionQty) + 1e-9) return `side: this venue does not allow short sales (position ${positionQty}, sell ${r.qty})`;
  return null;
}

/** Why a modification of the working `order` is refused, or null. */
export function modifyProblem(order: Order, m: OrderModification, caps: ExecutionCapabilities): string | null {
  if (m.qty === undefined && m.limitPrice === undefined && m.stopPrice === undefined) return 'nothing to change';
  if (m.qty !== undefined) {
    if (!positiveFinite(m.qty)) return `qty: must be a positive finite number, got ${m.qty}`;
    if (!caps.fractionalQty && !Number.isInteger(m.qty)) return `qty: this venue trades whole units only, got ${m.qty}`;
    if (m.qty <= order.filledQty + 1e-9) return `qty: ${m.qty} is not above the ${order.filledQty} already filled`;
  }
  if (m.limitPrice !== undefined) {
    if (order.type !== 'limit' && order.type !== 'stop-limit') return `limitPrice: a ${order.type} order has no limit price`;
    if (!positiveFinite(m.limitPrice)) return `limitPrice: must be a positive finite number, got ${m.limitPrice}`;
  }
  if (m.stopPrice !== undefined) {
    if (order.type !== 'stop' && order.type !== 'stop-limit') return `stopPrice: a ${order.type} order has no stop price to change`;
    if (order.triggered) return 'stopPrice: the stop has already triggered';
    if (!positiveFinite(m.stopPrice)) return `stopPrice: must be a positive finite number, got ${m.stopPrice}`;
  }
  return null;
}
