import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/time.ts';
import { DailyLossBreaker, DrawdownBreaker } from './equity-breakers.ts';

const D0 = Date.UTC(2024, 0, 2); // a Tuesday, 00:00 UTC
const h = (day: number, hour: number) => D0 + day * MS_PER_DAY + hour * MS_PER_HOUR;

/** Feeds (ts, equity) and returns the index of the first update that tripped, or -1. */
function firstTrip(b: { onEquity(ts: number, eq: number): string | null }, steps: readonly [number, number][]): number {
  return steps.findIndex(([ts, eq]) => b.onEquity(ts, eq) !== null);
}

describe('daily loss limit (from the day’s starting equity)', () => {
  const rows: [string, [number, number][], number][] = [
    ['a 2.99% intraday loss does not trip a 3% limit', [[h(0, 10), 100_000], [h(0, 11), 97_010]], -1],
    ['a loss of exactly 3% does not trip', [[h(0, 10), 100_000], [h(0, 11), 97_000]], -1],
    ['a loss of 3.01% trips', [[h(0, 10), 100_000], [h(0, 11), 96_990]], 1],
    ['the day starts at the previous close: a 4% gap down at the first update of the day trips', [[h(0, 15), 100_000], [h(1, 10), 96_000]], 1],
    ['a new day re-bases: yesterday’s 2% plus today’s 2% do not trip', [[h(0, 9), 100_000], [h(0, 15), 98_000], [h(1, 10), 96_040]], -1],
    ['gains during the day do not raise the start', [[h(0, 9), 100_000], [h(0, 10), 110_000], [h(0, 11), 97_500]], -1],
    ['daily bars: each bar’s loss is measured from the previous bar', [[h(0, 0), 100_000], [h(1, 0), 99_000], [h(2, 0), 95_000]], 2],
  ];
  it.each(rows)('%s', (_label, steps, tripAt) => {
    expect(firstTrip(new DailyLossBreaker({ maxLossPct: 3 }), steps)).toBe(tripAt);
  });

  it('names the equity, the loss, the start and the limit', () => {
    const b = new DailyLossBreaker({ maxLossPct: 3 });
    b.onEquity(h(0, 9), 100_000);
    expect(b.onEquity(h(0, 10), 96_000)).toBe("equity 96000.00 is 4% below the day's starting equity 100000.00 (loss 4000.00), max 3%");
  });

  it('lapses at the next day, and the day boundary can be shifted', () => {
    const b = new DailyLossBreaker({ maxLossPct: 3 });
    expect(b.lapsed(h(0, 10), h(0, 23))).toBeNull();
    expect(b.lapsed(h(0, 10), h(1, 0))).toBe('a new trading day began (2024-01-03)');
    const ny = new DailyLossBreaker({ maxLossPct: 3, dayOffsetMs: -5 * MS_PER_HOUR });
    expect(ny.lapsed(h(0, 10), h(1, 4))).toBeNull(); // 23:00 New York standard time
    expect(ny.lapsed(h(0, 10), h(1, 5))).toMatch(/new trading day/);
  });

  it('re-baselines to the latest equity on rearm', () => {
    const b = new DailyLossBreaker({ maxLossPct: 3 });
    b.onEquity(h(0, 9), 100_000);
    expect(b.onEquity(h(0, 10), 96_000)).not.toBeNull();
    b.rearm(0);
    expect(b.startEquity).toBe(96_000);
    expect(b.onEquity(h(0, 11), 95_000)).toBeNull();
    expect(b.onEquity(h(0, 12), 93_000)).not.toBeNull();
  });

  it('has the documented defaults and rejects a bad limit', () => {
    const b = new DailyLossBreaker({ maxLossPct: 3 });
    expect([b.name, b.action, b.coolDownMs]).toEqual(['daily-loss', 'halt', null]);
    expect(() => new DailyLossBreaker({ maxLossPct: 0 })).toThrow(ConfigError);
    expect(() => new DailyLossBreaker({ maxLossPct: 3, coolDownMs: -1 })).toThrow(/coolDownMs/);
  });
});

describe('max drawdown (from peak equity)', () => {
  const rows: [string, [number, number][], number][] = [
    ['a 9.99% fall from the peak does not trip a 10% limit', [[0, 100_000], [1, 120_000], [2, 108_012]], -1],
    ['a fall of exactly 10% from the peak does not trip', [[0, 100_000], [1, 120_000], [2, 108_000]], -1],
    ['a fall of 10.01% from the peak trips', [[0, 100_000], [1, 120_000], [2, 107_988]], 2],
    ['the peak is the highest equity, not the first', [[0, 100_000], [1, 95_000], [2, 130_000], [3, 116_000]], 3],
    ['a slow bleed trips when it crosses the limit', [[0, 100], [1, 96], [2, 92], [3, 89.9]], 3],
  ];
  it.each(rows)('%s', (_label, steps, tripAt) => {
    expect(firstTrip(new DrawdownBreaker({ maxDrawdownPct: 10 }), steps)).toBe(tripAt);
  });

  it('names the equity, the drawdown, the peak and the limit; rearm makes the latest equity the peak', () => {
    const b = new DrawdownBreaker({ maxDrawdownPct: 10 });
    b.onEquity(0, 200_000);
    expect(b.onEquity(1, 170_000)).toBe('equity 170000.00 is 15% below the peak 200000.00, max drawdown 10%');
    b.rearm(0);
    expect(b.peakEquity).toBe(170_000);
    expect(b.onEquity(2, 160_000)).toBeNull();
    expect([b.name, b.action, b.coolDownMs]).toEqual(['max-drawdown', 'flatten', null]);
  });
});
