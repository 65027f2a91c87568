// Positions recomputed from fills with the engine's own accounting (model/Position), so a
// recovered or audited position is exactly what the portfolio would have booked.
import { Position } from '../model/position.ts';
import type { FillInput, PositionRecord } from './store.ts';

/**
 * Folds fills (already in booking order) into one position per (strategy, symbol).
 * `multiplierOf` gives the contract multiplier of a symbol (1 when unknown).
 */
export function foldFills(runId: string, fills: Iterable<FillInput>, multiplierOf: (symbol: string) => number = () => 1): PositionRecord[] {
  const book = new Map<string, { strategyId: string; pos: Position; updatedMs: number }>();
  for (const f of fills) {
    const key = `${f.strategyId}\u0000${f.symbol}`;
    let slot = book.get(key);
    if (slot === undefined) {
      slot = { strategyId: f.strategyId, pos: new Position(f.symbol, multiplierOf(f.symbol)), updatedMs: f.tsMs };
      book.set(key, slot);
    }
    slot.pos.applyFill(f.side === 'buy' ? f.qty : -f.qty, f.price, f.commission, f.tsMs);
    slot.updatedMs = Math.max(slot.updatedMs, f.tsMs);
  }
  const out: PositionRecord[] = [];
  for (const { strategyId, pos, updatedMs } of book.values()) {
    out.push({
      runId,
      strategyId,
      symbol: pos.symbol,
      qty: pos.qty,
      avgPrice: pos.avgPrice,
      realizedPnl: pos.realizedPnl,
      commission: pos.commission,
      updatedMs,
    });
  }
  return out.sort((a, b) => (a.strategyId < b.strategyId ? -1 : a.strategyId > b.strategyId ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
