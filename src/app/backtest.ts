// The backtest use case shared by the CLI, the API and research jobs: options in, a JSON-ready report out.
import { toIso } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import type { Instrument } from '../model/instrument.ts';
import { runMetrics } from './run-metrics.ts';
import { FractionCommission } from '../execution/commission.ts';
import { FixedBpsSlippage, NoSlippage } from '../execution/slippage.ts';
import { BacktestNode, type BacktestOutput } from '../engine/backtest-node.ts';
import { BuyAndHold } from '../strategies/builtin/buy-and-hold.ts';
import { parseStrategyConfig } from '../strategies/registry.ts';
import { loadStrategy } from './strategy-loader.ts';
import { withFileParams } from './strategy-file-params.ts';
import { loadMarketData } from './market-data.ts';
import { loadRiskConfig } from './risk-config.ts';
import { checkRunSettings, type StrategyRunRequest } from './run-settings.ts';
import { instrumentParams } from './instrument-flags.ts';
import { runWarnings } from './run-warnings.ts';
import { analyzeBacktest } from './backtest-analysis.ts';
import { defineLazyEquity } from './equity-points.ts';
import { defineLazy } from './lazy-property.ts';
import { fillDtoOf, positionDtoOf, rejectedOrderDtoOf, tradeDtoOf, type RunParamsDto, type RunReport } from './dto/index.ts';

export interface BacktestRequest extends StrategyRunRequest {
  readonly benchmark?: boolean;
  /** Compute the `analysis` block (drawdowns, monthly returns, attribution, ...); default true. */
  readonly analysis?: boolean;
  /** A JSON file with pre-trade checks and circuit breakers (docs/risk.md). */
  readonly riskFile?: string;
}

/** The report of a run: `RunReport` of the app DTOs (src/app/dto/run-report.ts), the `--json` document. */
export type BacktestReport = RunReport;

/** At most this many ctx.log lines are kept in a report (a strategy logging every bar of a long run would fill memory). */
export const STRATEGY_LOG_LIMIT = 10_000;

/** Collects ctx.log lines with the bar time they were written at. */
class StrategyLogs {
  readonly lines: { strategyId: string; time: string; message: string }[] = [];
  dropped = 0;
  constructor(private readonly nowMs: () => number) {}
  readonly add = (strategyId: string, message: string): void => {
    if (this.lines.length < STRATEGY_LOG_LIMIT) this.lines.push({ strategyId, time: toIso(this.nowMs()), message });
    else this.dropped++;
  };
}

export interface BacktestHooks {
  readonly onProgress?: (done: number, total: number) => void;
}

export async function runBacktest(req: BacktestRequest, hooks: BacktestHooks = {}): Promise<BacktestReport> {
  const loaded = await loadStrategy(req.strategy);
  const config = parseStrategyConfig(req.strategy, loaded.cls, await withFileParams(req.strategy, loaded.cls, req.params ?? {}));
  const settings = checkRunSettings(req);
  const { sizeText, sizer, cash, commission, slippageBps, account, leverage, fill } = settings;
  const market = loadMarketData(req.data ?? [], { skipBadRows: req.skipBadRows ?? false, from: req.from, to: req.to, instrument: settings.instrument, timeframe: settings.timeframe });

  const venue = {
    marketFill: fill,
    commission: new FractionCommission(commission),
    slippage: slippageBps > 0 ? new FixedBpsSlippage(slippageBps) : new NoSlippage(),
  } as const;
  const logs = new StrategyLogs(() => node.kernel.nowMs());
  const node: BacktestNode = new BacktestNode({
    series: market.series, instruments: market.instruments, cash, sizer, venue, accountType: account, leverage, ...loadRiskConfig(req.riskFile),
    strategies: [{ strategy: new loaded.cls(config), id: loaded.name }],
    onProgress: hooks.onProgress,
    log: logs.add,
  });
  const out = node.run();
  const benchRun = req.benchmark === false ? null : runBenchmark(market.series, market.instruments, cash, venue);
  const bench = benchRun === null ? null : benchRun.json;

  const params: RunParamsDto = {
    strategy: req.strategy, strategyParams: config as Record<string, unknown>, data: req.data?.length ? [...req.data] : ['synthetic'], cash, commission, slippageBps,
    size: sizeText, fill: venue.marketFill, from: req.from ?? null, to: req.to ?? null, account, leverage: account === 'margin' ? leverage : 1,
    asset: settings.instrument.asset, instrument: market.instruments[0] === undefined ? null : instrumentParams(market.instruments[0]), timeframe: req.timeframe ?? null,
    defaulted: [...settings.defaulted],
  };
  const warnings = runWarnings({ strategy: loaded.name, cls: loaded.cls, config, out, series: market.series, instruments: market.instruments, account, sizeText, cash });
  // Not a spread: that would read (and so build) the lazy `equity` array.
  const report = buildReport(out, params, bench, market.skipped, logs) as BacktestReport;
  // Computed when first read (the JSON, a tearsheet, the warehouse): a printed summary does not need it.
  if (req.analysis === false) report.analysis = null;
  else defineLazy(report, 'analysis', () => analyzeBacktest(out, { startingCash: cash, marketFill: venue.marketFill, benchmarkEquity: benchRun?.equity ?? null }));
  report.warnings = warnings;
  return report;
}

function runBenchmark(
  series: readonly BarSeries[], instruments: readonly Instrument[], cash: number, venue: ConstructorParameters<typeof BacktestNode>[0]['venue'],
): { json: NonNullable<RunReport['benchmark']>; equity: Float64Array } {
  const node = new BacktestNode({ series, instruments, cash, venue, strategies: [{ strategy: new BuyAndHold({}), id: 'buy-and-hold' }] });
  const out = node.run();
  return { json: { strategy: 'buy-and-hold', finalValue: out.kernel.portfolio.equity(), metrics: runMetrics(out) }, equity: out.equity };
}


function buildReport(out: BacktestOutput, params: RunParamsDto, benchmark: BacktestReport['benchmark'], skipped: number, logs: StrategyLogs): Omit<BacktestReport, 'analysis' | 'warnings'> {
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
    trades: k.trades.closed.map(tradeDtoOf),
    fills: k.fills.map(fillDtoOf),
    rejectedOrders: k.rejections.map(rejectedOrderDtoOf),
    openPositions: p.openPositions().map(positionDtoOf),
    strategyErrors: k.strategyErrors.map((e) => ({ strategyId: e.strategyId, message: e.message, time: toIso(e.tsMs) })),
    riskEvents: k.riskEvents.map((e) => ({ time: toIso(e.tsEventMs), kind: e.kind, breaker: e.breaker ?? null, action: e.action ?? null, reason: e.reason })),
    logs: logs.lines,
    logsDropped: logs.dropped,
    skippedRows: skipped,
    equity: [] as BacktestReport['equity'],
  };
  // Built when first read (200k points in a 200k-bar run); the JSON writer reads the columns instead.
  defineLazyEquity(report, out.equityTime, out.equity);
  return report;
}
