// Times in DTOs are ISO 8601 UTC strings (`2024-01-02T14:30:00.000Z`, as `toIso` writes them); a reader also
// takes a date (`2024-01-02`, UTC midnight) or another zone designator.
import { z } from 'zod';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an ISO 8601 date (UTC midnight) or time with a zone designator; null when it is not one. */
export function parseIsoTime(s: string): number | null {
  if (!ISO_TIME.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

export const IsoTimeSchema = z
  .string()
  .refine((s) => parseIsoTime(s) !== null, { message: 'expected an ISO 8601 UTC time (2024-01-02T14:30:00.000Z) or date' })
  .meta({ format: 'date-time', description: 'ISO 8601 UTC time' });
