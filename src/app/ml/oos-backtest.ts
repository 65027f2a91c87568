// A strategy run through the real engine over a whole series, trading and measured only from the first
// out-of-sample bar on: indicators and features warm up on the bars before (TradeGate drops any order placed
// before it), the equity curve and the metrics start at that bar.
import { computeMetrics, type PerformanceMetrics } from '../../analytics/metrics.ts';
import { FractionCommission } from '../../execution/commission.ts';
import { FixedBpsSlippage, NoSlippage } from '../../execution/slippage.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import type { Instrument } from '../../model/instrument.ts';
import { TradeGate } from '../../research/trade-gate.ts';
import type { Sizer } from '../../strategies/sizing.ts';
import type { Strategy } from '../../strategies/strategy.ts';

export interface RunCosts {
  readonly cash: number;
  readonly sizer: Sizer;
  readonly commission: number;
  readonly slippageBps: number;
  readonly fill: 'next-open' | 'close';
  readonly account: 'cash' | 'margin';
  readonly leverage: number;
  readonly instruments: readonly Instrument[];
}

export interface OosRun {
  readonly name: string;
  /** Bar times and equity from the first out-of-sample bar. */
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
  /** Simple returns bar to bar (length - 1). */
  readonly returns: Float64Array;
  readonly metrics: PerformanceMetrics;
  readonly strategyErrors: readonly string[];
}

export function runOos(series: BarSeries, strategy: Strategy, name: string, fromIndex: number, costs: RunCosts): OosRun {
  const fromMs = series.time[fromIndex]!;
  const out = new BacktestNode({
    series: [series], instruments: costs.instruments, cash: costs.cash, sizer: costs.sizer, accountType: costs.account, leverage: costs.leverage,
    venue: {
      marketFill: costs.fill, commission: new FractionCommission(costs.commission),
      slippage: costs.slippageBps > 0 ? new FixedBpsSlippage(costs.slippageBps) : new NoSlippage(),
    },
    strategies: [{ strategy: fromIndex > 0 ? new TradeGate(strategy, fromMs) : strategy, id: name }],
  }).run();
  let k0 = 0;
  while (k0 < out.equityTime.length && out.equityTime[k0]! < fromMs) k0++;
  // A curve that reaches zero is measured up to the bar before ruin (as `backtest` does).
  let end = out.equity.length;
  for (let i = k0; i < out.equity.length; i++) {
    if (!(out.equity[i]! > 0)) {
      end = i;
      break;
    }
  }
  const cut = Math.max(end, k0 + 1);
  const timeMs = out.equityTime.slice(k0, cut);
  const equity = out.equity.slice(k0, cut);
  const returns = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) returns[i - 1] = equity[i]! / equity[i - 1]! - 1;
  const k = out.kernel;
  let traded = 0;
  for (const f of k.fills) if (f.tsMs >= fromMs) traded += f.qty * f.price;
  const metrics = computeMetrics({
    timeMs, equity, exposure: out.exposure.slice(k0, cut), turnoverValue: traded,
    trades: k.trades.closed.filter((t) => t.entryTimeMs >= fromMs).map((t) => ({
      symbol: t.symbol, entryTimeMs: t.entryTimeMs, exitTimeMs: t.exitTimeMs, entryPrice: t.entryPrice, exitPrice: t.exitPrice,
      qty: t.side === 'long' ? t.qty : -t.qty, pnl: t.pnl, commission: t.commission,
    })),
  });
  const ruined = end < out.equity.length;
  return {
    name, timeMs, equity, returns, metrics: ruined ? { ...metrics, maxDrawdown: -1, cagr: null, calmar: null } : metrics,
    strategyErrors: k.strategyErrors.map((e) => e.message),
  };
}
