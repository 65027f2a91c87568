import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { ConsecutiveLossesBreaker, VenueErrorRateBreaker } from './trade-breakers.ts';

describe('consecutive losing trades', () => {
  const rows: [string, number[], number][] = [
    ['4 losses in a row do not trip a limit of 5', [-1, -2, -3, -4], -1],
    ['the 5th loss in a row trips', [-1, -2, -3, -4, -5], 4],
    ['a win ends the streak', [-1, -1, -1, -1, 10, -1, -1, -1, -1], -1],
    ['a break-even trade ends the streak', [-1, -1, -1, -1, 0, -1], -1],
    ['a streak after a win trips on its own 5th loss', [-1, 5, -1, -1, -1, -1, -1], 6],
  ];
  it.each(rows)('%s', (_label, pnls, tripAt) => {
    const b = new ConsecutiveLossesBreaker({ losses: 5 });
    expect(pnls.findIndex((p, i) => b.onTradeClosed(p, i) !== null)).toBe(tripAt);
  });

  it('names the streak, the last loss and the limit; rearm starts a new streak', () => {
    const b = new ConsecutiveLossesBreaker({ losses: 2 });
    b.onTradeClosed(-10, 0);
    expect(b.onTradeClosed(-25.5, 1)).toBe('2 losing trades in a row (last -25.50), limit 2');
    b.rearm();
    expect(b.streak).toBe(0);
    expect(b.onTradeClosed(-1, 2)).toBeNull();
    expect(() => new ConsecutiveLossesBreaker({ losses: 0 })).toThrow(ConfigError);
  });
});

describe('venue error rate over the last N orders', () => {
  const ok = true;
  const bad = false;
  const rows: [string, boolean[], number][] = [
    ['10 failures in a window of 20 (50%) do not trip a 50% limit', [...Array<boolean>(10).fill(bad)], -1],
    ['the 11th failure trips', [...Array<boolean>(11).fill(bad)], 10],
    ['failures that scroll out of the window stop counting', [...Array<boolean>(10).fill(bad), ...Array<boolean>(20).fill(ok), ...Array<boolean>(10).fill(bad)], -1],
    ['9 failures among successes, then 2 more: the 11th of 20 trips', [bad, ok, bad, ok, bad, ok, bad, ok, bad, ok, bad, ok, bad, ok, bad, ok, bad, ok, bad, bad], 19],
  ];
  it.each(rows)('%s', (_label, results, tripAt) => {
    const b = new VenueErrorRateBreaker({ window: 20, maxErrorPct: 50 });
    expect(results.findIndex((r, i) => b.onOrderResult(r, i) !== null)).toBe(tripAt);
  });

  it('counts within the window as it scrolls', () => {
    const b = new VenueErrorRateBreaker({ window: 4, maxErrorPct: 50 });
    const counts = [bad, bad, ok, ok, ok, bad, ok].map((r, i) => (b.onOrderResult(r, i), b.errors));
    expect(counts).toEqual([1, 2, 2, 2, 1, 1, 1]);
  });

  it('names the failures, the window and the limit; rearm forgets them', () => {
    const b = new VenueErrorRateBreaker({ window: 4, maxErrorPct: 25 });
    b.onOrderResult(bad, 0);
    expect(b.onOrderResult(bad, 1)).toBe('2 of the last 2 order results failed (window 4), max 25% of the window');
    b.rearm();
    expect(b.errors).toBe(0);
    expect(b.onOrderResult(bad, 2)).toBeNull();
    expect([b.name, b.action, b.coolDownMs]).toEqual(['venue-errors', 'halt', 300_000]);
  });
});
