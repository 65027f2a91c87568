import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import type { PerformanceMetrics } from '../analytics/metrics.ts';
import { BarSeries } from '../model/bar.ts';
import { gapDown, liquidityDrought, volatilitySpike } from './stress-shocks.ts';
import { parseWindow, underlyingIndex, worstDrawdownWindows } from './stress-windows.ts';
import { curveWindow, runStressTest, shockPlacement, type StressRunResult } from './stress.ts';

const T0 = Date.UTC(2021, 0, 4);

/** A daily series with consistent OHLC from closes: open = previous close, high/low 1% around. */
function fromCloses(closes: readonly number[], symbol = 'X', volume = 50_000): BarSeries {
  const s = new BarSeries(symbol, closes.length, MS_PER_DAY);
  closes.forEach((c, i) => {
    const o = i === 0 ? c : closes[i - 1]!;
    s.time[i] = T0 + i * MS_PER_DAY;
    s.open[i] = o;
    s.close[i] = c;
    s.high[i] = Math.max(o, c) * 1.01;
    s.low[i] = Math.min(o, c) * 0.99;
    s.volume[i] = volume;
  });
  return s;
}

const wave = (n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => 100 * Math.exp(0.1 * Math.sin((i + seed) / 7) + 0.002 * i));

describe('gapDown', () => {
  const s = fromCloses(wave(60));
  const at = s.time[30]!;
  const [g] = gapDown([s], at, 0.1) as [BarSeries];

  it('opens the shock bar the fraction below the previous close', () => {
    expect(g.open[30]).toBeCloseTo(0.9 * s.close[29]!, 10);
  });

  it('leaves earlier bars alone and moves every later price by one factor', () => {
    for (let i = 0; i < 30; i++) expect([g.open[i], g.high[i], g.low[i], g.close[i]]).toEqual([s.open[i], s.high[i], s.low[i], s.close[i]]);
    const f = g.close[30]! / s.close[30]!;
    for (let i = 30; i < 60; i++) {
      expect(g.close[i]! / s.close[i]!).toBeCloseTo(f, 12);
      expect(g.low[i]! / s.low[i]!).toBeCloseTo(f, 12);
    }
    expect(g.time).toEqual(s.time);
    expect(g.volume).toEqual(s.volume);
  });

  it('does not touch its input', () => {
    expect(s.open[30]).toBe(s.close[29]);
  });

  it('rejects a gap outside (0, 1)', () => {
    expect(() => gapDown([s], at, 1.2)).toThrow(/--gap/);
  });
});

describe('volatilitySpike', () => {
  const s = fromCloses(wave(80));
  const [v] = volatilitySpike([s], s.time[20]!, 10, 3) as [BarSeries];
  const lr = (x: BarSeries, i: number): number => Math.log(x.close[i]! / x.close[i - 1]!);

  it('scales close-to-close log returns by k inside the window and keeps them outside', () => {
    for (let i = 1; i < 80; i++) {
      const k = i >= 20 && i < 30 ? 3 : 1;
      expect(lr(v, i)).toBeCloseTo(k * lr(s, i), 12);
    }
  });

  it('keeps every bar consistent: low <= open, close <= high', () => {
    for (let i = 0; i < 80; i++) {
      expect(v.low[i]!).toBeLessThanOrEqual(Math.min(v.open[i]!, v.close[i]!));
      expect(v.high[i]!).toBeGreaterThanOrEqual(Math.max(v.open[i]!, v.close[i]!));
    }
  });

  it('widens the bar ranges inside the window', () => {
    const range = (x: BarSeries, i: number): number => Math.log(x.high[i]! / x.low[i]!);
    for (let i = 20; i < 30; i++) expect(range(v, i)).toBeCloseTo(3 * range(s, i), 12);
  });
});

describe('liquidityDrought', () => {
  it('cuts volume by the factor in the window only, keeping at least one unit', () => {
    const s = fromCloses(wave(30), 'X', 1000);
    const [d] = liquidityDrought([s], s.time[10]!, 5, 0.05) as [BarSeries];
    expect([...d.volume.subarray(8, 17)]).toEqual([1000, 1000, 50, 50, 50, 50, 50, 1000, 1000]);
    const [z] = liquidityDrought([s], s.time[10]!, 5, 0) as [BarSeries];
    expect(z.volume[10]).toBe(1);
    expect(d.close).toEqual(s.close);
  });
});

describe('crisis windows', () => {
  // Up, a 30% crash, recovery, a 15% dip, recovery, a 45% crash to the end.
  const path = [
    ...Array.from({ length: 20 }, (_, i) => 100 + i),
    ...Array.from({ length: 10 }, (_, i) => 119 * (1 - 0.03 * (i + 1))),
    ...Array.from({ length: 30 }, (_, i) => 83.3 + i * 1.5),
    ...Array.from({ length: 5 }, (_, i) => 126.8 * (1 - 0.03 * (i + 1))),
    ...Array.from({ length: 20 }, (_, i) => 107.8 + i * 2),
    ...Array.from({ length: 15 }, (_, i) => 145.8 * (1 - 0.03 * (i + 1))),
  ];
  const s = fromCloses(path);

  it('finds the deepest drawdowns of the underlying, peak to trough, in time order', () => {
    const w = worstDrawdownWindows([s], 2);
    expect(w.map((x) => [x.fromMs, x.toMs])).toEqual([
      [s.time[19], s.time[29]],
      [s.time[84], s.time[99]],
    ]);
    expect(w[0]!.depth).toBeCloseTo(0.7 - 1, 9);
    expect(w[1]!.depth).toBeCloseTo(0.55 - 1, 9);
    expect(w.every((x) => x.source === 'auto')).toBe(true);
    expect(worstDrawdownWindows([s], 3)).toHaveLength(3);
    expect(worstDrawdownWindows([s], 0)).toEqual([]);
  });

  it('builds an equal-weight index of several series normalized to their first close', () => {
    const a = fromCloses([10, 20, 30], 'A');
    const b = fromCloses([100, 50, 100], 'B');
    expect([...underlyingIndex([a, b]).value]).toEqual([1, 1.25, 2]);
  });

  it('parses a user window covering both days and rejects bad ones naming --window', () => {
    const w = parseWindow('2008-09-01:2009-03-31');
    expect(w.fromMs).toBe(Date.UTC(2008, 8, 1));
    expect(w.toMs).toBe(Date.UTC(2009, 2, 31) + MS_PER_DAY - 1);
    expect(() => parseWindow('2008-09-01')).toThrow(/--window/);
    expect(() => parseWindow('2009-09-01:2008-03-31')).toThrow(ConfigError);
    expect(() => parseWindow('2009-13-01:2010-01-01')).toThrow(/not a date/);
  });

  it('measures a curve between the first point at or after the start and the last at or before the end', () => {
    const t = Float64Array.of(0, 10, 20, 30, 40);
    const v = Float64Array.of(100, 120, 90, 110, 130);
    expect(curveWindow(t, v, 5, 35)).toEqual({ from: 1, to: 3, ret: 110 / 120 - 1, maxDrawdown: 90 / 120 - 1 });
    expect(curveWindow(t, v, 41, 50).ret).toBeNull();
  });
});

/** A stub run: equity follows the data's first close times `units`, exposure on given bars. */
function stubRunner(units: number, exposed: (i: number) => boolean) {
  const calls: { closes: number[]; cap: number | null }[] = [];
  const run = (series: readonly BarSeries[], venue: { volumeCap: number | null }): StressRunResult => {
    const s = series[0]!;
    calls.push({ closes: [...s.close], cap: venue.volumeCap });
    const equity = Float64Array.from(s.close, (c) => 1000 + units * c);
    const exposure = Float64Array.from(s.close, (_, i) => (exposed(i) ? 0.5 + i / 1000 : 0));
    const metrics = { totalReturn: equity[equity.length - 1]! / equity[0]! - 1, sharpe: 1, maxDrawdown: -0.1, cagr: 0.1, tradeCount: 2 } as PerformanceMetrics;
    return { timeMs: s.time, equity, exposure, metrics, finalValue: equity[equity.length - 1]!, fillTimesMs: [s.time[5]!, s.time[40]!, s.time[42]!], orderedQty: 30, filledQty: 30, rejected: 0 };
  };
  return { run, calls };
}

describe('runStressTest', () => {
  const s = fromCloses(wave(100));

  it('runs the baseline, the windows and one run per shock, capping volume only in the drought', () => {
    const { run, calls } = stubRunner(10, (i) => i >= 30 && i < 60);
    const r = runStressTest([s], run, { autoWindows: 2 });
    expect(r.scenarios.map((x) => x.kind)).toEqual(['baseline', 'crisis-window', 'crisis-window', 'gap-down', 'volatility-spike', 'liquidity-drought']);
    expect(calls.map((c) => c.cap)).toEqual([null, null, null, 0.1]);
    expect(r.scenarios[0]!.vsBaseline).toBeNull();
    expect(r.scenarios[1]!.vsBaseline).toBeNull();
  });

  it('places price shocks after the largest exposure and the drought on the busiest fills', () => {
    const { run } = stubRunner(10, (i) => i >= 30 && i < 60);
    const base = run([s], { volumeCap: null });
    const p = shockPlacement(base, 20);
    expect(p.priceAt).toBe(s.time[60]); // exposure grows with i, so the last exposed bar (59) is the largest
    expect(p.droughtAt).toBe(s.time[40]); // fills at 40 and 42 share a 20-bar stretch
  });

  it('measures the shock against the baseline over the same span', () => {
    const { run } = stubRunner(10, (i) => i >= 30 && i < 60);
    const r = runStressTest([s], run, { autoWindows: 0, gap: 0.2, volK: null, droughtVolume: null, shockAtMs: s.time[50]! });
    expect(r.scenarios.map((x) => x.kind)).toEqual(['baseline', 'gap-down']);
    const g = r.scenarios[1]!;
    expect(g.window!.from).toBe(new Date(s.time[49]!).toISOString());
    expect(g.window!.to).toBe(new Date(s.time[69]!).toISOString());
    expect(g.window!.bars).toBe(21);
    // The stub's equity moves with price: the gap shows as a loss against the baseline.
    expect(g.window!.strategyReturn!).toBeLessThan(g.window!.baselineReturn!);
    expect(g.vsBaseline!.finalValue).toBeCloseTo(10 * (0.8 * s.close[49]! / s.open[50]! - 1) * s.close[99]!, 6);
    expect(r.shock!.reason).toBe('given');
  });

  it('uses user windows instead of automatic ones', () => {
    const { run } = stubRunner(1, () => false);
    const w = parseWindow('2021-01-10:2021-01-20');
    const r = runStressTest([s], run, { windows: [w], gap: null, volK: null, droughtVolume: null });
    expect(r.scenarios.map((x) => x.id)).toEqual(['baseline', 'window 2021-01-10..2021-01-20']);
    expect(r.shock).toBeNull();
    expect(r.scenarios[1]!.window!.from).toBe('2021-01-10T00:00:00.000Z');
    expect(r.scenarios[1]!.window!.to).toBe('2021-01-20T00:00:00.000Z');
  });

  it('rejects a bad participation cap or shock length', () => {
    const { run } = stubRunner(1, () => false);
    expect(() => runStressTest([s], run, { participation: 0 })).toThrow(/--participation/);
    expect(() => runStressTest([s], run, { shockBars: 0 })).toThrow(/--shock-bars/);
  });
});
