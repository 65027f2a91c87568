// Recursive analysis finds strategies whose decisions depend on where the data starts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runRecursiveAnalysis } from '../../src/app/analysis.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { CrossOver } from '../../src/indicators/crossover.ts';
import { SMA } from '../../src/indicators/sma.ts';
import type { Bar } from '../../src/model/bar.ts';
import { analyzeRecursive, WarmupGate } from '../../src/research/recursive-analysis.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { randomWalk } from '../helpers/bars.ts';
import { builtin, csvOf, gatedRunner, type Make } from './helpers.ts';

/** Buys above, and sells below, the mean of every close it has seen: its memory reaches back to its first bar. */
class SinceStartMean extends Strategy<object> {
  static readonly schema = z.object({});
  #sum = 0;
  #n = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.#sum += bar.close;
    this.#n++;
    const mean = this.#sum / this.#n;
    const pos = ctx.position(bar.symbol);
    if (bar.close > mean * 1.01 && pos.isFlat) ctx.buy(bar.symbol);
    else if (bar.close < mean * 0.99 && pos.isLong) ctx.close(bar.symbol);
  }
}

/** An EMA(60) seeded with the first close, crossed with the price: the seed fades but never vanishes. */
class SeededEmaCross extends Strategy<object> {
  static readonly schema = z.object({});
  #ema = NaN;
  #above: boolean | null = null;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const a = 2 / 61;
    this.#ema = Number.isNaN(this.#ema) ? bar.close : a * bar.close + (1 - a) * this.#ema;
    const above = bar.close > this.#ema;
    const pos = ctx.position(bar.symbol);
    if (this.#above === false && above && pos.isFlat) ctx.buy(bar.symbol);
    else if (this.#above === true && !above && pos.isLong) ctx.close(bar.symbol);
    this.#above = above;
  }
}

const data = randomWalk(900, 5, { vol: 0.015 });

describe('recursive analysis', () => {
  it('flags a strategy whose indicator remembers its first bar, at every shorter warm-up', () => {
    const r = analyzeRecursive([data], gatedRunner(() => new SinceStartMean({})), { startups: [50, 100, 200, 400] });
    expect(r.referenceStartup).toBe(400);
    expect(r.evaluationFrom).toBe(new Date(data.time[400]!).toISOString());
    expect(r.referenceSignals).toBeGreaterThan(0);
    expect(r.stable).toBe(false);
    for (const x of r.results.slice(0, 3)) {
      expect(x.identical).toBe(false);
      expect(x.differing).toBeGreaterThan(0);
      expect(x.differences.length).toBeGreaterThan(0);
    }
    expect(r.results[3]).toMatchObject({ startup: 400, identical: true, differing: 0 });
    expect(r.minimumStableStartup).toBeNull();
  });

  it('shows an EMA seed fading: short warm-ups differ, long ones agree with the reference', () => {
    const r = analyzeRecursive([data], gatedRunner(() => new SeededEmaCross({})), { startups: [5, 20, 400, 500, 600] });
    expect(r.referenceSignals).toBeGreaterThan(10);
    expect(r.results[0]!.identical).toBe(false);
    expect(r.stable).toBe(false);
    // (1 - 2/61)^400 ≈ 2e-6 of the seed is left: decisions after 400 bars match the reference.
    expect(r.results.slice(2).every((x) => x.identical)).toBe(true);
    expect(r.minimumStableStartup).not.toBeNull();
    expect(r.minimumStableStartup!).toBeLessThanOrEqual(400);
  });

  it.each([
    ['sma-cross', { fast: 10, slow: 30 }],
    ['donchian-breakout', {}],
    ['bollinger', {}],
    ['zscore-reversion', {}],
  ] as const)('passes the built-in %s, whose indicators have finite memory', (name, params) => {
    const r = analyzeRecursive([data], gatedRunner(builtin(name, params)), { startups: [60, 120, 240] });
    expect(r.referenceSignals).toBeGreaterThanOrEqual(4);
    expect(r.results.map((x) => x.differing)).toEqual([0, 0, 0]);
    expect(r.stable).toBe(true);
    expect(r.minimumStableStartup).toBe(60);
  });

  it('counts signals as multisets: each differing signal once, matching ones once', () => {
    const r = analyzeRecursive([data], gatedRunner(() => new SinceStartMean({})), { startups: [30, 300] });
    const x = r.results[0]!;
    expect(x.matching + x.differing).toBeGreaterThanOrEqual(Math.max(x.signals, r.referenceSignals));
    expect(2 * x.matching + x.differing).toBe(x.signals + r.referenceSignals);
  });

  it('reports sizes that depend on the start point even when the decisions agree', () => {
    /** sma-cross timing, but a size that grows with the number of bars seen (small enough for the cash). */
    class GrowingSize extends Strategy<object> {
      static readonly schema = z.object({});
      readonly #fast = new SMA(10);
      readonly #slow = new SMA(30);
      readonly #cross = new CrossOver();
      #bars = 0;
      override onBar(bar: Bar, ctx: StrategyContext): void {
        this.#bars++;
        const cross = this.#cross.step(this.#fast.update(bar.close), this.#slow.update(bar.close));
        const pos = ctx.position(bar.symbol);
        if (cross === 1 && pos.isFlat) ctx.buy(bar.symbol, Math.ceil(this.#bars / 10));
        else if (cross === -1 && pos.isLong) ctx.close(bar.symbol);
      }
    }
    const r = analyzeRecursive([data], gatedRunner(() => new GrowingSize({})), { startups: [100, 200] });
    expect(r.referenceSignals).toBeGreaterThan(4);
    const x = r.results[0]!;
    expect(x.differences).toEqual([]);
    expect(x.differing).toBe(0);
    expect(x.sizeDiffering).toBeGreaterThan(0);
    expect(x.identical).toBe(false);
    expect(x.firstDifference).not.toBeNull();
  });

  it('rejects startups that leave nothing to evaluate', () => {
    const run = gatedRunner(builtin('sma-cross'));
    expect(() => analyzeRecursive([data], run, { startups: [900] })).toThrow(/--startups/);
    expect(() => analyzeRecursive([data], run, { startups: [] })).toThrow(/--startups/);
    expect(() => analyzeRecursive([data], run, { startups: [-1, 10] })).toThrow(/--startups/);
  });
});

describe('WarmupGate', () => {
  it('lets the strategy see every bar but trade only from the given time', () => {
    const seen: number[] = [];
    class Eager extends Strategy<object> {
      static readonly schema = z.object({});
      override onBar(bar: Bar, ctx: StrategyContext): void {
        seen.push(ctx.history(bar.symbol).length);
        if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol, 1);
      }
    }
    const s = randomWalk(30, 3);
    const out = new BacktestNode({ series: [s], strategies: [{ strategy: new WarmupGate(new Eager({}), s.time[10]!), id: 'g' }] }).run();
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // The first order is sent at bar 10, fills at bar 11's open; the strategy keeps its id.
    expect(out.kernel.orders[0]!.createdMs).toBe(s.time[10]);
    expect(out.kernel.orders[0]!.strategyId).toBe('g');
    expect(out.kernel.fills.at(0)!.tsMs).toBe(s.time[11]);
  });
});

describe('runRecursiveAnalysis (app)', () => {
  const spec = csvOf(data, 'recursive.csv');

  it('detects the start-point dependence through its factory and passes sma-cross', async () => {
    const bad: Make = () => new SinceStartMean({});
    const r1 = await runRecursiveAnalysis({ strategy: 'buy-and-hold', data: [spec], startups: [50, 100, 200] }, bad);
    expect(r1.stable).toBe(false);
    const r2 = await runRecursiveAnalysis({ strategy: 'sma-cross', data: [spec] });
    expect(r2.results.map((x) => x.startup)).toEqual([50, 100, 200]);
    expect(r2.referenceSignals).toBeGreaterThan(0);
    expect(r2.stable).toBe(true);
  });
});
