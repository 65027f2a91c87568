// A closed round trip as the app returns it (`backtest --json` `trades[]`).
import { z } from 'zod';
import { toIso } from '../../core/time.ts';
import type { RoundTrip } from '../../portfolio/trade-tracker.ts';
import { IsoTimeSchema } from './time.ts';

export const TradeSchema = z.object({
  symbol: z.string().min(1),
  side: z.enum(['long', 'short']),
  entryTime: IsoTimeSchema,
  /** Quantity-weighted average. */
  entryPrice: z.number(),
  exitTime: IsoTimeSchema,
  exitPrice: z.number(),
  /** The largest size held. */
  qty: z.number(),
  /** Net of every commission of the trade. */
  pnl: z.number(),
  commission: z.number(),
});
export type TradeDto = z.infer<typeof TradeSchema>;

export function tradeDtoOf(t: RoundTrip): TradeDto {
  return {
    symbol: t.symbol, side: t.side, entryTime: toIso(t.entryTimeMs), entryPrice: t.entryPrice, exitTime: toIso(t.exitTimeMs),
    exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission,
  };
}
