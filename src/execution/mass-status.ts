// Mass status for reconciliation: everything a client reports about the venue's state, validated at
// the boundary. A report that fails its schema throws InvalidReportError before anyone uses the rest.
import type { ExecutionClient } from './execution-client.ts';
import { parseReport, parseReports, type BalanceReport, type FillReport, type OrderStatusReport, type PositionReport } from './reports.ts';

export interface MassStatus {
  readonly venue: string;
  readonly sinceMs: number;
  readonly openOrders: readonly OrderStatusReport[];
  readonly fills: readonly FillReport[];
  readonly positions: readonly PositionReport[];
  readonly balances: readonly BalanceReport[];
}

/** Asks the client for open orders, fills at or after `sinceMs`, positions and balances, and validates each. */
export async function requestMassStatus(client: ExecutionClient, sinceMs: number): Promise<MassStatus> {
  const [openOrders, fills, positions, balances] = await Promise.all([client.openOrders(), client.fillsSince(sinceMs), client.positions(), client.balances()]);
  return {
    venue: client.venue,
    sinceMs,
    openOrders: parseReports<OrderStatusReport>('OrderStatusReport', client.venue, openOrders),
    fills: parseReports<FillReport>('FillReport', client.venue, fills),
    positions: parseReports<PositionReport>('PositionReport', client.venue, positions),
    balances: parseReports<BalanceReport>('BalanceReport', client.venue, balances),
  };
}

/** Queries one order and validates the answer (null: the venue does not know the id). */
export async function queryOrderChecked(client: ExecutionClient, clientOrderId: string): Promise<OrderStatusReport | null> {
  const r = await client.queryOrder(clientOrderId);
  return r === null ? null : parseReport('OrderStatusReport', client.venue, r);
}
