// The backtest use case shared by the CLI, the API and research jobs: options in, a JSON-ready report out.
import { toIso } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PerformanceMetrics } from '../analytics/metrics.ts';
import { runMetrics } from './run-metrics.ts';
import { FractionCommission } from '../execution/commission.ts';
import { FixedBpsSlippage, NoSlippage } from '../execution/slippage.ts';
import { BacktestNode, type BacktestOutput } from '../engine/backtest-node.ts';
import { BuyAndHold } from '../strategies/builtin/buy-and-hold.ts';
import { parseStrategyConfig } from '../strategies/registry.ts';
import { loadStrategy } from './strategy-loader.ts';
import { loadMarketData } from './market-data.ts';
import { loadRiskConfig } from './risk-config.ts';
import { checkRunSettings, type StrategyRunRequest } from './run-settings.ts';
import { instrumentParams } from './instrument-flags.ts';
import { runWarnings, type RunWarning } from './run-warnings.ts';
import type { BacktestAnalysis } from '../analytics/report/analysis.ts';
import { analyzeBacktest } from './report.ts';
import { defineLazyEquity } from './equity-points.ts';
import { defineLazy } from './lazy-property.ts';

export interface BacktestRequest extends StrategyRunRequest {
  readonly benchmark?: boolean;
  /** Compute the `analysis` block (drawdowns, monthly returns, attribution, ...); default true. */
  readonly analysis?: boolean;
  /** A JSON file with pre-trade checks and circuit breakers (docs/risk.md). */
  readonly riskFile?: string;
}

export interface TradeJson {
  symbol: string;
  side: 'long' | 'short';
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  qty: number;
  pnl: number;
  commission: number;
}

export interface BacktestReport {
  params: Record<string, unknown>;
  bars: number;
  runSeconds: number;
  finalValue: number;
  finalCash: number;
  metrics: PerformanceMetrics;
  benchmark: { strategy: string; finalValue: number; metrics: PerformanceMetrics } | null;
  trades: TradeJson[];
  fills: { time: string; symbol: string; side: 'buy' | 'sell'; price: number; qty: number; commission: number }[];
  rejectedOrders: { time: string; symbol: string; side: 'buy' | 'sell'; qty: number; status: 'denied' | 'rejected'; reason: string }[];
  openPositions: { symbol: string; qty: number; avgPrice: number; lastPrice: number; marketValue: number; unrealizedPnl: number }[];
  strategyErrors: { strategyId: string; message: string; time: string }[];
  riskEvents: { time: string; kind: string; breaker: string | null; action: string | null; reason: string }[];
  skippedRows: number;
  equity: { time: string; equity: number }[];
  /** Drawdowns, monthly returns, rolling Sharpe, return distribution, attribution (docs/tearsheet.md); null when not asked. */
  analysis: BacktestAnalysis | null;
  /** Why the run did nothing useful, each with its fix (docs/backtest-json.md); empty when nothing is amiss. */
  warnings: RunWarning[];
}

export interface BacktestHooks {
  readonly onProgress?: (done: number, total: number) => void;
}

export async function runBacktest(req: BacktestRequest, hooks: BacktestHooks = {}): Promise<BacktestReport> {
  const loaded = await loadStrategy(req.strategy);
  const config = parseStrategyConfig(req.strategy, loaded.cls, req.params ?? {});
  const settings = checkRunSettings(req);
  const { sizeText, sizer, cash, commission, slippageBps, account, leverage, fill } = settings;
  const market = loadMarketData(req.data ?? [], { skipBadRows: req.skipBadRows ?? false, from: req.from, to: req.to, instrument: settings.instrument, timeframe: settings.timeframe });

  const venue = {
    marketFill: fill,
    commission: new FractionCommission(commission),
    slippage: slippageBps > 0 ? new FixedBpsSlippage(slippageBps) : new NoSlippage(),
  } as const;
  const node = new BacktestNode({
    series: market.series, instruments: market.instruments, cash, sizer, venue, accountType: account, leverage, ...loadRiskConfig(req.riskFile),
    strategies: [{ strategy: new loaded.cls(config), id: loaded.name }],
    onProgress: hooks.onProgress,
  });
  const out = node.run();
  const benchRun = req.benchmark === false ? null : runBenchmark(market.series, market.instruments, cash, venue);
  const bench = benchRun === null ? null : benchRun.json;

  const params = {
    strategy: req.strategy, strategyParams: config, data: req.data?.length ? req.data : ['synthetic'], cash, commission, slippageBps,
    size: sizeText, fill: venue.marketFill, from: req.from ?? null, to: req.to ?? null, account, leverage: account === 'margin' ? leverage : 1,
    asset: settings.instrument.asset, instrument: market.instruments[0] === undefined ? null : instrumentParams(market.instruments[0]), timeframe: req.timeframe ?? null,
    defaulted: settings.defaulted,
  };
  const warnings = runWarnings({ strategy: loaded.name, cls: loaded.cls, config, out, series: market.series, instruments: market.instruments, account, sizeText, cash });
  // Not a spread: that would read (and so build) the lazy `equity` array.
  const report = buildReport(out, params, bench, market.skipped) as BacktestReport;
  // Computed when first read (the JSON, a tearsheet, the warehouse): a printed summary does not need it.
  if (req.analysis === false) report.analysis = null;
  else defineLazy(report, 'analysis', () => analyzeBacktest(out, { startingCash: cash, marketFill: venue.marketFill, benchmarkEquity: benchRun?.equity ?? null }));
  report.warnings = warnings;
  return report;
}

function runBenchmark(
  series: readonly BarSeries[], instruments: readonly Instrument[], cash: number, venue: ConstructorParameters<typeof BacktestNode>[0]['venue'],
): { json: { strategy: string; finalValue: number; metrics: PerformanceMetrics }; equity: Float64Array } {
  const node = new BacktestNode({ series, instruments, cash, venue, strategies: [{ strategy: new BuyAndHold({}), id: 'buy-and-hold' }] });
  const out = node.run();
  return { json: { strategy: 'buy-and-hold', finalValue: out.kernel.portfolio.equity(), metrics: runMetrics(out) }, equity: out.equity };
}


function buildReport(out: BacktestOutput, params: Record<string, unknown>, benchmark: BacktestReport['benchmark'], skipped: number): Omit<BacktestReport, 'analysis' | 'warnings'> {
  const k = out.kernel;
  const p = k.portfolio;
  const report = {
    params,
    bars: out.bars,
    runSeconds: out.runSeconds,
    finalValue: p.equity(),
    finalCash: p.freeCash(),
    metrics: runMetrics(out),
    benchmark,
    trades: k.trades.closed.map((t) => ({
      symbol: t.symbol, side: t.side, entryTime: toIso(t.entryTimeMs), entryPrice: t.entryPrice, exitTime: toIso(t.exitTimeMs),
      exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission,
    })),
    fills: k.fills.map((f) => ({ time: toIso(f.tsMs), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
    rejectedOrders: k.rejections.map((r) => ({ time: toIso(r.tsMs), symbol: r.symbol, side: r.side, qty: r.qty, status: r.status, reason: r.reason })),
    openPositions: p.openPositions().map((pos) => ({
      symbol: pos.symbol, qty: pos.qty, avgPrice: pos.avgPrice, lastPrice: pos.lastPrice,
      marketValue: pos.marketValue(), unrealizedPnl: pos.unrealizedPnl(),
    })),
    strategyErrors: k.strategyErrors.map((e) => ({ strategyId: e.strategyId, message: e.message, time: toIso(e.tsMs) })),
    riskEvents: k.riskEvents.map((e) => ({ time: toIso(e.tsEventMs), kind: e.kind, breaker: e.breaker ?? null, action: e.action ?? null, reason: e.reason })),
    skippedRows: skipped,
    equity: [] as BacktestReport['equity'],
  };
  // Built when first read (200k points in a 200k-bar run); the JSON writer reads the columns instead.
  defineLazyEquity(report, out.equityTime, out.equity);
  return report;
}
