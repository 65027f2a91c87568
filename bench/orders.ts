// Orders through pre-trade risk (every configurable check on) and the simulated venue: a strategy
// sends one market order on every bar (buy when flat, close when long); each is checked, accepted,
// filled at the next open and booked.
import { BacktestNode } from '../src/engine/backtest-node.ts';
import { FractionCommission } from '../src/execution/commission.ts';
import type { Bar } from '../src/model/bar.ts';
import type { StrategyContext } from '../src/strategies/context.ts';
import { Strategy } from '../src/strategies/strategy.ts';
import { randomWalk } from './random-walk.ts';
import { peakRssMb, type BenchResult } from './types.ts';

class EveryBar extends Strategy<object> {
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol, 10);
    else ctx.close(bar.symbol);
  }
}

export async function run(): Promise<BenchResult[]> {
  const series = Array.from({ length: 10 }, (_, i) => randomWalk(`S${i}`, 50_000, 40 + i));
  const make = (): BacktestNode =>
    new BacktestNode({
      series, cash: 1e8, venue: { commission: new FractionCommission(0.001) }, strategies: [{ strategy: new EveryBar({}), id: 'every-bar' }],
      riskConfig: { maxPositionPct: 50, maxSectorPct: 100, maxGrossLeverage: 3, priceCollarPct: 10, maxOrderNotional: 1e6, maxOpenOrders: 1000, orderRate: { maxOrders: 1_000_000, windowMs: 60_000 } },
    });
  make().run();
  let best = Infinity;
  let orders = 0;
  let fills = 0;
  for (let i = 0; i < 3; i++) {
    const out = make().run();
    if (out.runSeconds < best) {
      best = out.runSeconds;
      orders = out.kernel.orders.length;
      fills = out.kernel.fills.length;
    }
  }
  return [{ name: 'orders.risk-and-venue', work: `${orders} orders, ${fills} fills, 10 symbols x 50,000 bars`, seconds: best, rate: orders / best, peakRssMb: peakRssMb(), target: '>= 100k orders/s' }];
}
