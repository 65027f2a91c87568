// Strategy diagnostics that re-run a backtest many times on altered data: look-ahead, recursive
// (start-point) and stress analysis. This module is the composition root for them: it loads the
// strategy and the data once, and hands research/ runners that build a fresh BacktestNode per run.
import type { BarSeries } from '../model/bar.ts';
import { runMetrics } from './run-metrics.ts';
import { FractionCommission } from '../execution/commission.ts';
import { FixedBpsSlippage, NoSlippage } from '../execution/slippage.ts';
import { BacktestNode, type BacktestOutput } from '../engine/backtest-node.ts';
import { analyzeLookahead, type LookaheadReport, type RunTrace } from '../research/lookahead-analysis.ts';
import { analyzeRecursive, WarmupGate, type RecursiveReport } from '../research/recursive-analysis.ts';
import type { StressRunResult } from '../research/stress.ts';
import { parseStrategyConfig } from '../strategies/registry.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { loadMarketData, marketOptionsOf, type MarketData } from './market-data.ts';
import { loadStrategy } from './strategy-loader.ts';
import { withFileParams } from './strategy-file-params.ts';
import { checkRunSettings, type StrategyRunRequest } from './run-settings.ts';

export type { StrategyRunRequest } from './run-settings.ts';

/** Makes a fresh strategy for the data it is about to see (research and tests; the CLI ignores the data). */
export type StrategyFactory = (series: readonly BarSeries[]) => Strategy;

export interface RunOverrides {
  /** Max fraction of a bar's volume the strategy's fills may take. */
  readonly volumeCap?: number | null;
  /** Wraps the fresh strategy (e.g. a warm-up gate). */
  readonly wrap?: (s: Strategy) => Strategy;
}

export interface PreparedStrategyRun {
  readonly strategyId: string;
  readonly market: MarketData;
  /** The settings as used, for reports. */
  readonly params: Record<string, unknown>;
  run(series: readonly BarSeries[], overrides?: RunOverrides): BacktestOutput;
}

/** Validates the settings, loads strategy and data, and returns a runner of fresh backtests. */
export async function prepareStrategyRun(req: StrategyRunRequest, factory?: StrategyFactory): Promise<PreparedStrategyRun> {
  const loaded = await loadStrategy(req.strategy);
  const config = parseStrategyConfig(req.strategy, loaded.cls, await withFileParams(req.strategy, loaded.cls, req.params ?? {}));
  const make: StrategyFactory = factory ?? (() => new loaded.cls(config));
  const checked = checkRunSettings(req);
  const { sizeText, sizer, cash, commission, slippageBps, fill, account, leverage } = checked;
  const market = loadMarketData(req.data ?? [], marketOptionsOf(req, checked));
  const commissionModel = new FractionCommission(commission);
  const slippage = slippageBps > 0 ? new FixedBpsSlippage(slippageBps) : new NoSlippage();
  const params = {
    strategy: req.strategy, strategyParams: config, data: req.data?.length ? req.data : ['synthetic'], cash, commission, slippageBps,
    size: sizeText, fill, from: req.from ?? null, to: req.to ?? null, account, leverage: account === 'margin' ? leverage : 1,
  };
  return {
    strategyId: loaded.name,
    market,
    params,
    run(series, o = {}) {
      const fresh = make(series);
      const node = new BacktestNode({
        series, instruments: market.instruments, cash, sizer, accountType: account, leverage,
        venue: { marketFill: fill, commission: commissionModel, slippage, volumeCap: o.volumeCap ?? null },
        strategies: [{ strategy: o.wrap ? o.wrap(fresh) : fresh, id: loaded.name }],
      });
      return node.run();
    },
  };
}

/** The strategy's order intents and the fills of a run. */
export function traceOf(out: BacktestOutput): RunTrace {
  const k = out.kernel;
  return {
    signals: k.orders.map((o) => ({
      timeMs: o.createdMs, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.request.limitPrice, stopPrice: o.request.stopPrice,
    })),
    fills: k.fills.toArray(),
  };
}

export { runMetrics } from './run-metrics.ts';

/** What a stress scenario needs from one run. */
export function stressResultOf(out: BacktestOutput): StressRunResult {
  const k = out.kernel;
  let ordered = 0;
  for (const o of k.orders) ordered += o.qty;
  let filled = 0;
  for (const f of k.fills) filled += f.qty;
  return {
    timeMs: out.equityTime, equity: out.equity, exposure: out.exposure, metrics: runMetrics(out), finalValue: k.portfolio.equity(),
    fillTimesMs: k.fills.map((f) => f.tsMs), orderedQty: ordered, filledQty: filled, rejected: k.rejections.length,
  };
}

export interface LookaheadAnalysisReport extends LookaheadReport {
  params: Record<string, unknown>;
}

/** `sextant lookahead`: the look-ahead analysis of a strategy on the given data. */
export async function runLookaheadAnalysis(req: StrategyRunRequest & { readonly samples?: number }, factory?: StrategyFactory): Promise<LookaheadAnalysisReport> {
  const prep = await prepareStrategyRun(req, factory);
  const report = analyzeLookahead(prep.market.series, (series) => traceOf(prep.run(series)), { samples: req.samples });
  return { params: prep.params, ...report };
}

export interface RecursiveAnalysisReport extends RecursiveReport {
  params: Record<string, unknown>;
}

/** `sextant recursive`: the start-point analysis of a strategy on the given data. */
export async function runRecursiveAnalysis(req: StrategyRunRequest & { readonly startups?: readonly number[] }, factory?: StrategyFactory): Promise<RecursiveAnalysisReport> {
  const prep = await prepareStrategyRun(req, factory);
  const report = analyzeRecursive(prep.market.series, (series, fromMs) => traceOf(prep.run(series, { wrap: (s) => new WarmupGate(s, fromMs) })), {
    startups: req.startups,
  });
  return { params: prep.params, ...report };
}
