// A job's result condensed for a model's context window: the `--json` documents hold every fill, equity point
// and trial (megabytes for long runs); an assistant needs the settings, the metrics, the last trades and the
// tearsheet's tables. The full document stays at GET /api/v1/research/jobs/<id>/result.
import type { JobKind } from '../app/jobs/job-request.ts';
import type { RunReport } from '../app/dto/run-report.ts';

export interface ResultSummary {
  readonly data: Record<string, unknown>;
  readonly line: string;
}

const pct = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');
const fix = (x: unknown, d = 2): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** At most `n` evenly spaced points of a series, the last one kept. */
export function thin<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const step = (xs.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => xs[Math.round(i * step)]!);
}

function backtest(r: RunReport, trades: number): ResultSummary {
  const m = r.metrics;
  const a = r.analysis;
  const tearsheet = a === null ? null : {
    drawdowns: a.drawdowns.slice(0, 5),
    monthlyReturns: a.monthlyReturns,
    distribution: { count: a.distribution.count, mean: a.distribution.mean, std: a.distribution.std, min: a.distribution.min, max: a.distribution.max, ...a.distribution.stats },
    tradeStats: a.tradeStats,
    benchmarkStats: a.benchmarkStats,
    attribution: a.attribution === null ? null : {
      decomposition: a.attribution.decomposition,
      bySymbol: a.attribution.bySymbol.slice(0, 10), byStrategy: a.attribution.byStrategy, bySide: a.attribution.bySide,
    },
  };
  const data = {
    params: r.params, bars: r.bars, finalValue: r.finalValue, finalCash: r.finalCash, metrics: m,
    benchmark: r.benchmark === null ? null : { strategy: r.benchmark.strategy, finalValue: r.benchmark.finalValue, totalReturn: r.benchmark.metrics.totalReturn, sharpe: r.benchmark.metrics.sharpe, maxDrawdown: r.benchmark.metrics.maxDrawdown },
    trades: { closed: r.trades.length, last: trades === 0 ? [] : r.trades.slice(-trades) },
    fills: r.fills.length,
    openPositions: r.openPositions,
    rejectedOrders: { count: r.rejectedOrders.length, first: r.rejectedOrders.slice(0, 5) },
    strategyErrors: r.strategyErrors.slice(0, 10),
    riskEvents: { count: r.riskEvents.length, last: r.riskEvents.slice(-5) },
    skippedRows: r.skippedRows,
    warnings: r.warnings,
    equity: { points: r.equity.length, sample: thin(r.equity, 20) },
    tearsheet,
  };
  const bench = r.benchmark === null ? '' : ` (buy-and-hold ${pct(r.benchmark.metrics.totalReturn)})`;
  const line = `backtest of ${r.params.strategy} over ${r.bars} bars: return ${pct(m.totalReturn)}${bench}, CAGR ${pct(m.cagr)}, Sharpe ${fix(m.sharpe)}, max drawdown ${pct(m.maxDrawdown)}, ${m.tradeCount} trades (win rate ${pct(m.winRate)}), final value ${fix(r.finalValue)}${r.warnings.length > 0 ? `; warnings: ${r.warnings.map((w) => w.code).join(', ')}` : ''}`;
  return { data, line };
}

interface Trial { params: Record<string, unknown>; score: number | null; metrics: Record<string, unknown> }

function optimize(r: Record<string, unknown>, top: number): ResultSummary {
  const trials = (r.trials ?? []) as Trial[];
  const best = r.best as Trial | null;
  const { trials: _all, ...rest } = r;
  const data = { ...rest, trials: { count: trials.length, top: trials.slice(0, top) } };
  const line = best === null
    ? `optimization of ${String(r.strategy)}: no parameter set scored (${String(r.evaluated)} evaluated)`
    : `optimization of ${String(r.strategy)}: best ${JSON.stringify(best.params)} with ${String(r.objective)} ${fix(best.score, 3)} of ${String(r.evaluated)} parameter sets${r.pbo !== null && typeof r.pbo === 'object' ? `; probability of backtest overfitting ${pct((r.pbo as { pbo: number }).pbo)}` : ''}`;
  return { data, line };
}

function walkforward(r: Record<string, unknown>): ResultSummary {
  const equity = (r.equity ?? []) as unknown[];
  const folds = (r.folds ?? []) as { params: unknown }[];
  const m = (r.metrics ?? {}) as Record<string, unknown>;
  const data = { ...r, equity: { points: equity.length, sample: thin(equity, 20) } };
  const line = `walk-forward of ${String(r.strategy)} in ${folds.length} folds: out-of-sample return ${pct(m.totalReturn)}, Sharpe ${fix(m.sharpe)}, max drawdown ${pct(m.maxDrawdown)}, efficiency ${fix(r.efficiency)}`;
  return { data, line };
}

/** The condensed result of a done job of `kind` (`result`: its `--json` document). */
export function resultSummary(kind: JobKind, result: unknown, trades: number): ResultSummary {
  switch (kind) {
    case 'backtest': return backtest(result as RunReport, trades);
    case 'optimize': return optimize(result as Record<string, unknown>, trades);
    case 'walkforward': return walkforward(result as Record<string, unknown>);
  }
}
