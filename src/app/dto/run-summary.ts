// A run as the store lists it (backtest, paper or live): what it is and where it stands.
import { z } from 'zod';
import { toIso } from '../../core/time.ts';
import type { RunRecord } from '../../store/store.ts';
import { IsoTimeSchema } from './time.ts';

export const RunSummarySchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['backtest', 'paper', 'live']),
  status: z.enum(['running', 'completed', 'failed', 'stopped']),
  startedTime: IsoTimeSchema,
  /** null while running. */
  endedTime: IsoTimeSchema.nullable(),
  /** The run's settings as stored. */
  config: z.unknown(),
});
export type RunSummaryDto = z.infer<typeof RunSummarySchema>;

export function runSummaryOf(r: RunRecord): RunSummaryDto {
  return { id: r.id, kind: r.kind, status: r.status, startedTime: toIso(r.startedMs), endedTime: r.endedMs === null ? null : toIso(r.endedMs), config: r.config };
}
