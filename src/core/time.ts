// Time is epoch milliseconds UTC in a number; names carry the unit (DESIGN §3).

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export function toIso(tsMs: number): string {
  return new Date(tsMs).toISOString();
}

/** YYYY-MM-DD of a UTC timestamp. */
export function toIsoDate(tsMs: number): string {
  return toIso(tsMs).slice(0, 10);
}

/** Whole UTC days since the epoch: a cheap "same trading day" key. */
export function utcDay(tsMs: number): number {
  return Math.floor(tsMs / MS_PER_DAY);
}
