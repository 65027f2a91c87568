// Crisis windows of the data: the worst drawdowns of the underlying (an equal-weight index of the
// series) found automatically, or windows the user names as `YYYY-MM-DD:YYYY-MM-DD`.
import { ConfigError } from '../core/errors.ts';
import { MS_PER_DAY, toIsoDate } from '../core/time.ts';
import { drawdownTable } from '../analytics/drawdown.ts';
import type { BarSeries } from '../model/bar.ts';
import { barTimes } from '../strategies/lookahead.ts';

export interface StressWindow {
  readonly label: string;
  readonly fromMs: number;
  /** Inclusive. */
  readonly toMs: number;
  readonly source: 'auto' | 'user';
  /** Depth of the underlying's fall over the window (auto windows), a negative fraction. */
  readonly depth: number | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(text: string, field: string): number {
  const ms = DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new ConfigError(`not a date: "${text}" (use YYYY-MM-DD:YYYY-MM-DD)`, { field });
  return ms;
}

/** `2008-09-01:2009-03-31` → a window covering both days completely. */
export function parseWindow(text: string, field = '--window'): StressWindow {
  const parts = text.split(':');
  if (parts.length !== 2) throw new ConfigError(`a window is FROM:TO as YYYY-MM-DD:YYYY-MM-DD, got "${text}"`, { field });
  const fromMs = parseDay(parts[0]!.trim(), field);
  const toMs = parseDay(parts[1]!.trim(), field) + MS_PER_DAY - 1;
  if (fromMs > toMs) throw new ConfigError(`window "${text}" ends before it starts`, { field });
  return { label: `${parts[0]!.trim()}..${parts[1]!.trim()}`, fromMs, toMs, source: 'user', depth: null };
}

/**
 * An equal-weight index of the series on their common clock: at each distinct time, the mean of each
 * series' latest close divided by its first close (series not started yet are left out).
 */
export function underlyingIndex(series: readonly BarSeries[]): { timeMs: Float64Array; value: Float64Array } {
  const times = barTimes(series);
  const value = new Float64Array(times.length);
  const cursor = series.map(() => -1);
  times.forEach((t, k) => {
    let sum = 0;
    let n = 0;
    series.forEach((s, j) => {
      let c = cursor[j]!;
      while (c + 1 < s.length && s.time[c + 1]! <= t) c++;
      cursor[j] = c;
      if (c >= 0 && s.close[0]! > 0) {
        sum += s.close[c]! / s.close[0]!;
        n++;
      }
    });
    value[k] = n > 0 ? sum / n : NaN;
  });
  return { timeMs: Float64Array.from(times), value };
}

/** The `count` deepest drawdowns of the underlying, each from its peak to its trough, in time order. */
export function worstDrawdownWindows(series: readonly BarSeries[], count: number): StressWindow[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new ConfigError(`the number of crisis windows must be an integer >= 0, got ${count}`, { field: '--windows' });
  if (count === 0) return [];
  const idx = underlyingIndex(series);
  return drawdownTable(idx.timeMs, idx.value, count)
    .filter((e) => e.depth < 0)
    .sort((a, b) => a.startMs - b.startMs)
    .map((e) => ({ label: `${toIsoDate(e.startMs)}..${toIsoDate(e.troughMs)}`, fromMs: e.startMs, toMs: e.troughMs, source: 'auto' as const, depth: e.depth }));
}
