// Hedging end to end: a strategy holds correlated longs, asks proposeHedges for a beta hedge when its
// beta exposure breaks the limit, and places the proposed orders through ctx (margin account).
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/model/bar.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { hedgeOrders, proposeHedges, type HedgePlan } from '../../src/risk/hedging/index.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { market } from './hedge-market.ts';

class LongBookWithHedge extends Strategy<object> {
  plan: HedgePlan | null = null;
  #seen = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (bar.symbol !== 'INDEX') return;
    this.#seen++;
    if (this.#seen === 70) for (const s of ['AAA', 'BBB', 'CCC']) ctx.buy(s, ctx.size.pctEquity(30));
    if (this.#seen !== 80) return;
    const returns: Record<string, Float64Array> = {};
    for (const s of ctx.symbols()) {
      const c = ctx.history(s).closes(61);
      returns[s] = c.subarray(1).map((v, i) => v / c[i]! - 1);
    }
    const positions = ['AAA', 'BBB', 'CCC'].map((s) => ({ symbol: s, qty: ctx.position(s).qty, price: ctx.history(s).close() }));
    this.plan = proposeHedges(positions, returns, {
      index: { kind: 'symbol', symbol: 'INDEX' }, limits: { equity: ctx.equity(), maxBetaExposurePct: 20 }, hedge: { symbol: 'INDEX', price: bar.close, beta: 1 },
    });
    for (const req of hedgeOrders(this.plan.proposals)) ctx.submit(req);
  }
}

describe('correlation-aware hedging in a backtest', () => {
  it('proposes a beta hedge when beta exposure breaks its limit and places it (short index) on a margin account', () => {
    const strategy = new LongBookWithHedge({});
    const out = new BacktestNode({ series: market(120), cash: 100_000, accountType: 'margin', leverage: 2, strategies: [{ strategy, id: 'book' }] }).run();
    const plan = strategy.plan!;
    expect(plan.breaches.some((b) => b.limit === 'beta-exposure')).toBe(true);
    const hedge = plan.proposals.find((p) => p.kind === 'beta-hedge');
    expect(hedge).toBeDefined();
    expect(hedge!.qty).toBeLessThan(0);
    const indexQty = out.kernel.portfolio.position('INDEX').qty;
    expect(indexQty).toBe(hedge!.qty);
    // After the hedge the book's beta-weighted exposure is close to flat.
    expect(Math.abs(hedge!.kind === 'beta-hedge' ? hedge!.betaExposureAfter : 1)).toBeLessThan(Math.abs(hedge!.kind === 'beta-hedge' ? hedge!.betaExposureBefore : 0) * 0.05);
  });
});
