// Hand-made run records (a run, its orders and fills) for the report tests.
import type { RunRecords } from '../../src/app/reports/run-records.ts';
import type { OrderStatus } from '../../src/model/order-status.ts';
import type { FillInput, OrderRecord, RunRecord } from '../../src/store/store.ts';

export const DAY = 86_400_000;
export const at = (iso: string): number => Date.parse(iso);

export function paperRun(id = 'r1', config: RunRecord['config'] = { replay: 'csv:x.csv' }, kind: RunRecord['kind'] = 'paper'): RunRecord {
  return { id, kind, config, status: 'completed', startedMs: 0, endedMs: null };
}

export interface OrderSpec {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly createdMs: number;
  readonly status?: OrderStatus;
  readonly updatedMs?: number;
  readonly type?: OrderRecord['type'];
  readonly strategyId?: string;
}

export function order(o: OrderSpec, runId = 'r1'): OrderRecord {
  return {
    clientOrderId: o.id, runId, strategyId: o.strategyId ?? 's1', symbol: o.symbol, side: o.side, type: o.type ?? 'market', qty: o.qty, limitPrice: null, stopPrice: null,
    tif: 'GTC', expireTimeMs: null, parentId: null, ocoGroup: null, tag: null, reduceOnly: false, status: o.status ?? 'filled', filledQty: 0, avgFillPrice: 0, reason: '',
    lastSeq: 0, createdMs: o.createdMs, updatedMs: o.updatedMs ?? o.createdMs,
  };
}

/** Fills numbered per order (`<order>#<n>`), in the order given. */
export function fills(rows: readonly (readonly [orderId: string, symbol: string, side: 'buy' | 'sell', qty: number, price: number, commission: number, tsMs: number, strategyId?: string])[], runId = 'r1'): FillInput[] {
  const seq = new Map<string, number>();
  return rows.map(([orderId, symbol, side, qty, price, commission, tsMs, strategyId]) => {
    const n = (seq.get(orderId) ?? 0) + 1;
    seq.set(orderId, n);
    return { fillId: `${orderId}#${n}`, orderId, seq: n, runId, strategyId: strategyId ?? 's1', symbol, side, qty, price, commission, liquidity: 'taker', tsMs };
  });
}

export function records(run: RunRecord, orders: OrderRecord[], f: FillInput[], multipliers: Record<string, number> = {}): RunRecords {
  return { run, orders, fills: f, multipliers: new Map(Object.entries(multipliers)), venueOrderIds: new Map() };
}
