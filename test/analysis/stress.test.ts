// Stress tests through the real engine: shocks change what the strategy earns in the way they should.
import { describe, expect, it } from 'vitest';
import { runStress } from '../../src/app/stress.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { liquidityDrought } from '../../src/research/stress-shocks.ts';
import { BarSeries } from '../../src/model/bar.ts';
import { MS_PER_DAY } from '../../src/core/time.ts';
import { randomWalk, T0 } from '../helpers/bars.ts';
import { builtin, csvOf } from './helpers.ts';

/** A random walk with a 35% slide over bars 200..239. */
function withCrash(n: number, seed: number): BarSeries {
  const s = randomWalk(n, seed, { vol: 0.01 });
  const out = new BarSeries('X', n, MS_PER_DAY);
  let f = 1;
  for (let i = 0; i < n; i++) {
    if (i >= 200 && i < 240) f *= Math.pow(0.65, 1 / 40);
    out.time[i] = T0 + i * MS_PER_DAY;
    out.open[i] = Math.round(s.open[i]! * (i >= 200 && i < 240 ? f / Math.pow(0.65, 1 / 40) : f) * 100) / 100;
    out.high[i] = Math.round(s.high[i]! * f * 1.02 * 100) / 100;
    out.low[i] = Math.round(s.low[i]! * f * 0.97 * 100) / 100;
    out.close[i] = Math.round(s.close[i]! * f * 100) / 100;
    out.volume[i] = s.volume[i]!;
  }
  for (let i = 0; i < n; i++) {
    out.high[i] = Math.max(out.high[i]!, out.open[i]!, out.close[i]!);
    out.low[i] = Math.min(out.low[i]!, out.open[i]!, out.close[i]!);
  }
  return out;
}

const data = withCrash(400, 12);
const spec = csvOf(data, 'stress.csv');

describe('runStress on buy-and-hold', async () => {
  const r = await runStress({ strategy: 'buy-and-hold', data: [spec], autoWindows: 1, gap: 0.1, volK: 3, droughtVolume: 0.05 });
  const n = data.length;
  const qty = Math.floor((0.95 * 100_000) / data.close[0]!);
  const cashLeft = 100_000 - qty * data.open[1]!;

  it('reports the baseline as the plain backtest', () => {
    const base = r.scenarios[0]!;
    expect(base.kind).toBe('baseline');
    expect(base.metrics.finalValue).toBeCloseTo(cashLeft + qty * data.close[n - 1]!, 6);
    expect(base.metrics.fillRatio).toBe(1);
  });

  it('finds the injected crash as the worst window and measures the strategy in it', () => {
    const w = r.scenarios.find((x) => x.kind === 'crisis-window')!;
    const from = Date.parse(w.window!.from);
    const to = Date.parse(w.window!.to);
    // From the walk's last peak before the slide to the trough after it.
    expect(from).toBeLessThanOrEqual(data.time[200]!);
    expect(to).toBeGreaterThanOrEqual(data.time[235]!);
    // Fully invested but for 5% cash: the strategy falls a little less than the market.
    const und = w.window!.underlyingReturn!;
    expect(und).toBeLessThan(-0.3);
    expect(w.window!.strategyReturn!).toBeLessThan(0.9 * und);
    expect(w.window!.strategyReturn!).toBeGreaterThan(und);
    expect(w.window!.strategyReturn).toBe(w.window!.baselineReturn);
  });

  it('loses exactly the gap on the held shares', () => {
    const g = r.scenarios.find((x) => x.kind === 'gap-down')!;
    const t = data.lowerBound(Date.parse(r.shock!.at));
    expect(t).toBeGreaterThan(1);
    const f = (0.9 * data.close[t - 1]!) / data.open[t]!;
    expect(g.metrics.finalValue).toBeCloseTo(cashLeft + qty * f * data.close[n - 1]!, 4);
    expect(g.vsBaseline!.finalValue).toBeLessThan(0);
    expect(g.window!.strategyReturn!).toBeLessThan(g.window!.baselineReturn!);
  });

  it('scales the swings of a volatility spike into the strategy', () => {
    const v = r.scenarios.find((x) => x.kind === 'volatility-spike')!;
    expect(v.metrics.finalValue).not.toBeCloseTo(r.scenarios[0]!.metrics.finalValue, 0);
    expect(Math.abs(v.window!.strategyReturn!)).toBeGreaterThan(Math.abs(v.window!.baselineReturn!));
  });
});

describe('liquidity drought', () => {
  it('makes orders fill in parts no bigger than the participation cap of the thin volume', () => {
    const s = randomWalk(300, 8, { vol: 0.02 });
    const make = builtin('sma-cross', { fast: 5, slow: 20 });
    const base = new BacktestNode({ series: [s], strategies: [{ strategy: make([s]) }] }).run();
    const firstFill = base.kernel.fills.at(0)!;
    const at = s.time[s.lowerBound(firstFill.tsMs)]!;
    const [dry] = liquidityDrought([s], at, 20, 0.05) as [BarSeries];
    const out = new BacktestNode({ series: [dry], strategies: [{ strategy: make([dry]) }], venue: { volumeCap: 0.1 } }).run();
    const i0 = s.lowerBound(at);
    const inDrought = out.kernel.fills.filter((f) => f.tsMs >= at && f.tsMs < s.time[i0 + 20]!);
    expect(inDrought.length).toBeGreaterThan(1);
    for (const f of inDrought) expect(f.qty).toBeLessThanOrEqual(Math.floor(0.1 * dry.volume[dry.lowerBound(f.tsMs)]!));
    expect(out.kernel.fills.length).toBeGreaterThan(base.kernel.fills.length);
  });

  it('shows up in the stress report as more, smaller fills', async () => {
    const s = randomWalk(300, 8, { vol: 0.02 });
    const r = await runStress({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: [csvOf(s, 'dry.csv')], autoWindows: 0, gap: null, volK: null });
    expect(r.scenarios.map((x) => x.kind)).toEqual(['baseline', 'liquidity-drought']);
    const d = r.scenarios[1]!;
    expect(d.metrics.fills).toBeGreaterThan(r.scenarios[0]!.metrics.fills);
    expect(d.description).toMatch(/fills capped at 10\.0% of bar volume/);
  });
});

describe('runStress input checks', () => {
  it('rejects a window that is not FROM:TO and a shock date outside the data', async () => {
    await expect(runStress({ strategy: 'buy-and-hold', data: [spec], windows: ['2024-01-01'] })).rejects.toThrow(/--window/);
    await expect(runStress({ strategy: 'buy-and-hold', data: [spec], shockAt: '1990-01-01' })).rejects.toThrow(/--shock-at/);
    await expect(runStress({ strategy: 'nope', data: [spec] })).rejects.toThrow(/--strategy/);
  });
});
