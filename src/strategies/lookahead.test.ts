import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../core/time.ts';
import { Rng } from '../core/rng.ts';
import { resampleSeries, Resampler } from '../data/resample.ts';
import { BacktestNode } from '../engine/backtest-node.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { randomWalk, T0 } from '../../test/helpers/bars.ts';
import type { StrategyContext } from './context.ts';
import { barTimes, findLookahead, firstBars, type FillRunner } from './lookahead.ts';
import { handModel } from './builtin/ml-ensemble-testing.ts';
import { handPolicy } from './builtin/rl-agent-testing.ts';
import { builtinStrategy, builtinStrategyNames } from './builtin-classes.ts';
import { parseStrategyConfig } from './registry.ts';
import { Strategy } from './strategy.ts';

/** A runner for `findLookahead`: a fresh strategy (made from the data it will see) in a margin account. */
function runner(make: (series: readonly BarSeries[]) => Strategy): FillRunner {
  return (series) => {
    const out = new BacktestNode({ series, strategies: [{ strategy: make(series) }], accountType: 'margin' }).run();
    expect(out.kernel.strategyErrors).toEqual([]);
    return out.kernel.fills.toArray();
  };
}

function builtin(name: string, params: Record<string, unknown> = {}): () => Strategy {
  const cls = builtinStrategy(name)!;
  return () => new cls(parseStrategyConfig(name, cls, params));
}

/** Weekday daily bars (Monday to Friday) of a random walk. */
function weekdays(n: number, seed: number, symbol = 'X'): BarSeries {
  const rw = randomWalk(n, seed, { symbol });
  for (let i = 0; i < n; i++) rw.time[i] = T0 + (7 * Math.floor(i / 5) + (i % 5)) * MS_PER_DAY;
  return rw;
}

/** A cointegrated pair: log Y = 0.5 + 0.8 log X + AR(1) noise. */
function pair(n: number, seed: number): BarSeries[] {
  const rng = new Rng(seed);
  const y = new BarSeries('Y', n, MS_PER_DAY);
  const x = new BarSeries('X', n, MS_PER_DAY);
  let lx = Math.log(100);
  let e = 0;
  for (let i = 0; i < n; i++) {
    lx += 0.01 * rng.normal();
    e = 0.7 * e + 0.004 * rng.normal();
    const px = Math.exp(lx);
    const py = Math.exp(0.5 + 0.8 * lx + e);
    for (const [s, p] of [[x, px], [y, py]] as const) {
      s.time[i] = T0 + i * MS_PER_DAY;
      s.open[i] = s.high[i] = s.low[i] = s.close[i] = p;
      s.volume[i] = 1e6;
    }
  }
  return [y, x];
}

/** A basket of 6 stocks: one market factor plus mean-reverting idiosyncratic noise. */
function basket(n: number, seed: number): BarSeries[] {
  const rng = new Rng(seed);
  const betas = [0.8, 1, 1.2, 0.9, 1.1, 1.3];
  const series = betas.map((_, i) => new BarSeries(`S${i}`, n, MS_PER_DAY));
  const u = betas.map(() => 0);
  let m = 0;
  for (let t = 0; t < n; t++) {
    m += 0.01 * rng.normal();
    betas.forEach((b, i) => {
      u[i] = 0.5 * u[i]! + 0.006 * rng.normal();
      const p = Math.round(100 * Math.exp(b * m + u[i]!) * 100) / 100;
      const s = series[i]!;
      s.time[t] = T0 + t * MS_PER_DAY;
      s.open[t] = s.high[t] = s.low[t] = s.close[t] = p;
      s.volume[t] = 1e6;
    });
  }
  return series;
}

// Strategies that trade on tick data only (no bars): each checks itself on a cut tick stream in its own test.
const TICK_ONLY = new Set(['book-imbalance']); // builtin/book-imbalance.test.ts

const N = 400;
const CUTS = [121, 180, 257, 333, 399];

// Every built-in, with params and data that make it trade often enough for the check to mean something.
const CASES: Record<string, { data: BarSeries[]; make: () => Strategy }> = {
  'sma-cross': { data: [randomWalk(N, 1)], make: builtin('sma-cross', { fast: 5, slow: 20 }) },
  rsi: { data: [randomWalk(N, 2, { vol: 0.03 })], make: builtin('rsi', { period: 7 }) },
  bollinger: { data: [randomWalk(N, 3)], make: builtin('bollinger') },
  macd: { data: [randomWalk(N, 4)], make: builtin('macd') },
  'buy-and-hold': { data: [randomWalk(N, 5), randomWalk(N, 6, { symbol: 'Y' })], make: builtin('buy-and-hold') },
  'donchian-breakout': { data: [randomWalk(N, 7)], make: builtin('donchian-breakout', { entry: 10, exit: 5, allowShort: true }) },
  'zscore-reversion': { data: [randomWalk(N, 8)], make: builtin('zscore-reversion', { period: 10, entry: 1.5, allowShort: true }) },
  'rsi-enhanced': { data: [randomWalk(N, 9, { vol: 0.03 })], make: builtin('rsi-enhanced', { period: 5, volumeFactor: 1, trendPeriod: 20, maxBars: 5 }) },
  ensemble: {
    data: [randomWalk(N, 10, { vol: 0.03 })],
    make: builtin('ensemble', {
      members: JSON.stringify([
        { model: 'rsi', weight: 0.6, params: { period: 5 } },
        { model: 'zscore-reversion', weight: 0.2, params: { period: 10, entry: 1.5, allowShort: true } },
        { model: 'donchian-breakout', weight: 0.2, params: { entry: 10, exit: 5, allowShort: true } },
      ]),
      threshold: 0.15,
      allowShort: true,
    }),
  },
  pairs: { data: pair(N, 11), make: builtin('pairs', { window: 60, reestimate: 10, entry: 1.5, exit: 0.3 }) },
  'stat-arb': { data: basket(N, 12), make: builtin('stat-arb', { window: 60, rebalance: 3, entry: 1, exit: 0.3 }) },
  'mtf-trend': { data: [weekdays(N, 13)], make: builtin('mtf-trend', { trendPeriod: 4, fast: 3, slow: 8, allowShort: true }) },
  'volume-profile': { data: [randomWalk(N, 14)], make: builtin('volume-profile', { period: 20, bins: 12, allowShort: true }) },
  'liquidity-sweep': { data: [randomWalk(N, 15)], make: builtin('liquidity-sweep', { k: 2, maxBars: 10, allowShort: true }) },
  'smart-money-divergence': { data: [randomWalk(N, 16, { vol: 0.03 })], make: builtin('smart-money-divergence', { lookback: 10, flowPeriod: 5, allowShort: true }) },
  'correlation-regime': { data: basket(N, 17), make: builtin('correlation-regime', { window: 10, lookback: 30, enter: 1, exit: 0 }) },
  'ml-ensemble': { data: [randomWalk(N, 18)], make: builtin('ml-ensemble', { model: handModel(), window: 40, minHistory: 20, entryQuantile: 0.6, allowShort: true }) },
  'rl-agent': { data: [randomWalk(N, 20)], make: builtin('rl-agent', { policy: handPolicy({ seed: 2, window: 8 }) }) },
  meta: {
    data: [randomWalk(N, 19)],
    make: builtin('meta', { agents: 'sma-cross,zscore-reversion,rsi', allowShort: true, band: 0.02, regimeRules: '{"trendWindow":20,"volLookback":60,"volMinHistory":30}', model: handModel() }),
  },
};

describe('findLookahead', () => {
  const data = [randomWalk(200, 21)];

  it('cuts every series at the k-th distinct bar time', () => {
    const [a, b] = [randomWalk(10, 1), randomWalk(6, 2, { symbol: 'Y', startMs: T0 + 3 * MS_PER_DAY })];
    expect(barTimes([a, b])).toHaveLength(10);
    const cut = firstBars([a, b], 5);
    expect(cut.map((s) => s.length)).toEqual([5, 2]);
    expect(cut[1]!.close[1]).toBe(b.close[1]);
  });

  it('catches a strategy that looks at the whole data set (the sample mean of all closes)', () => {
    class UsesSampleMean extends Strategy {
      readonly #mean: number;
      constructor(series: readonly BarSeries[]) {
        super({});
        const c = series[0]!.close;
        this.#mean = c.reduce((s, x) => s + x, 0) / c.length;
      }
      override onBar(bar: Bar, ctx: StrategyContext): void {
        const pos = ctx.position(bar.symbol);
        if (bar.close < this.#mean && pos.isFlat) ctx.buy(bar.symbol, 10);
        else if (bar.close > this.#mean && pos.isLong) ctx.close(bar.symbol);
      }
    }
    const found = findLookahead(data, [50, 100, 150], runner((s) => new UsesSampleMean(s)));
    expect(found.length).toBeGreaterThan(0);
  });

  it('catches a weekly filter read from the week in progress (a batch resample of all the data)', () => {
    // Long while the close of the *current* week (not yet known on a Wednesday) is above last week's.
    class PeeksAtTheWeek extends Strategy {
      readonly #weekly: BarSeries;
      constructor(series: readonly BarSeries[]) {
        super({});
        this.#weekly = resampleSeries(series[0]!, 'W');
      }
      override onBar(bar: Bar, ctx: StrategyContext): void {
        const w = this.#weekly.lowerBound(bar.tsEventMs + 1) - 1; // the week holding this bar
        if (w < 1) return;
        const up = this.#weekly.close[w]! > this.#weekly.close[w - 1]!;
        const pos = ctx.position(bar.symbol);
        if (up && pos.isFlat) ctx.buy(bar.symbol, 10);
        else if (!up && pos.isLong) ctx.close(bar.symbol);
      }
    }
    const cuts = Array.from({ length: 25 }, (_, i) => 20 + 7 * i);
    const found = findLookahead([weekdays(200, 22)], cuts, runner((s) => new PeeksAtTheWeek(s)));
    expect(found.length).toBeGreaterThan(0);

    // The same filter on completed weeks from the streaming Resampler passes the same cuts.
    class CompletedWeeks extends Strategy {
      readonly #r = new Resampler('W');
      readonly #closes: number[] = [];
      override onBar(bar: Bar, ctx: StrategyContext): void {
        const done = this.#r.update(bar);
        if (done !== null) this.#closes.push(done.close);
        const n = this.#closes.length;
        if (n < 2) return;
        const up = this.#closes[n - 1]! > this.#closes[n - 2]!;
        const pos = ctx.position(bar.symbol);
        if (up && pos.isFlat) ctx.buy(bar.symbol, 10);
        else if (!up && pos.isLong) ctx.close(bar.symbol);
      }
    }
    const honest = runner(() => new CompletedWeeks({}));
    expect(honest([weekdays(200, 22)]).length).toBeGreaterThan(6);
    expect(findLookahead([weekdays(200, 22)], cuts, honest)).toEqual([]);
  });

  it('finds nothing for a strategy that only uses the past', () => {
    expect(findLookahead(data, [50, 100, 150], runner(builtin('sma-cross', { fast: 3, slow: 10 })))).toEqual([]);
  });
});

describe('no built-in strategy looks ahead', () => {
  it('every registered strategy has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual(builtinStrategyNames().filter((n) => !TICK_ONLY.has(n)).sort());
  });

  it.each(Object.keys(CASES))('%s: fills up to bar k - 1 are the same on the first k bars as on all of them', (name) => {
    const { data, make } = CASES[name]!;
    const run = runner(make);
    const all = run(data);
    // Enough fills before the cuts for the comparison to mean something.
    const minFills = name === 'buy-and-hold' ? 2 : 6;
    expect(all.filter((f) => f.tsMs <= barTimes(data)[CUTS[2]! - 1]!).length).toBeGreaterThanOrEqual(minFills);
    expect(findLookahead(data, CUTS, run)).toEqual([]);
  });
});
