// Look-ahead is impossible: a strategy sees bars up to the current one and nothing after it.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { Bar } from '../model/bar.ts';
import { randomWalk, series } from '../../test/helpers/bars.ts';
import { runScript } from '../../test/helpers/scenario.ts';
import { SeriesHistory } from './history.ts';

const s = series([
  [1, 1, 1, 1.5, 10],
  [2, 2, 2, 2.5, 20],
  [3, 3, 3, 3.5, 30],
  [4, 4, 4, 4.5, 40],
]);

describe('SeriesHistory', () => {
  it('is empty before the first bar', () => {
    const h = new SeriesHistory(s);
    expect(h.length).toBe(0);
    expect(() => h.close()).toThrow(ConfigError);
    expect(h.closes(3)).toEqual(new Float64Array(0));
  });

  it('counts back from the current bar', () => {
    const h = new SeriesHistory(s);
    h.cursor = 2;
    expect(h.length).toBe(3);
    expect([h.close(), h.close(1), h.close(2)]).toEqual([3.5, 2.5, 1.5]);
    expect([h.open(), h.high(1), h.low(2), h.volume(0), h.time(0)]).toEqual([3, 2, 1, 30, s.time[2]]);
    expect(h.closes(2)).toEqual(new Float64Array([2.5, 3.5]));
    expect(h.closes(99)).toEqual(new Float64Array([1.5, 2.5, 3.5]));
  });

  it.each([
    ['close', -1],
    ['open', -1],
    ['high', -2],
    ['low', -1],
    ['volume', -1],
    ['time', -1],
    ['close', 3],
    ['close', NaN],
  ] as const)('refuses %s(%s): the future and before the start are not available', (field, ago) => {
    const h = new SeriesHistory(s);
    h.cursor = 2;
    expect(() => h[field](ago)).toThrow(ConfigError);
  });

  it('closes(n) copies: writing to it does not change the data', () => {
    const h = new SeriesHistory(s);
    h.cursor = 1;
    h.closes(2)[0] = 99;
    expect(h.close(1)).toBe(1.5);
  });
});

describe('look-ahead in a run', () => {
  it('a strategy reading the next bar gets an error, and history ends at the bar being processed', () => {
    const data = randomWalk(30, 7);
    const attempts: unknown[] = [];
    const seen: { i: number; length: number; close: number; last: number }[] = [];
    runScript(data, (ctx, bar, i) => {
      const h = ctx.history('X');
      seen.push({ i, length: h.length, close: bar.close, last: h.closes(1000).at(-1)! });
      try {
        h.close(-1);
      } catch (e) {
        attempts.push(e);
      }
    });
    expect(attempts).toHaveLength(30);
    for (const e of attempts) expect(e).toBeInstanceOf(ConfigError);
    seen.forEach((x) => {
      expect(x.length).toBe(x.i + 1);
      expect(x.close).toBe(data.close[x.i]);
      expect(x.last).toBe(data.close[x.i]);
    });
  });

  it('the bar given to onBar is the current bar and holds no reference to later ones', () => {
    const data = randomWalk(10, 3);
    const snapshots: Bar[] = [];
    const shapes: string[][] = [];
    runScript(data, (_ctx, bar) => {
      snapshots.push({ symbol: bar.symbol, tsEventMs: bar.tsEventMs, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume });
      shapes.push(Object.keys(bar));
      const anyBar = bar as unknown as Record<string, unknown>;
      expect(anyBar['series']).toBeUndefined();
      expect(anyBar['at']).toBeUndefined();
      expect(anyBar['next']).toBeUndefined();
    });
    expect(snapshots).toEqual(Array.from({ length: 10 }, (_, i) => data.at(i)));
    for (const keys of shapes) expect(keys).toEqual([]);
  });

  it('orders are matched only against bars after the one that produced them', () => {
    // A limit far below the market on bar 0 and a market order: if either saw bar 1 early it would
    // fill at a bar-0 price.
    const data = series([
      [100, 100, 100, 100],
      [90, 91, 80, 85],
    ]);
    const r = runScript(data, {
      0: (ctx) => {
        ctx.buy('X', 1);
        ctx.buy('X', 1, { type: 'limit', limitPrice: 82 });
      },
    });
    expect(r.kernel.fills.map((f) => [f.price, f.tsMs])).toEqual([
      [90, data.time[1]],
      [82, data.time[1]],
    ]);
  });
});
