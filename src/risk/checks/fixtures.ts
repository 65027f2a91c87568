// Test fixtures for risk checks and breakers: orders in one line, and views lacking optional members.
import { Order, type OrderRequest, type OrderSide, type OrderType } from '../../model/order.ts';
import type { RiskView } from '../risk-engine.ts';
import type { MemoryRiskView } from './view.ts';

let nextId = 1;

/** An order of `qty` `symbol` (market unless the request says otherwise). */
export function makeOrder(side: OrderSide, qty: number, symbol = 'AAPL', extra: Partial<OrderRequest> & { type?: OrderType } = {}): Order {
  return new Order(`T-${nextId++}`, 's', { symbol, side, qty, type: 'market', ...extra }, 0);
}

const MEMBERS = [
  'cash', 'equity', 'buyingPower', 'positionQty', 'lastPrice', 'multiplier', 'pendingExposure',
  'nowMs', 'sectorOf', 'openOrderCount', 'grossExposure', 'sectorExposure', 'symbols', 'issuerOf', 'workingOrders',
] as const;

type Member = (typeof MEMBERS)[number];

/** The same view without some optional members (as a kernel that does not provide them yet). */
export function viewWithout(view: MemoryRiskView, ...omit: Member[]): RiskView {
  const out: Record<string, unknown> = { accountType: view.accountType };
  for (const m of MEMBERS) if (!omit.includes(m)) out[m] = (view[m] as (...a: unknown[]) => unknown).bind(view);
  return out as unknown as RiskView;
}
