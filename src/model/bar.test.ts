import { describe, expect, it } from 'vitest';
import { BarSeries, BarView } from './bar.ts';

const s = BarSeries.fromBars('X', [
  { tsEventMs: 10, open: 1, high: 2, low: 0.5, close: 1.5, volume: 100 },
  { tsEventMs: 20, open: 1.5, high: 3, low: 1, close: 2.5, volume: 200 },
  { tsEventMs: 30, open: 2.5, high: 4, low: 2, close: 3.5, volume: 300 },
], 10);

describe('BarSeries and BarView', () => {
  it('stores bars column by column and gives one back as an object', () => {
    expect(s.length).toBe(3);
    expect(s.at(1)).toEqual({ symbol: 'X', tsEventMs: 20, open: 1.5, high: 3, low: 1, close: 2.5, volume: 200 });
  });

  it('slices into a copy that shares no memory', () => {
    const c = s.slice(1, 3);
    expect(c.length).toBe(2);
    expect(c.at(0).close).toBe(2.5);
    c.close[0] = 99;
    expect(s.close[1]).toBe(2.5);
  });

  it.each([
    [0, 0],
    [10, 0],
    [11, 1],
    [30, 2],
    [31, 3],
  ])('finds the first bar at or after %s at index %s', (t, i) => {
    expect(s.lowerBound(t)).toBe(i);
  });

  it('shows exactly one bar through a view and exposes no other', () => {
    const v = new BarView(s);
    v.moveTo(1);
    expect([v.symbol, v.tsEventMs, v.open, v.high, v.low, v.close, v.volume]).toEqual(['X', 20, 1.5, 3, 1, 2.5, 200]);
    expect(v.snapshot()).toEqual(s.at(1));
    // No way from the view to the series or to another bar by index.
    const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(v)).sort();
    expect(proto).toEqual(['close', 'constructor', 'high', 'index', 'low', 'moveTo', 'open', 'snapshot', 'symbol', 'tsEventMs', 'volume'].sort());
    expect(Object.keys(v)).toEqual([]);
    expect((v as unknown as Record<string, unknown>)['series']).toBeUndefined();
    expect((v as unknown as Record<string, unknown>)['at']).toBeUndefined();
  });
});
