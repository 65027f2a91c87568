// Figures the Bot and Overview pages derive from what the server sends: the drawdown curve of the equity
// points, and how to read a bot's data age (its length in words, and whether it is stale for its bar length).
// (Plain TypeScript without the page's imports: the unit tests run it in Node.)

interface LinePoint {
  readonly timeMs: number;
  readonly value: number;
}

/** Drawdown in percent (≤ 0) of each point from the highest equity before it. */
export function drawdownOf(points: readonly LinePoint[]): LinePoint[] {
  let peak = Number.NEGATIVE_INFINITY;
  return points.map((p) => {
    peak = Math.max(peak, p.value);
    return { timeMs: p.timeMs, value: peak > 0 ? (p.value / peak - 1) * 100 : 0 };
  });
}

/** "0.4 s", "12 s", "3 min", "2 h 5 min". */
export function fmtAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
}

/** Fresh while the data is at most two bars (and a few seconds of delivery) old. */
export function isStale(h: { readonly dataAgeMs: number | null; readonly barMs: number | null }): boolean {
  if (h.dataAgeMs === null) return false;
  return h.dataAgeMs > 2 * (h.barMs ?? 1000) + 5000;
}
