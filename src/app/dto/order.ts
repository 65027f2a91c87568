// Orders as the app returns them: an order refused before it traded (`backtest --json` `rejectedOrders[]`), and a
// stored order with its state (a running node's orders, from the store).
import { z } from 'zod';
import { toIso } from '../../core/time.ts';
import type { RejectionRecord } from '../../engine/kernel.ts';
import { ORDER_STATUSES } from '../../model/order-status.ts';
import type { OrderRecord } from '../../store/store.ts';
import { SideSchema } from './fill.ts';
import { IsoTimeSchema } from './time.ts';

export const RejectedOrderSchema = z.object({
  time: IsoTimeSchema,
  symbol: z.string().min(1),
  side: SideSchema,
  qty: z.number(),
  /** `denied` by pre-trade risk, `rejected` by the venue (e.g. cash at fill time). */
  status: z.enum(['denied', 'rejected']),
  reason: z.string(),
});
export type RejectedOrderDto = z.infer<typeof RejectedOrderSchema>;

export function rejectedOrderDtoOf(r: RejectionRecord): RejectedOrderDto {
  return { time: toIso(r.tsMs), symbol: r.symbol, side: r.side, qty: r.qty, status: r.status, reason: r.reason };
}

export const OrderSchema = z.object({
  clientOrderId: z.string().min(1),
  runId: z.string().min(1),
  strategyId: z.string(),
  symbol: z.string().min(1),
  side: SideSchema,
  type: z.enum(['market', 'limit', 'stop', 'stop-limit', 'trailing-stop']),
  qty: z.number(),
  limitPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  tif: z.enum(['DAY', 'GTC', 'IOC', 'FOK', 'GTD']),
  expireTime: IsoTimeSchema.nullable(),
  parentId: z.string().nullable(),
  ocoGroup: z.string().nullable(),
  tag: z.string().nullable(),
  reduceOnly: z.boolean(),
  status: z.enum(ORDER_STATUSES),
  filledQty: z.number(),
  avgFillPrice: z.number(),
  reason: z.string(),
  createdTime: IsoTimeSchema,
  updatedTime: IsoTimeSchema,
});
export type OrderDto = z.infer<typeof OrderSchema>;

export function orderDtoOf(o: OrderRecord): OrderDto {
  return {
    clientOrderId: o.clientOrderId, runId: o.runId, strategyId: o.strategyId, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty,
    limitPrice: o.limitPrice, stopPrice: o.stopPrice, tif: o.tif, expireTime: o.expireTimeMs === null ? null : toIso(o.expireTimeMs),
    parentId: o.parentId, ocoGroup: o.ocoGroup, tag: o.tag, reduceOnly: o.reduceOnly, status: o.status, filledQty: o.filledQty,
    avgFillPrice: o.avgFillPrice, reason: o.reason, createdTime: toIso(o.createdMs), updatedTime: toIso(o.updatedMs),
  };
}
