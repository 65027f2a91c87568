// An open position as the app returns it (`backtest --json` `openPositions[]`): marked at the last price.
import { z } from 'zod';
import type { Position } from '../../model/position.ts';

export const PositionSchema = z.object({
  symbol: z.string().min(1),
  /** Signed: < 0 for a short. */
  qty: z.number(),
  avgPrice: z.number(),
  lastPrice: z.number(),
  /** qty × lastPrice × multiplier (for a futures-style contract its notional). */
  marketValue: z.number(),
  unrealizedPnl: z.number(),
});
export type PositionDto = z.infer<typeof PositionSchema>;

export function positionDtoOf(p: Position): PositionDto {
  return { symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, lastPrice: p.lastPrice, marketValue: p.marketValue(), unrealizedPnl: p.unrealizedPnl() };
}
