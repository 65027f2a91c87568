// The metrics of one engine run as every command reports them (backtest, research, analysis).
import { computeMetrics, type PerformanceMetrics } from '../analytics/metrics.ts';
import type { BacktestOutput } from '../engine/backtest-node.ts';

/**
 * Metrics of a run as `backtest` reports them. A run whose equity reached zero or below is measured
 * up to the bar before ruin, and its total return is the true one (<= -100%).
 */
export function runMetrics(out: BacktestOutput): PerformanceMetrics {
  const k = out.kernel;
  let traded = 0;
  for (const f of k.fills) traded += f.qty * f.price;
  let end = out.equity.length;
  for (let i = 0; i < out.equity.length; i++) {
    if (!(out.equity[i]! > 0)) {
      end = i;
      break;
    }
  }
  const ruined = end < out.equity.length;
  const cut = Math.max(end, 1);
  const m = computeMetrics({
    timeMs: out.equityTime.subarray(0, cut),
    equity: ruined && end === 0 ? Float64Array.of(Number.MIN_VALUE) : out.equity.subarray(0, cut),
    exposure: out.exposure.subarray(0, cut),
    turnoverValue: traded,
    trades: k.trades.closed.map((t) => ({
      symbol: t.symbol, entryTimeMs: t.entryTimeMs, exitTimeMs: t.exitTimeMs, entryPrice: t.entryPrice, exitPrice: t.exitPrice,
      qty: t.side === 'long' ? t.qty : -t.qty, pnl: t.pnl, commission: t.commission,
    })),
  });
  if (!ruined) return m;
  const first = out.equity[0]!;
  return { ...m, totalReturn: (out.equity[end]! - first) / first, cagr: null, maxDrawdown: -1, calmar: null };
}
