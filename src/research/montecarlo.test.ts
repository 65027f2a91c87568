import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { maxDrawdown } from '../analytics/drawdown.ts';
import { sharpeRatio } from '../analytics/risk-ratios.ts';
import { fixedBlockIndices, iidIndices, permutationIndices, stationaryIndices } from './montecarlo-bootstrap.ts';
import { monteCarloOfRun, percentileSorted, returnSample, simulate, tradeSample, type MonteCarloSample } from './montecarlo.ts';
import type { BacktestRunData } from './montecarlo-input.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

/** Daily returns with a little drift, fat-ish tails and volatility clustering (seeded). */
function clusteredReturns(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const r = new Float64Array(n);
  let vol = 0.01;
  for (let i = 0; i < n; i++) {
    vol = Math.max(0.003, 0.9 * vol + 0.1 * 0.01 + 0.002 * rng.normal());
    r[i] = 0.0004 + vol * rng.normal();
  }
  return r;
}

function runFromReturns(returns: Float64Array, start = 100_000, trades: { exitTimeMs: number; pnl: number }[] = []): BacktestRunData {
  const equity = new Float64Array(returns.length + 1);
  const timeMs = new Float64Array(returns.length + 1);
  equity[0] = start;
  timeMs[0] = T0;
  for (let i = 0; i < returns.length; i++) {
    equity[i + 1] = equity[i]! * (1 + returns[i]!);
    timeMs[i + 1] = T0 + (i + 1) * DAY;
  }
  return { file: 'mem.json', startEquity: start, timeMs, equity, trades, finalValue: equity[returns.length]! };
}

const sample = (steps: number[] | Float64Array, o: Partial<MonteCarloSample> = {}): MonteCarloSample => ({
  startEquity: 100, steps: Float64Array.from(steps), additive: false, stepsPerYear: 252, ...o,
});

describe('resampling schemes', () => {
  it('a permutation holds every index exactly once', () => {
    const out = new Int32Array(500);
    permutationIndices(new Rng(3), out);
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect([...out]).not.toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('fixed blocks are runs of consecutive indices that wrap around the end', () => {
    const out = new Int32Array(100);
    fixedBlockIndices(new Rng(4), 30, 10, out);
    for (let b = 0; b < 10; b++) for (let k = 1; k < 10; k++) expect(out[b * 10 + k]).toBe((out[b * 10 + k - 1]! + 1) % 30);
  });

  it('stationary blocks have a mean length near the requested one', () => {
    const out = new Int32Array(200_000);
    stationaryIndices(new Rng(5), 1000, 20, out);
    let breaks = 0;
    for (let i = 1; i < out.length; i++) if (out[i] !== (out[i - 1]! + 1) % 1000) breaks++;
    // A new block can restart at the next index by chance (1 in 1000), so breaks slightly undercount.
    expect(out.length / (breaks + 1)).toBeGreaterThan(19);
    expect(out.length / (breaks + 1)).toBeLessThan(21);
  });

  it('i.i.d. draws hit every index about equally often', () => {
    const out = new Int32Array(100_000);
    iidIndices(new Rng(6), 10, out);
    const counts = new Array<number>(10).fill(0);
    for (const i of out) counts[i]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('simulate', () => {
  const returns = clusteredReturns(750, 11);
  const run = runFromReturns(returns);

  it('reproduces the historical path exactly as the historical value', () => {
    const r = simulate(returnSample(run), { scheme: 'stationary', paths: 10, seed: 1 });
    expect(r.finalEquity.historical).toBeCloseTo(run.equity[run.equity.length - 1]!, 6);
    expect(r.maxDrawdown.historical).toBeCloseTo(maxDrawdown(run.equity)!, 12);
    // Bars on every calendar day: 365 a year.
    expect(r.stepsPerYear).toBe(365);
    expect(r.sharpe.historical).toBeCloseTo(sharpeRatio(returns, { periodsPerYear: 365 })!, 9);
  });

  it('has bands that contain the historical final equity, drawdown and Sharpe of a deterministic input', () => {
    for (const scheme of ['stationary', 'fixed', 'iid'] as const) {
      const r = simulate(returnSample(run), { scheme, paths: 4000, seed: 7, block: 20 });
      for (const d of [r.finalEquity, r.maxDrawdown, r.sharpe]) {
        expect(d.percentiles.p5!).toBeLessThan(d.historical!);
        expect(d.percentiles.p95!).toBeGreaterThan(d.historical!);
        expect(d.percentiles.p5!).toBeLessThan(d.percentiles.p50!);
        expect(d.percentiles.p50!).toBeLessThan(d.percentiles.p95!);
      }
    }
  });

  it('gives the same result for the same seed and a different one for another seed', () => {
    const a = simulate(returnSample(run), { scheme: 'stationary', paths: 500, seed: 9 });
    const b = simulate(returnSample(run), { scheme: 'stationary', paths: 500, seed: 9 });
    const c = simulate(returnSample(run), { scheme: 'stationary', paths: 500, seed: 10 });
    expect(b).toEqual(a);
    expect(c.finalEquity.percentiles.p50).not.toBe(a.finalEquity.percentiles.p50);
  });

  it('has percentiles that settle as paths grow: 16k paths agree with 32k far better than 200 do', () => {
    const at = (paths: number, seed: number) => simulate(returnSample(run), { scheme: 'stationary', paths, seed }).finalEquity.percentiles;
    const big = at(32_000, 101);
    const mid = at(16_000, 202);
    const small = [at(200, 303), at(200, 404), at(200, 505)];
    for (const k of ['p5', 'p50', 'p95']) {
      const rel = (x: number | null): number => Math.abs(x! / big[k]! - 1);
      expect(rel(mid[k]!)).toBeLessThan(0.02);
      // Independent seeds: the large runs agree; small runs scatter more on average.
      const smallErr = small.reduce((s, p) => s + rel(p[k]!), 0) / small.length;
      expect(rel(mid[k]!)).toBeLessThan(smallErr);
    }
  });

  it('preserves the mean return under the block bootstrap', () => {
    const n = returns.length;
    const mean = returns.reduce((s, x) => s + x, 0) / n;
    for (const [kind, fill] of [
      ['stationary', (rng: Rng, out: Int32Array) => stationaryIndices(rng, n, 20, out)],
      ['fixed', (rng: Rng, out: Int32Array) => fixedBlockIndices(rng, n, 20, out)],
    ] as const) {
      const rng = new Rng(17);
      const out = new Int32Array(n);
      let total = 0;
      const paths = 4000;
      for (let p = 0; p < paths; p++) {
        fill(rng, out);
        let s = 0;
        for (const i of out) s += returns[i]!;
        total += s / n;
      }
      // The std of one path's mean is about 0.01 / sqrt(n / 20) (blocks); over 4000 paths it shrinks by 63.
      expect(Math.abs(total / paths - mean), kind).toBeLessThan(0.00005);
    }
  });

  it('never ruins a strictly rising series and often ruins a volatile one', () => {
    const rising = sample(Array.from({ length: 300 }, (_, i) => 0.001 + 0.01 * ((i * 7919) % 13) / 13));
    const r1 = simulate(rising, { scheme: 'stationary', paths: 2000, seed: 1, ruin: 0.5 });
    expect(r1.ruin.probability).toBe(0);
    expect(r1.maxDrawdown.min).toBe(0);
    const rng = new Rng(2);
    const volatile = sample(Array.from({ length: 300 }, () => 0.0005 + 0.06 * rng.normal()));
    const r2 = simulate(volatile, { scheme: 'stationary', paths: 2000, seed: 1, ruin: 0.5 });
    expect(r2.ruin.probability).toBeGreaterThan(0.1);
    expect(r2.ruin.probability).toBeLessThan(1);
    expect(r2.ruin.ruinedPaths).toBe(Math.round(r2.ruin.probability * 2000));
  });

  it('counts ruin on touching the threshold along the path, not only at the end', () => {
    // Down 60% then back up: ends above the start but went below half of it.
    const s = sample([-0.6, 2]);
    const r = simulate(s, { scheme: 'permutation', paths: 50, seed: 1, ruin: 0.5 });
    expect(r.finalEquity.min).toBeCloseTo(120, 9);
    expect(r.ruin.historical).toBe(true);
    expect(r.ruin.probability).toBeGreaterThan(0.2);
    expect(r.ruin.probability).toBeLessThan(0.8); // the path +200% then -60% never falls below 50
    expect(simulate(s, { scheme: 'permutation', paths: 50, seed: 1, ruin: 0.3 }).ruin.probability).toBe(0);
  });

  it('keeps a wiped-out path at zero and counts it as a full drawdown', () => {
    const r = simulate(sample([-150, 10], { additive: true }), { scheme: 'permutation', paths: 20, seed: 3, ruin: 0 });
    expect(r.finalEquity.max).toBe(0);
    expect(r.maxDrawdown.max).toBe(-1);
    expect(r.ruin.probability).toBe(1);
  });

  it('draws a fan of equity percentiles from the start to the last step', () => {
    const r = simulate(returnSample(run), { scheme: 'stationary', paths: 300, seed: 1, fanPoints: 11 });
    expect(r.fan.map((f) => f.step)).toEqual([0, 75, 150, 225, 300, 375, 450, 525, 600, 675, 750]);
    expect(r.fan[0]!.percentiles.p50).toBe(100_000);
    const last = r.fan[10]!.percentiles;
    expect(last.p50).toBeCloseTo(r.finalEquity.percentiles.p50!, 6);
  });

  it('rejects bad options naming the field', () => {
    const s = returnSample(run);
    expect(() => simulate(s, { scheme: 'stationary', paths: 0 })).toThrow(/paths/);
    expect(() => simulate(s, { scheme: 'fixed', block: 2.5 })).toThrow(ConfigError);
    expect(() => simulate(s, { scheme: 'stationary', ruin: 1 })).toThrow(/ruin/);
    expect(() => simulate(s, { scheme: 'stationary', percentiles: [0] })).toThrow(/percentiles/);
    expect(() => simulate(s, { scheme: 'stationary', seed: -1 })).toThrow(/seed/);
  });

  it('interpolates percentiles linearly between order statistics', () => {
    const s = Float64Array.of(1, 2, 3, 4, 5);
    expect(percentileSorted(s, 50)).toBe(3);
    expect(percentileSorted(s, 10)).toBeCloseTo(1.4, 12);
    expect(percentileSorted(s, 95)).toBeCloseTo(4.8, 12);
  });
});

describe('trade Monte Carlo', () => {
  const rng = new Rng(21);
  const trades = Array.from({ length: 80 }, (_, i) => ({ exitTimeMs: T0 + (i + 1) * 5 * DAY, pnl: Math.round((300 + 2500 * rng.normal()) * 100) / 100 }));
  const run = runFromReturns(new Float64Array(400).fill(0.0002), 100_000, trades);

  it('turns trades into returns on the closed-trade equity before each one', () => {
    const s = tradeSample(run);
    let e = 100_000;
    for (let i = 0; i < trades.length; i++) {
      expect(s.steps[i]).toBeCloseTo(trades[i]!.pnl / e, 15);
      e += trades[i]!.pnl;
    }
    // 80 trades over 400 days.
    expect(s.stepsPerYear).toBeCloseTo(80 / (400 / 365.25), 9);
  });

  it('keeps the compounded final equity of every shuffled path and moves only the drawdown', () => {
    const r = monteCarloOfRun(run, { method: 'shuffle', paths: 2000, seed: 4 });
    const final = 100_000 + trades.reduce((s, t) => s + t.pnl, 0);
    expect(r.finalEquity.historical).toBeCloseTo(final, 6);
    expect(r.finalEquity.min).toBeCloseTo(final, 6);
    expect(r.finalEquity.max).toBeCloseTo(final, 6);
    expect(r.maxDrawdown.max! - r.maxDrawdown.min!).toBeGreaterThan(0.02);
    expect(r.maxDrawdown.percentiles.p5).toBeLessThanOrEqual(r.maxDrawdown.historical!);
    expect(r.maxDrawdown.percentiles.p95).toBeGreaterThanOrEqual(r.maxDrawdown.historical!);
  });

  it('spreads the final equity of bootstrapped trades around the historical one', () => {
    const r = monteCarloOfRun(run, { method: 'trades', paths: 4000, seed: 4 });
    expect(r.finalEquity.percentiles.p5).toBeLessThan(r.finalEquity.historical!);
    expect(r.finalEquity.percentiles.p95).toBeGreaterThan(r.finalEquity.historical!);
    expect(r.finalEquity.historicalRank).toBeGreaterThan(0.2);
    expect(r.finalEquity.historicalRank).toBeLessThan(0.8);
  });

  it('adds cash PnLs when asked to, so every shuffled path ends at start + Σ pnl', () => {
    const r = monteCarloOfRun(run, { method: 'shuffle', tradeUnit: 'pnl', paths: 200, seed: 4 });
    expect(r.additive).toBe(true);
    expect(r.finalEquity.max! - r.finalEquity.min!).toBeLessThan(1e-6);
  });

  it('refuses the trade methods on a run without closed trades', () => {
    expect(() => monteCarloOfRun(runFromReturns(new Float64Array(10).fill(0.01)), { method: 'trades' })).toThrow(InputError);
  });
});
