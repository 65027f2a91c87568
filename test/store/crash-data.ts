// Deterministic rows for the crash test: batch k of run `runId`, shared by the child that is
// killed and the parent that checks what survived.
import { Position } from '../../src/model/position.ts';
import type { WriteBatch } from '../../src/store/store.ts';

export const ORDERS_PER_BATCH = 50;
export const T0 = Date.UTC(2024, 2, 1);
const SYMBOLS = ['AAPL', 'MSFT', 'ES'];

/** Batches 0..k-1 with position snapshots as the engine would book them after each batch. */
export function batches(runId: string, count: number): WriteBatch[] {
  const book = new Map<string, Position>();
  const out: WriteBatch[] = [];
  for (let k = 0; k < count; k++) {
    const orders = [], orderEvents = [], fills = [];
    const touched = new Set<string>();
    for (let i = 0; i < ORDERS_PER_BATCH; i++) {
      const n = k * ORDERS_PER_BATCH + i;
      const id = `${runId}/O-${n}`;
      const symbol = SYMBOLS[n % 3]!;
      const side = (n * 7) % 5 < 3 ? 'buy' : 'sell';
      const qty = 1 + (n % 4);
      const price = 100 + ((n * 13) % 17) / 4;
      const tsMs = T0 + n * 1000;
      orders.push({ clientOrderId: id, runId, strategyId: 'crash', symbol, side, type: 'market', qty, createdMs: tsMs } as const);
      orderEvents.push({ orderId: id, seq: 1, type: 'OrderSubmitted', status: 'submitted', tsMs } as const);
      orderEvents.push({ orderId: id, seq: 2, type: 'OrderFilled', status: 'filled', filledQty: qty, avgFillPrice: price, tsMs } as const);
      fills.push({ fillId: `${id}#1`, orderId: id, seq: 1, runId, strategyId: 'crash', symbol, side, qty, price, commission: 0.25, liquidity: 'taker', tsMs } as const);
      const pos = book.get(symbol) ?? new Position(symbol, symbol === 'ES' ? 50 : 1);
      pos.applyFill(side === 'buy' ? qty : -qty, price, 0.25, tsMs);
      book.set(symbol, pos);
      touched.add(symbol);
    }
    const positions = [...touched].map((s) => {
      const p = book.get(s)!;
      return { runId, strategyId: 'crash', symbol: s, qty: p.qty, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, commission: p.commission, updatedMs: T0 + (k + 1) * ORDERS_PER_BATCH * 1000 };
    });
    const equity = [{ runId, tsMs: T0 + k * ORDERS_PER_BATCH * 1000, equity: 100_000 + k, cash: 90_000 - k }];
    out.push({ orders, orderEvents, fills, positions, equity });
  }
  return out;
}
