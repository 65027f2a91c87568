// Look-ahead analysis catches a strategy that reads the future and clears the built-ins.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runLookaheadAnalysis } from '../../src/app/analysis.ts';
import type { Bar } from '../../src/model/bar.ts';
import { analyzeLookahead, spreadSample } from '../../src/research/lookahead-analysis.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { randomWalk } from '../helpers/bars.ts';
import { builtin, csvOf, traceRunner, type Make } from './helpers.ts';

/**
 * Cheats through a closure: the factory precomputes, from the data it is given, each bar's next
 * close, and the strategy buys before rises and sells before falls.
 */
const nextClosePeeker: Make = (series) => {
  const s = series[0]!;
  const next = new Map<number, number>();
  for (let i = 0; i + 1 < s.length; i++) next.set(s.time[i]!, s.close[i + 1]!);
  class PeekNextClose extends Strategy<object> {
    static readonly schema = z.object({});
    override onBar(bar: Bar, ctx: StrategyContext): void {
      const n = next.get(bar.tsEventMs);
      if (n === undefined) return;
      const pos = ctx.position(bar.symbol);
      if (n > bar.close && pos.isFlat) ctx.buy(bar.symbol);
      else if (n < bar.close && pos.isLong) ctx.close(bar.symbol);
    }
  }
  return new PeekNextClose({});
};

/**
 * A subtler cheat, common in vectorized research: prices normalized by the range of the whole
 * series (min-max scaling over all the data), then thresholds on the scaled value.
 */
const fullRangeScaler: Make = (series) => {
  const s = series[0]!;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < s.length; i++) {
    lo = Math.min(lo, s.close[i]!);
    hi = Math.max(hi, s.close[i]!);
  }
  class RangeScaled extends Strategy<object> {
    static readonly schema = z.object({});
    override onBar(bar: Bar, ctx: StrategyContext): void {
      const x = (bar.close - lo) / (hi - lo);
      const pos = ctx.position(bar.symbol);
      if (x < 0.3 && pos.isFlat) ctx.buy(bar.symbol);
      else if (x > 0.7 && pos.isLong) ctx.close(bar.symbol);
    }
  }
  return new RangeScaled({});
};

const data = randomWalk(500, 77, { vol: 0.02 });

describe('look-ahead analysis', () => {
  it('flags a strategy that reads the next close through a closure, at every checked signal bar', () => {
    const r = analyzeLookahead([data], traceRunner(nextClosePeeker), { samples: 15 });
    expect(r.signals).toBeGreaterThan(50);
    expect(r.checked).toBe(15);
    expect(r.biased).toBe(true);
    // Cut right after a signal bar, the cheater no longer knows the next close and does not act there.
    expect(r.biasedBars).toHaveLength(15);
    for (const x of r.results) {
      expect(x.fullSignals.length).toBeGreaterThan(0);
      expect(x.cutSignals).toEqual([]);
      expect(x.firstDifference).toBe(x.time);
      expect(x.difference!.full.length).toBeGreaterThan(0);
    }
  });

  it('flags a strategy scaled by the range of the whole series and names the bars', () => {
    const r = analyzeLookahead([data], traceRunner(fullRangeScaler), { samples: 10 });
    expect(r.signals).toBeGreaterThan(0);
    expect(r.biased).toBe(true);
    expect(r.biasedBars.length).toBeGreaterThan(0);
    for (const t of r.biasedBars) expect(r.results.find((x) => x.time === t)!.ok).toBe(false);
  });

  it.each([
    ['sma-cross', { fast: 5, slow: 20 }],
    ['rsi', { period: 7, lower: 35, upper: 65 }],
    ['macd', {}],
    ['bollinger', {}],
    ['donchian-breakout', {}],
    ['zscore-reversion', {}],
    ['buy-and-hold', {}],
  ] as const)('passes the built-in %s, which decides on the past only', (name, params) => {
    const r = analyzeLookahead([data], traceRunner(builtin(name, params)), { samples: 12 });
    expect(r.checked).toBeGreaterThanOrEqual(name === 'buy-and-hold' ? 1 : 4);
    expect(r.biasedBars).toEqual([]);
    expect(r.biased).toBe(false);
    expect(r.results.every((x) => x.ok && x.cutSignals.length === x.fullSignals.length)).toBe(true);
  });

  it('passes a built-in on several symbols at once', () => {
    const basket = [randomWalk(300, 1, { symbol: 'A' }), randomWalk(300, 2, { symbol: 'B' }), randomWalk(300, 3, { symbol: 'C' })];
    const r = analyzeLookahead(basket, traceRunner(builtin('sma-cross', { fast: 5, slow: 20 })), { samples: 8 });
    expect(r.checked).toBe(8);
    expect(r.biased).toBe(false);
  });

  it('spreads the sample evenly over the signal bars, first and last included', () => {
    expect(spreadSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(spreadSample(101, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(spreadSample(10, 1)).toEqual([9]);
  });

  it('rejects a bad sample size', () => {
    expect(() => analyzeLookahead([data], traceRunner(builtin('sma-cross')), { samples: 0 })).toThrow(/--samples/);
  });
});

describe('runLookaheadAnalysis (app)', () => {
  const spec = csvOf(data, 'lookahead.csv');

  it('detects the cheater when given its factory and clears the built-in on the same data', async () => {
    const cheat = await runLookaheadAnalysis({ strategy: 'buy-and-hold', data: [spec], samples: 5 }, nextClosePeeker);
    expect(cheat.biased).toBe(true);
    const fair = await runLookaheadAnalysis({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: [spec], samples: 5, commission: 0.001 });
    expect(fair.biased).toBe(false);
    expect(fair.checked).toBe(5);
    expect(fair.params.commission).toBe(0.001);
  });

  it('compares fills at the signal bar too when market orders fill at its close', async () => {
    const cheat = await runLookaheadAnalysis({ strategy: 'buy-and-hold', data: [spec], samples: 5, fill: 'close' }, nextClosePeeker);
    expect(cheat.biased).toBe(true);
    expect(cheat.results[0]!.difference!.full.some((k) => k.includes(' fill '))).toBe(true);
    const fair = await runLookaheadAnalysis({ strategy: 'rsi', params: { period: 7, lower: 35, upper: 65 }, data: [spec], samples: 5, fill: 'close' });
    expect(fair.checked).toBe(5);
    expect(fair.biased).toBe(false);
  });

  it('checks nothing and reports no bias when the strategy never signals', async () => {
    const flat: Make = () => {
      class Idle extends Strategy<object> {
        static readonly schema = z.object({});
        override onBar(): void {}
      }
      return new Idle({});
    };
    const r = await runLookaheadAnalysis({ strategy: 'buy-and-hold', data: [spec] }, flat);
    expect(r.signals).toBe(0);
    expect(r.checked).toBe(0);
    expect(r.biased).toBe(false);
  });
});

