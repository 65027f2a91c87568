// One point of an equity curve as the app returns it (`backtest --json` `equity[]`: one per distinct bar time).
import { z } from 'zod';
import { IsoTimeSchema } from './time.ts';

export const EquityPointSchema = z.object({
  time: IsoTimeSchema,
  equity: z.number(),
});
export type EquityPointDto = z.infer<typeof EquityPointSchema>;
