// ctx.hedge in a backtest: the same plan a strategy gets by calling proposeHedges by hand (see
// hedge-in-backtest.test.ts), placed through the strategy's order path; the hedge position counts
// at the next call, so hedging twice does not hedge twice.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import type { Bar } from '../../src/model/bar.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { proposeHedges, type HedgePlan } from '../../src/risk/hedging/index.ts';
import type { HedgeResult, StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { market } from './hedge-market.ts';

class HedgedBook extends Strategy<object> {
  byHand: HedgePlan | null = null;
  results: (HedgeResult | null)[] = [];
  #seen = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (bar.symbol !== 'INDEX') return;
    this.#seen++;
    if (this.#seen === 30) this.results.push(ctx.hedge({ index: 'INDEX', lookback: 60, maxBetaExposurePct: 20 }));
    if (this.#seen === 70) for (const s of ['AAA', 'BBB', 'CCC']) ctx.buy(s, ctx.size.pctEquity(30));
    if (this.#seen === 80) {
      const returns: Record<string, Float64Array> = {};
      for (const s of ctx.symbols()) {
        const c = ctx.history(s).closes(61);
        returns[s] = c.subarray(1).map((v, i) => v / c[i]! - 1);
      }
      const positions = ['AAA', 'BBB', 'CCC'].map((s) => ({ symbol: s, qty: ctx.position(s).qty, price: ctx.history(s).close(), multiplier: 1, lotSize: 1 }));
      this.byHand = proposeHedges(positions, returns, {
        index: { kind: 'symbol', symbol: 'INDEX' }, limits: { equity: ctx.equity(), maxBetaExposurePct: 20, maxClusterPct: null }, hedge: { symbol: 'INDEX', price: bar.close, multiplier: 1, lotSize: 1 },
      });
      this.results.push(ctx.hedge({ index: 'INDEX', lookback: 60, maxBetaExposurePct: 20 }));
    }
    if (this.#seen === 82) this.results.push(ctx.hedge({ index: 'INDEX', lookback: 60, maxBetaExposurePct: 20 }));
  }
}

describe('ctx.hedge in a backtest', () => {
  it('proposes what proposeHedges does by hand, places the short index hedge, and does not hedge twice', () => {
    const strategy = new HedgedBook({});
    const out = new BacktestNode({ series: market(120), cash: 100_000, accountType: 'margin', leverage: 2, strategies: [{ strategy, id: 'book' }] }).run();
    expect(out.kernel.strategyErrors).toEqual([]);
    const [early, first, second] = strategy.results;
    // Bar 30: fewer than 61 bars of history, nothing to measure yet.
    expect(early).toBeNull();
    expect(first!.plan).toEqual(strategy.byHand);
    const hedge = first!.plan.proposals.find((p) => p.kind === 'beta-hedge');
    if (hedge?.kind !== 'beta-hedge') throw new Error('expected a beta hedge');
    expect(hedge.qty).toBeLessThan(0);
    expect(first!.orders.map((o) => [o.symbol, o.side, o.qty, o.tag])).toEqual([['INDEX', 'sell', -hedge.qty, 'hedge:beta']]);
    expect(out.kernel.portfolio.position('INDEX').qty).toBe(hedge.qty);
    // Two bars later the hedge is in the book: beta exposure is within the limit, nothing more to do.
    expect(second!.plan.exposure.positions.map((p) => p.symbol).sort()).toEqual(['AAA', 'BBB', 'CCC', 'INDEX']);
    expect(second!.plan.breaches).toEqual([]);
    expect(second!.orders).toEqual([]);
  });

  it('place: false measures and proposes without trading; bad requests name the field', () => {
    class Probe extends Strategy<object> {
      result: HedgeResult | null = null;
      errors: unknown[] = [];
      override onBar(bar: Bar, ctx: StrategyContext): void {
        if (bar.symbol !== 'INDEX' || ctx.history('INDEX').length !== 70) return;
        ctx.buy('AAA', 500);
        for (const req of [{ index: 'NOPE' }, { index: 'INDEX', lookback: 1 }, { index: { kind: 'equal-weight' as const }, maxBetaExposurePct: 10 }]) {
          try {
            ctx.hedge(req);
          } catch (e) {
            this.errors.push(e);
          }
        }
      }
      override onStop(ctx: StrategyContext): void {
        this.result = ctx.hedge({ index: 'INDEX', maxBetaExposurePct: 1, place: false });
      }
    }
    const p = new Probe({});
    const out = new BacktestNode({ series: market(90), cash: 100_000, accountType: 'margin', strategies: [{ strategy: p, id: 'probe' }] }).run();
    expect(p.errors.map((e) => [e instanceof ConfigError, (e as ConfigError).where.field])).toEqual([[true, 'index'], [true, 'lookback'], [true, 'hedgeSymbol']]);
    expect(p.result!.plan.breaches.map((b) => b.limit)).toEqual(['beta-exposure']);
    expect(p.result!.plan.proposals.length).toBe(1);
    expect(p.result!.orders).toEqual([]);
    expect(out.kernel.portfolio.position('INDEX').qty).toBe(0);
  });
});
