// A fill as the app returns it (`backtest --json` `fills[]`, and later the API): one execution, in execution order.
import { z } from 'zod';
import type { KernelFill } from '../../engine/fill-log.ts';
import { toIso } from '../../core/time.ts';
import { IsoTimeSchema } from './time.ts';

export const SideSchema = z.enum(['buy', 'sell']);

export const FillSchema = z.object({
  time: IsoTimeSchema,
  symbol: z.string().min(1),
  side: SideSchema,
  price: z.number(),
  /** Positive; `side` gives the sign. */
  qty: z.number(),
  commission: z.number(),
});
export type FillDto = z.infer<typeof FillSchema>;

/** The outward form of one of the kernel's fills. */
export function fillDtoOf(f: KernelFill): FillDto {
  return { time: toIso(f.tsMs), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission };
}
