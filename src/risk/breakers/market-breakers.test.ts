import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { ManualBreaker, StaleDataBreaker, VolatilitySpikeBreaker } from './market-breakers.ts';
import type { CircuitBreaker } from './types.ts';

/** Prices 100·e^(r1+…+rk) for the given log returns, with alternating signs. */
function pricesFrom(absReturns: readonly number[]): number[] {
  const out = [100];
  let cum = 0;
  absReturns.forEach((r, i) => {
    cum += i % 2 === 0 ? r : -r;
    out.push(100 * Math.exp(cum));
  });
  return out;
}

const rep = (x: number, n: number) => Array<number>(n).fill(x);

describe('volatility spike (short-window realized vol vs the baseline before it)', () => {
  // Short window 4 returns, baseline 8 returns, multiple 3.
  const rows: [string, number[], number][] = [
    ['no trip before both windows are full, however wild', [...rep(0.01, 4), ...rep(0.5, 4)], -1],
    ['short vol 2.99x the baseline does not trip', [...rep(0.01, 8), ...rep(0.0299, 4)], -1],
    ['short vol 3.01x the baseline trips when the windows fill', [...rep(0.01, 8), ...rep(0.0301, 4)], 12],
    ['a zero baseline never trips', [...rep(0, 8), ...rep(0.05, 4)], -1],
    ['one 5% move after a 1% calm (2.65x) does not trip', [...rep(0.01, 20), 0.05], -1],
    ['one 7% move after a 1% calm (3.6x) trips at once', [...rep(0.01, 20), 0.07], 21],
    ['a steady 5% regime does not trip once it is the baseline', [...rep(0.05, 30)], -1],
  ];
  it.each(rows)('%s', (_label, returns, tripAt) => {
    const b = new VolatilitySpikeBreaker({ shortWindow: 4, longWindow: 8, multiple: 3 });
    const prices = pricesFrom(returns);
    expect(prices.findIndex((p, i) => b.onMarketData('ES', i, p) !== null)).toBe(tripAt);
  });

  it('names the symbol, both vols, the ratio and the limit', () => {
    const b = new VolatilitySpikeBreaker({ shortWindow: 4, longWindow: 8, multiple: 3 });
    const prices = pricesFrom([...rep(0.01, 8), ...rep(0.04, 4)]);
    let reason: string | null = null;
    prices.forEach((p, i) => (reason = b.onMarketData('ES', i, p) ?? reason));
    expect(reason).toBe('ES realized volatility 4% over the last 4 returns is 4x the baseline 1% over the 8 before, max 3x');
  });

  it('keeps exact window vols over many laps (matches a direct computation)', () => {
    const S = 5;
    const L = 13;
    const b = new VolatilitySpikeBreaker({ shortWindow: S, longWindow: L, multiple: 1e9 });
    const rng = new Rng(42);
    const prices = [100];
    for (let i = 0; i < 1000; i++) prices.push(prices.at(-1)! * Math.exp(0.02 * rng.normal() * (1 + (i % 97) / 20)));
    const r2 = prices.slice(1).map((p, i) => Math.log(p / prices[i]!) ** 2);
    prices.forEach((p, i) => {
      b.onMarketData('X', i, p);
      const { short, baseline } = b.vols('X');
      if (i < S + L) {
        expect(short).toBeNaN();
        return;
      }
      const win = r2.slice(i - S - L, i);
      const expShort = Math.sqrt(win.slice(L).reduce((a, x) => a + x, 0) / S);
      const expBase = Math.sqrt(win.slice(0, L).reduce((a, x) => a + x, 0) / L);
      expect(short).toBeCloseTo(expShort, 12);
      expect(baseline).toBeCloseTo(expBase, 12);
    });
  });

  it('does not keep rounding residue of a huge return once it has left the windows', () => {
    // r² = 1 then r² = 1e-12: running sums alone would keep ~1e-16 of the big value, 4e-5 of the small sums.
    const b = new VolatilitySpikeBreaker({ shortWindow: 5, longWindow: 13, multiple: 1e9 });
    const prices = [100, 100 * Math.E];
    for (let i = 0; i < 60; i++) prices.push(prices.at(-1)! * Math.exp(i % 2 === 0 ? 1e-6 : -1e-6));
    prices.forEach((p, i) => b.onMarketData('X', i, p));
    const r2 = prices.slice(1).map((p, i) => Math.log(p / prices[i]!) ** 2);
    const last = r2.slice(-18);
    const expShort = Math.sqrt(last.slice(13).reduce((a, x) => a + x, 0) / 5);
    const expBase = Math.sqrt(last.slice(0, 13).reduce((a, x) => a + x, 0) / 13);
    expect(Math.abs(b.vols('X').short / expShort - 1)).toBeLessThan(1e-9);
    expect(Math.abs(b.vols('X').baseline / expBase - 1)).toBeLessThan(1e-9);
  });

  it('watches each symbol on its own, or only the listed ones', () => {
    const all = new VolatilitySpikeBreaker({ shortWindow: 2, longWindow: 4, multiple: 2 });
    const onlyB = new VolatilitySpikeBreaker({ shortWindow: 2, longWindow: 4, multiple: 2, symbols: ['B'] });
    const calm = pricesFrom(rep(0.01, 6));
    const wild = pricesFrom([...rep(0.01, 4), 0.1, 0.1]);
    const hits = { all: 0, onlyB: 0 };
    calm.forEach((p, i) => {
      if (all.onMarketData('B', i, p) !== null) hits.all++;
      if (all.onMarketData('A', i, wild[i]!) !== null) hits.all++;
      if (onlyB.onMarketData('B', i, p) !== null) hits.onlyB++;
      if (onlyB.onMarketData('A', i, wild[i]!) !== null) hits.onlyB++;
    });
    expect(hits).toEqual({ all: 1, onlyB: 0 });
  });

  it('refills both windows after rearm before it can trip again', () => {
    const b = new VolatilitySpikeBreaker({ shortWindow: 2, longWindow: 4, multiple: 2 });
    const prices = pricesFrom([...rep(0.01, 4), ...rep(0.1, 6)]);
    const trips = prices.map((p, i) => {
      if (i === 7) b.rearm();
      return b.onMarketData('A', i, p) !== null;
    });
    expect(trips.indexOf(true)).toBe(6);
    expect(trips.slice(7)).toEqual([false, false, false, false]);
    expect(b.vols('A').short).toBeNaN();
    b.onMarketData('A', 11, prices[9]!);
    b.onMarketData('A', 12, prices[10]!);
    expect(b.vols('A').short).toBeCloseTo(0.1, 12);
  });

  it('ignores non-positive prices and rejects bad windows', () => {
    const b = new VolatilitySpikeBreaker({ shortWindow: 2, longWindow: 2, multiple: 2 });
    expect([0, -5, NaN].map((p) => b.onMarketData('A', 0, p))).toEqual([null, null, null]);
    expect(() => new VolatilitySpikeBreaker({ shortWindow: 0, longWindow: 2, multiple: 2 })).toThrow(ConfigError);
    expect(() => new VolatilitySpikeBreaker({ shortWindow: 2, longWindow: 2, multiple: 0 })).toThrow(/multiple/);
  });
});

type Step = ['data', string, number] | ['poll', number];

describe('stale data (no market data for N ms)', () => {
  const rows: [string, string[], Step[], number][] = [
    ['data 1000 ms old (exactly the limit) does not trip', [], [['data', 'A', 0], ['poll', 1000]], -1],
    ['data 1001 ms old trips', [], [['data', 'A', 0], ['poll', 1000], ['poll', 1001]], 2],
    ['any symbol keeps the feed fresh', [], [['data', 'A', 0], ['data', 'B', 900], ['poll', 1900], ['poll', 1901]], 3],
    ['a feed that never sends trips, counted from the first check', [], [['poll', 5000], ['poll', 6000], ['poll', 6001]], 2],
    ['with a watch list, every listed symbol must be fresh', ['A', 'B'], [['data', 'A', 0], ['data', 'B', 0], ['data', 'A', 1500], ['poll', 1500]], 3],
    ['with a watch list, other symbols do not count', ['A'], [['data', 'A', 0], ['data', 'Z', 1000], ['poll', 1001]], 2],
    ['data older than the latest does not move the clock back', [], [['data', 'A', 500], ['data', 'A', 100], ['poll', 1500]], -1],
  ];
  it.each(rows)('%s', (_label, symbols, steps, tripAt) => {
    const b = new StaleDataBreaker({ maxAgeMs: 1000, symbols });
    const trips = steps.map((s) => (s[0] === 'data' ? b.onMarketData(s[1], s[2], 100) : b.poll(s[1])) !== null);
    expect(trips.indexOf(true)).toBe(tripAt);
  });

  it('names the age, the last data time, the symbol and the limit', () => {
    const any = new StaleDataBreaker({ maxAgeMs: 1000 });
    any.onMarketData('A', 0, 100);
    expect(any.poll(2500)).toBe('no market data for 2500 ms (since 1970-01-01T00:00:00.000Z), max 1000 ms');
    const listed = new StaleDataBreaker({ maxAgeMs: 1000, symbols: ['A', 'B'] });
    listed.onMarketData('A', 2000, 100);
    listed.onMarketData('B', 0, 100);
    expect(listed.poll(2000)).toBe('no market data for B for 2000 ms (since 1970-01-01T00:00:00.000Z), max 1000 ms');
  });

  it('gives the feed another maxAgeMs after rearm', () => {
    const b = new StaleDataBreaker({ maxAgeMs: 1000 });
    b.onMarketData('A', 0, 100);
    expect(b.poll(5000)).not.toBeNull();
    b.rearm(5000);
    expect(b.poll(6000)).toBeNull();
    expect(b.poll(6001)).not.toBeNull();
    expect([b.name, b.action, b.coolDownMs]).toEqual(['stale-data', 'halt', 60_000]);
  });
});

describe('manual breaker (kill switch)', () => {
  it('has no inputs that could trip it and defaults to halt with manual reset', () => {
    const b: CircuitBreaker = new ManualBreaker();
    expect([b.name, b.action, b.coolDownMs, b.onEquity, b.onMarketData, b.poll]).toEqual(['kill-switch', 'halt', null, undefined, undefined, undefined]);
    expect(new ManualBreaker({ name: 'desk-flatten', action: 'flatten' }).action).toBe('flatten');
    expect(() => new ManualBreaker({ action: 'pause' as never })).toThrow(/unknown action "pause"/);
  });
});
