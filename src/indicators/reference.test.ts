// Indicators TA-Lib does not define, checked against plain re-implementations written from their
// published definitions (array loops, no shared code) and against hand-worked examples.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { foldBars, foldBarsMulti, foldPair, foldScalar } from './batch.ts';
import { CrossOver } from './crossover.ts';
import { SMMA } from './ema.ts';
import { Hurst } from './statistics.ts';
import { SuperTrend } from './trend.ts';
import { AnchoredVWAP, SessionVWAP } from './volume.ts';

function ohlc(n: number, seed: number) {
  const rng = new Rng(seed);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let c = 100;
  for (let i = 0; i < n; i++) {
    const o = c;
    c *= Math.exp(rng.normal() * 0.015 + (i % 120 < 60 ? 0.002 : -0.002));
    high[i] = Math.max(o, c) * (1 + rng.next() * 0.006);
    low[i] = Math.min(o, c) * (1 - rng.next() * 0.006);
    close[i] = c;
    volume[i] = 1000 + rng.int(5000);
  }
  return { high, low, close, volume };
}

/** Close-enough for values computed by different (but equivalent) arithmetic. */
function expectClose(a: number, b: number, rel = 1e-12): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(a), Math.abs(b)));
}

describe('SMMA', () => {
  it("equals Wilder's smoothing: SMA of the first period, then (prev·(n−1) + x)/n", () => {
    const xs = ohlc(100, 1).close;
    const p = 7;
    const got = foldScalar(new SMMA(p), xs);
    let prev = 0;
    for (let i = 0; i < p; i++) prev += xs[i]!;
    prev /= p;
    expectClose(got[p - 1]!, prev);
    for (let i = p; i < xs.length; i++) {
      prev = (prev * (p - 1) + xs[i]!) / p;
      expectClose(got[i]!, prev);
    }
  });
});

describe('SuperTrend', () => {
  /** TradingView's Pine v4 SuperTrend over a TA-Lib-style ATR (Wilder, SMA-seeded, TR from bar 1). */
  function reference(high: Float64Array, low: Float64Array, close: Float64Array, period: number, mult: number) {
    const n = close.length;
    const atr = new Array<number>(n).fill(NaN);
    let sum = 0;
    for (let i = 1; i <= period; i++) sum += Math.max(high[i]! - low[i]!, Math.abs(high[i]! - close[i - 1]!), Math.abs(low[i]! - close[i - 1]!));
    atr[period] = sum / period;
    for (let i = period + 1; i < n; i++) {
      const tr = Math.max(high[i]! - low[i]!, Math.abs(high[i]! - close[i - 1]!), Math.abs(low[i]! - close[i - 1]!));
      atr[i] = (atr[i - 1]! * (period - 1) + tr) / period;
    }
    const value = new Array<number>(n).fill(NaN);
    const dir = new Array<number>(n).fill(NaN);
    let up1 = NaN;
    let dn1 = NaN;
    let trend = 1;
    for (let i = period; i < n; i++) {
      const hl2 = (high[i]! + low[i]!) / 2;
      let up = hl2 - mult * atr[i]!;
      let dn = hl2 + mult * atr[i]!;
      const first = Number.isNaN(up1);
      const upPrev = first ? up : up1;
      const dnPrev = first ? dn : dn1;
      if (!first) {
        up = close[i - 1]! > upPrev ? Math.max(up, upPrev) : up;
        dn = close[i - 1]! < dnPrev ? Math.min(dn, dnPrev) : dn;
      }
      trend = trend === -1 && close[i]! > dnPrev ? 1 : trend === 1 && close[i]! < upPrev ? -1 : trend;
      value[i] = trend === 1 ? up : dn;
      dir[i] = trend;
      up1 = up;
      dn1 = dn;
    }
    return { value, dir };
  }

  it('follows the TradingView formulation, flipping both ways', () => {
    const cols = ohlc(600, 5);
    const got = foldBarsMulti(new SuperTrend(10, 3), cols, ['value', 'direction'] as const);
    const ref = reference(cols.high, cols.low, cols.close, 10, 3);
    let flips = 0;
    for (let i = 0; i < 600; i++) {
      if (i < 10) {
        expect(Number.isNaN(got.value[i]!)).toBe(true);
        continue;
      }
      expect(got.direction[i]).toBe(ref.dir[i]);
      expectClose(got.value[i]!, ref.value[i]!);
      if (i > 10 && got.direction[i] !== got.direction[i - 1]) flips++;
    }
    expect(flips).toBeGreaterThan(3);
  });

  it('keeps the line below the close in an uptrend and above it in a downtrend at flip bars', () => {
    const cols = ohlc(600, 9);
    const got = foldBarsMulti(new SuperTrend(7, 2), cols, ['value', 'direction'] as const);
    for (let i = 8; i < 600; i++) {
      if (got.direction[i] === 1) expect(got.value[i]!).toBeLessThan(cols.close[i]!);
      else expect(got.value[i]!).toBeGreaterThan(cols.close[i]!);
    }
  });
});

describe('VWAP', () => {
  const H = 3_600_000;
  const day = Date.UTC(2024, 2, 4);
  // typical prices 10, 12, 14 | 20, 22 with volumes 1, 1, 2 | 3, 1
  const bars = [
    { tsEventMs: day + 21 * H, high: 11, low: 9, close: 10, volume: 1 },
    { tsEventMs: day + 22 * H, high: 13, low: 11, close: 12, volume: 1 },
    { tsEventMs: day + 23 * H, high: 15, low: 13, close: 14, volume: 2 },
    { tsEventMs: day + 24 * H, high: 21, low: 19, close: 20, volume: 3 },
    { tsEventMs: day + 25 * H, high: 23, low: 21, close: 22, volume: 1 },
  ];

  it('restarts at each UTC day', () => {
    const v = new SessionVWAP();
    expect(bars.map((b) => v.update(b))).toEqual([10, 11, 12.5, 20, 20.5]);
  });

  it('restarts at the shifted session start', () => {
    const v = new SessionVWAP(22 * 60); // sessions start at 22:00 UTC
    expect(bars.map((b) => v.update(b))).toEqual([10, 12, (12 + 28) / 3, (12 + 28 + 60) / 6, (12 + 28 + 60 + 22) / 7]);
  });

  it('anchored VWAP is null before the anchor and cumulative after it', () => {
    const v = new AnchoredVWAP(day + 22 * H);
    expect(bars.map((b) => v.update(b))).toEqual([null, 12, (12 + 28) / 3, (12 + 28 + 60) / 6, (12 + 28 + 60 + 22) / 7]);
  });

  it('uses the typical price while no volume has traded', () => {
    const v = new SessionVWAP();
    expect(v.update({ tsEventMs: day, high: 4, low: 2, close: 3, volume: 0 })).toBe(3);
    expect(v.update({ tsEventMs: day + H, high: 7, low: 5, close: 6, volume: 2 })).toBe(6);
  });
});

describe('Hurst exponent', () => {
  /** numpy recipe: H = polyfit(log(lags), log(std(x[lag:] − x[:−lag])), 1)[0], lags 2..maxLag. */
  function reference(xs: number[], maxLag: number): number {
    const lx: number[] = [];
    const ly: number[] = [];
    for (let lag = 2; lag <= maxLag; lag++) {
      const d = xs.slice(lag).map((x, j) => x - xs[j]!);
      const m = d.reduce((a, b) => a + b, 0) / d.length;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length);
      lx.push(Math.log(lag));
      ly.push(Math.log(sd));
    }
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
    const my = ly.reduce((a, b) => a + b, 0) / ly.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < lx.length; i++) {
      sxy += (lx[i]! - mx) * (ly[i]! - my);
      sxx += (lx[i]! - mx) ** 2;
    }
    return sxy / sxx;
  }

  /** A walk whose steps are AR(1) with coefficient phi: 0 a random walk, > 0 persistent. */
  function series(n: number, seed: number, kind: 'walk' | 'noise' | 'persistent'): Float64Array {
    const rng = new Rng(seed);
    const xs = new Float64Array(n);
    let x = 0;
    let step = 0;
    for (let i = 0; i < n; i++) {
      const e = rng.normal();
      if (kind === 'noise') x = e;
      else {
        step = (kind === 'persistent' ? 0.8 : 0) * step + e;
        x += step;
      }
      xs[i] = x;
    }
    return xs;
  }

  it('matches the numpy lagged-difference recipe on every window', () => {
    const xs = series(300, 2, 'walk');
    const got = foldScalar(new Hurst(100, 20), xs);
    for (let i = 99; i < 300; i += 7) expectClose(got[i]!, reference(Array.from(xs.subarray(i - 99, i + 1)), 20), 1e-10);
  });

  it('is near 0.5 for a random walk, near 0 for white noise and above 0.5 for persistent steps', () => {
    const mean = (xs: Float64Array) => {
      let s = 0;
      let n = 0;
      for (const x of xs) {
        if (Number.isNaN(x)) continue;
        s += x;
        n++;
      }
      return s / n;
    };
    expect(Math.abs(mean(foldScalar(new Hurst(200, 20), series(2000, 3, 'walk'))) - 0.5)).toBeLessThan(0.1);
    expect(mean(foldScalar(new Hurst(200, 20), series(2000, 4, 'noise')))).toBeLessThan(0.1);
    expect(mean(foldScalar(new Hurst(200, 20), series(2000, 5, 'persistent')))).toBeGreaterThan(0.6);
  });

  it('is 0 on a flat window instead of NaN', () => {
    const got = foldScalar(new Hurst(10, 4), new Float64Array(20).fill(5));
    expect(got[19]).toBe(0);
  });

  it('rejects a maxLag above half the period', () => {
    expect(() => new Hurst(20, 11)).toThrow(RangeError);
  });
});

describe('CrossOver', () => {
  it('signals +1/−1 only on a real cross; touching and bouncing back is no cross', () => {
    const x = Float64Array.from([1, 2, 3, 3, 2, 3, 4, 1, 1, 2]);
    const y = Float64Array.from([2, 2, 2, 3, 3, 3, 3, 3, 1, 1]);
    // diffs: -1 0 1 0 -1 0 1 -2 0 1
    expect(Array.from(foldPair(new CrossOver(), x, y))).toEqual([0, 0, 1, 0, -1, 0, 1, -1, 0, 1]);
    const touch = foldPair(new CrossOver(), Float64Array.from([2, 1, 2, 1, 0]), Float64Array.from([1, 1, 1, 1, 1]));
    expect(Array.from(touch)).toEqual([0, 0, 0, 0, -1]);
  });
});

describe('bar-input fold', () => {
  it('passes the bar time through to indicators that read it', () => {
    const time = Float64Array.from([0, 1, 86_400_000]);
    const one = Float64Array.from([1, 2, 3]);
    const got = foldBars(new SessionVWAP(), { high: one, low: one, close: one, volume: Float64Array.from([1, 1, 1]), time });
    expect(Array.from(got)).toEqual([1, 1.5, 3]);
  });
});
