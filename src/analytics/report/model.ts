// The tearsheet model: what the HTML shows, built from a backtest report's JSON. Every number is a
// Datum that names its path in that JSON, so the page can be checked against it value by value.
import { InputError } from '../../core/errors.ts';
import type { PerformanceMetrics } from '../metrics.ts';
import type { AttributionRow } from '../attribution.ts';
import type { BacktestAnalysis } from './analysis.ts';
import { fixedGrouped, formatValue, isMidnight, MONTHS, stepDecimals, valueDecimals, type Datum, type Fmt } from './format.ts';
import type { RegimeTimeline } from './regime-timeline.ts';
import type { HeatmapRow, HistogramSpec, LineChartSpec, MarkerSpec } from './svg.ts';

/** The parts of a backtest report (`BacktestReport` of src/app/backtest.ts) the tearsheet reads. */
export interface TearsheetSource {
  readonly params: Readonly<Record<string, unknown>>;
  readonly bars: number;
  readonly finalValue: number;
  readonly finalCash: number;
  readonly metrics: PerformanceMetrics;
  readonly benchmark: { readonly strategy: string; readonly finalValue: number; readonly metrics: PerformanceMetrics } | null;
  readonly trades: readonly {
    readonly symbol: string;
    readonly side: 'long' | 'short';
    readonly entryTime: string;
    readonly entryPrice: number;
    readonly exitTime: string;
    readonly exitPrice: number;
    readonly qty: number;
    readonly pnl: number;
    readonly commission: number;
  }[];
  readonly fills: readonly {
    readonly time: string;
    readonly symbol: string;
    readonly side: 'buy' | 'sell';
    readonly price: number;
    readonly qty: number;
  }[];
  /** Positions still open at the end (absent from reports that do not list them). */
  readonly openPositions?: readonly {
    readonly symbol: string;
    /** Signed: < 0 for a short. */
    readonly qty: number;
    readonly avgPrice: number;
    readonly lastPrice: number;
    readonly marketValue: number;
    readonly unrealizedPnl: number;
  }[];
  readonly equity: readonly { readonly time: string; readonly equity: number }[];
  readonly analysis: BacktestAnalysis | null;
}

/** A table cell: a datum, or a fixed label (labels carry no digits; numbers are always data). */
export type Cell = Datum | string;

export interface TableModel {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** A line under the title (e.g. what the table leaves out). */
  readonly note?: readonly Cell[];
}

/** A traded symbol's close with its fills marked. */
export interface PriceChartModel extends LineChartSpec {
  readonly symbol: Datum;
  /** Fills marked on the chart. */
  readonly fills: number;
}

export interface TearsheetModel {
  readonly title: string;
  readonly subtitle: readonly Cell[];
  readonly cards: readonly { readonly label: string; readonly datum: Datum }[];
  readonly metricTables: readonly TableModel[];
  readonly equity: LineChartSpec;
  /** Positions still open at the end; null when the report does not list them. */
  readonly positions: TableModel | null;
  /** Price charts of the most traded symbols; `note` says when some traded symbols have none. */
  readonly prices: { readonly charts: readonly PriceChartModel[]; readonly note?: readonly Cell[] };
  readonly underwater: LineChartSpec;
  readonly rollingSharpe: LineChartSpec & { readonly window: Datum };
  readonly histogram: HistogramSpec;
  readonly monthly: { readonly columns: readonly string[]; readonly rows: readonly HeatmapRow[] };
  readonly drawdowns: TableModel;
  readonly attribution: {
    readonly decomposition: TableModel;
    readonly risk: TableModel;
    readonly tables: readonly TableModel[];
    readonly correlation: { readonly labels: readonly Datum[]; readonly cells: readonly (readonly Datum[])[]; readonly observations: Datum } | null;
  } | null;
  readonly trades: TableModel;
  /** Market regimes of the run's first symbol, drawn as a band under the equity chart; null when the report has none. */
  readonly regimes: RegimeTimeline | null;
}

export interface TearsheetOptions {
  /** Trades listed (the latest ones); default 500. */
  readonly maxTradeRows?: number;
  /** Rows per attribution table (the best and worst by PnL); default 40. */
  readonly maxAttributionRows?: number;
  /**
   * Value axis of the equity and price charts: logarithmic (true), linear (false), or 'auto' (the
   * default): logarithmic when a chart's highest value is more than LOG_AUTO_RATIO times its lowest.
   */
  readonly logScale?: boolean | 'auto';
}

/** 'auto' draws a chart on a log scale when its values span more than this factor. */
export const LOG_AUTO_RATIO = 10;
/** viewBox of a price chart. */
export const PRICE_CHART_WIDTH = 960;
export const PRICE_CHART_HEIGHT = 300;

const datum = (path: string, value: unknown, fmt: Fmt, decimals?: number): Datum => ({
  path,
  value: typeof value === 'number' || typeof value === 'string' ? value : null,
  fmt,
  ...(decimals === undefined ? {} : { decimals }),
});

/** Metric rows of the performance table: label, key, format. */
const METRIC_ROWS: readonly [string, keyof PerformanceMetrics, Fmt][] = [
  ['Total return', 'totalReturn', 'pct'],
  ['CAGR', 'cagr', 'pct'],
  ['Annual volatility', 'annualVolatility', 'pct'],
  ['Sharpe', 'sharpe', 'num'],
  ['Sortino', 'sortino', 'num'],
  ['Max drawdown', 'maxDrawdown', 'pct'],
  ['Longest drawdown (days)', 'maxDrawdownDurationDays', 'num'],
  ['Calmar', 'calmar', 'num'],
  ['Trades', 'tradeCount', 'int'],
  ['Win rate', 'winRate', 'pct'],
  ['Profit factor', 'profitFactor', 'num'],
  ['Average win', 'avgWin', 'money'],
  ['Average loss', 'avgLoss', 'money'],
  ['Expectancy', 'expectancy', 'money'],
  ['Time in market', 'exposure', 'pct'],
  ['Mean gross exposure', 'avgGrossExposure', 'pct'],
  ['Turnover (per year)', 'turnover', 'num'],
];

function parseTimes(equity: TearsheetSource['equity']): Float64Array {
  const t = new Float64Array(equity.length);
  for (let i = 0; i < equity.length; i++) {
    const ms = Date.parse(equity[i]!.time);
    if (Number.isNaN(ms)) throw new InputError(`equity[${i}].time is not an ISO time: ${equity[i]!.time}`, { field: 'equity' });
    t[i] = ms;
  }
  return t;
}

/** Whether a chart of these values is drawn on a log scale under the `logScale` option. */
export function logScaleFor(option: boolean | 'auto' | undefined, ...series: ArrayLike<number>[]): boolean {
  if (option === true || option === false) return option;
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of series) {
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo > 0 && hi / lo > LOG_AUTO_RATIO;
}

/** Fills and trades (the latest) whose prices tell the decimals when no tick size is known. */
const INFER_FROM = 20_000;

/**
 * Decimals of each symbol's prices: its instrument's tick size (the price series', else the run's
 * `params.instrument`), else the most decimals its latest prices in the report have (up to 8).
 */
export function priceDecimals(src: TearsheetSource): (symbol: string) => number {
  const ticks = new Map<string, number>();
  for (const p of src.analysis?.prices?.series ?? []) {
    const d = p.tickSize === null ? null : stepDecimals(p.tickSize);
    if (d !== null) ticks.set(p.symbol, d);
  }
  const inst = src.params.instrument;
  const tick = inst !== null && typeof inst === 'object' ? (inst as { tickSize?: unknown }).tickSize : undefined;
  const runDecimals = typeof tick === 'number' ? stepDecimals(tick) : null;
  let seen: Map<string, number> | null = null;
  const inferred = (symbol: string): number => {
    if (seen === null) {
      const m = new Map<string, number>();
      const note = (sym: string, v: number): void => {
        m.set(sym, Math.max(m.get(sym) ?? 0, valueDecimals(v)));
      };
      // The latest fills and trades tell (a million fills would cost more than the page needs).
      for (let i = Math.max(0, src.fills.length - INFER_FROM); i < src.fills.length; i++) note(src.fills[i]!.symbol, src.fills[i]!.price);
      for (let i = Math.max(0, src.trades.length - INFER_FROM); i < src.trades.length; i++) {
        const t = src.trades[i]!;
        note(t.symbol, t.entryPrice);
        note(t.symbol, t.exitPrice);
      }
      for (const p of src.openPositions ?? []) note(p.symbol, p.lastPrice);
      seen = m;
    }
    return seen.get(symbol) ?? 2;
  };
  return (symbol) => ticks.get(symbol) ?? runDecimals ?? inferred(symbol);
}

function attributionTable(id: string, title: string, keyName: string, path: string, rows: readonly AttributionRow[], max: number): TableModel {
  const keep: number[] = [];
  if (rows.length <= max) for (let i = 0; i < rows.length; i++) keep.push(i);
  else {
    const half = Math.floor(max / 2);
    for (let i = 0; i < half; i++) keep.push(i);
    for (let i = rows.length - (max - half); i < rows.length; i++) keep.push(i);
  }
  const fields: [keyof AttributionRow, Fmt][] = [
    ['pnl', 'money'], ['grossPnl', 'money'], ['commission', 'money'], ['slippage', 'money'], ['tradedValue', 'money'], ['fills', 'int'],
    ['volatility', 'pct'], ['volContribution', 'pct'], ['riskShare', 'pct'],
  ];
  return {
    id,
    title,
    columns: [keyName, 'PnL', 'Gross PnL', 'Commission', 'Slippage', 'Traded value', 'Fills', 'Volatility', 'Vol. contribution', 'Risk share'],
    rows: keep.map((i) => [datum(`${path}[${i}].key`, rows[i]!.key, 'text'), ...fields.map(([f, fmt]) => datum(`${path}[${i}].${f}`, rows[i]![f], fmt))]),
    note: rows.length > max ? ['The best and worst buckets by PnL; all of them are in the JSON.'] : undefined,
  };
}

/** Builds the tearsheet model of a backtest report that carries its `analysis` block. */
export function buildTearsheetModel(src: TearsheetSource, opts: TearsheetOptions = {}): TearsheetModel {
  const a = src.analysis;
  if (a === null) throw new InputError('the report has no analysis block: run the backtest with analysis on', { field: 'analysis' });
  const n = src.equity.length;
  const time = parseTimes(src.equity);
  const eq = Float64Array.from(src.equity, (p) => p.equity);
  const m = src.metrics;
  const bm = src.benchmark?.metrics ?? null;
  // Intraday bars: every time is shown with its minutes, midnight too (00:00 beside 13:00 rather than a bare day).
  const when: Fmt = src.equity.every((p) => isMidnight(p.time)) ? 'date' : 'time';
  const xLabels = n > 0 ? [datum('equity[0].time', src.equity[0]!.time, when), datum(`equity[${n - 1}].time`, src.equity[n - 1]!.time, when)] : [];

  // Header and cards.
  const params = src.params;
  const subtitle: Cell[] = [datum('params.strategy', params.strategy, 'text'), ' on '];
  const data = Array.isArray(params.data) ? (params.data as unknown[]) : [];
  data.forEach((d, i) => {
    if (i > 0) subtitle.push(', ');
    subtitle.push(datum(`params.data[${i}]`, d, 'text'));
  });
  const sp = params.strategyParams;
  if (sp !== null && typeof sp === 'object') {
    const keys = Object.keys(sp);
    keys.forEach((k, i) => {
      subtitle.push(i === 0 ? ' with ' : ', ', `${k} = `);
      const v = (sp as Record<string, unknown>)[k];
      subtitle.push(datum(`params.strategyParams.${k}`, typeof v === 'boolean' ? String(v) : v, typeof v === 'number' ? 'num' : 'text'));
    });
  }
  if (n > 0) subtitle.push('; from ', xLabels[0]!, ' to ', xLabels[1]!);

  const cards = [
    { label: 'Final value', datum: datum('finalValue', src.finalValue, 'money') },
    { label: 'Total return', datum: datum('metrics.totalReturn', m.totalReturn, 'pct') },
    { label: 'CAGR', datum: datum('metrics.cagr', m.cagr, 'pct') },
    { label: 'Sharpe', datum: datum('metrics.sharpe', m.sharpe, 'num') },
    { label: 'Max drawdown', datum: datum('metrics.maxDrawdown', m.maxDrawdown, 'pct') },
    { label: 'Trades', datum: datum('metrics.tradeCount', m.tradeCount, 'int') },
  ];

  // Metric tables.
  const perf: TableModel = {
    id: 'metrics',
    title: 'Performance',
    columns: bm === null ? ['Metric', 'Strategy'] : ['Metric', 'Strategy', 'Buy and hold'],
    rows: [
      ['Final value', datum('finalValue', src.finalValue, 'money'), ...(bm === null ? [] : [datum('benchmark.finalValue', src.benchmark!.finalValue, 'money')])],
      ...METRIC_ROWS.map(([label, key, fmt]) => [label, datum(`metrics.${key}`, m[key], fmt), ...(bm === null ? [] : [datum(`benchmark.metrics.${key}`, bm[key], fmt)])]),
    ],
  };
  const tables: TableModel[] = [perf];
  if (a.benchmarkStats !== null) {
    const s = a.benchmarkStats;
    tables.push({
      id: 'relative',
      title: 'Against buy and hold',
      columns: ['Statistic', 'Value'],
      rows: (
        [
          ['Alpha (annual)', 'alpha', s.alpha, 'pct'], ['Beta', 'beta', s.beta, 'num'], ['Correlation', 'correlation', s.correlation, 'num'],
          ['Tracking error', 'trackingError', s.trackingError, 'pct'], ['Information ratio', 'informationRatio', s.informationRatio, 'num'],
        ] as const
      ).map(([label, key, v, fmt]) => [label, datum(`analysis.benchmarkStats.${key}`, v, fmt)]),
    });
  }
  const ds = a.distribution.stats;
  tables.push({
    id: 'distribution',
    title: 'Return distribution',
    columns: ['Statistic', 'Value'],
    rows: [
      ['Returns', datum('analysis.distribution.count', a.distribution.count, 'int')],
      ['Mean', datum('analysis.distribution.mean', a.distribution.mean, 'pct')],
      ['Standard deviation', datum('analysis.distribution.std', a.distribution.std, 'pct')],
      ['Worst', datum('analysis.distribution.min', a.distribution.min, 'pct')],
      ['Best', datum('analysis.distribution.max', a.distribution.max, 'pct')],
      ['Skew', datum('analysis.distribution.stats.skew', ds.skew, 'num')],
      ['Excess kurtosis', datum('analysis.distribution.stats.excessKurtosis', ds.excessKurtosis, 'num')],
      ['Omega', datum('analysis.distribution.stats.omega', ds.omega, 'num')],
      ['Tail ratio', datum('analysis.distribution.stats.tailRatio', ds.tailRatio, 'num')],
      ['VaR / CVaR cutoff', datum('analysis.distribution.stats.cutoff', ds.cutoff, 'pct')],
      ['Historical VaR', datum('analysis.distribution.stats.historicalVaR', ds.historicalVaR, 'pct')],
      ['Historical CVaR', datum('analysis.distribution.stats.historicalCVaR', ds.historicalCVaR, 'pct')],
      ['Parametric VaR', datum('analysis.distribution.stats.parametricVaR', ds.parametricVaR, 'pct')],
      ['Parametric CVaR', datum('analysis.distribution.stats.parametricCVaR', ds.parametricCVaR, 'pct')],
    ],
  });
  const ts = a.tradeStats;
  tables.push({
    id: 'tradestats',
    title: 'Trades',
    columns: ['Statistic', 'All', 'Long', 'Short'],
    rows: [
      ['Trades', datum('analysis.tradeStats.count', ts.count, 'int'), datum('analysis.tradeStats.long.count', ts.long.count, 'int'), datum('analysis.tradeStats.short.count', ts.short.count, 'int')],
      ['Win rate', datum('analysis.tradeStats.winRate', ts.winRate, 'pct'), datum('analysis.tradeStats.long.winRate', ts.long.winRate, 'pct'), datum('analysis.tradeStats.short.winRate', ts.short.winRate, 'pct')],
      ['Total PnL', datum('analysis.tradeStats.totalPnl', ts.totalPnl, 'money'), datum('analysis.tradeStats.long.totalPnl', ts.long.totalPnl, 'money'), datum('analysis.tradeStats.short.totalPnl', ts.short.totalPnl, 'money')],
      ['Profit factor', datum('analysis.tradeStats.profitFactor', ts.profitFactor, 'num'), datum('analysis.tradeStats.long.profitFactor', ts.long.profitFactor, 'num'), datum('analysis.tradeStats.short.profitFactor', ts.short.profitFactor, 'num')],
      ['Expectancy', datum('analysis.tradeStats.expectancy', ts.expectancy, 'money'), datum('analysis.tradeStats.long.expectancy', ts.long.expectancy, 'money'), datum('analysis.tradeStats.short.expectancy', ts.short.expectancy, 'money')],
      ['Largest win', datum('analysis.tradeStats.largestWin', ts.largestWin, 'money'), '', ''],
      ['Largest loss', datum('analysis.tradeStats.largestLoss', ts.largestLoss, 'money'), '', ''],
      ['Most wins in a row', datum('analysis.tradeStats.maxConsecutiveWins', ts.maxConsecutiveWins, 'int'), '', ''],
      ['Most losses in a row', datum('analysis.tradeStats.maxConsecutiveLosses', ts.maxConsecutiveLosses, 'int'), '', ''],
      ['Commission paid', datum('analysis.tradeStats.commissionPaid', ts.commissionPaid, 'money'), '', ''],
    ],
  });

  // Charts.
  const bench = a.benchmarkEquity === null ? null : Float64Array.from(a.benchmarkEquity);
  const equity: LineChartSpec = {
    id: 'chart-equity',
    title: 'Equity and buy and hold',
    x: time,
    series: [{ name: 'Strategy', cls: 'strategy', y: eq }, ...(bench === null ? [] : [{ name: 'Buy and hold', cls: 'benchmark', y: bench }])],
    yFormat: 'compact',
    logScale: logScaleFor(opts.logScale, eq, ...(bench === null ? [] : [bench])),
  };

  const dd = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, eq[i]!);
    dd[i] = peak > 0 ? eq[i]! / peak - 1 : NaN;
  }
  const underwater: LineChartSpec = {
    id: 'chart-underwater',
    title: 'Underwater (drawdown from the running peak)',
    x: time,
    series: [{ name: 'Drawdown', cls: 'drawdown', y: dd, area: true }],
    yFormat: 'pct',
    base: 0,
  };

  const rs = Float64Array.from(a.rollingSharpe.values, (v) => (v === null ? NaN : v));
  const rollingSharpe = {
    id: 'chart-rolling-sharpe',
    title: 'Rolling Sharpe',
    x: time,
    series: [{ name: 'Rolling Sharpe', cls: 'strategy', y: rs }],
    yFormat: 'num' as const,
    base: 0,
    window: datum('analysis.rollingSharpe.window', a.rollingSharpe.window, 'int'),
  };

  const decimalsOf = priceDecimals(src);
  const prices = priceCharts(src, a, decimalsOf, opts.logScale, when);
  const positions = src.openPositions === undefined ? null : positionsTable(src.openPositions, a.positionWeights, decimalsOf);

  const h = a.distribution.histogram;
  const histogram: HistogramSpec = {
    id: 'chart-histogram',
    title: 'Distribution of bar returns',
    edges: h.edges,
    counts: h.counts.map((v, k) => datum(`analysis.distribution.histogram.counts[${k}]`, v, 'int')),
    markers: ds.historicalVaR === null ? [] : [{ name: 'VaR', datum: datum('analysis.distribution.stats.historicalVaR', ds.historicalVaR, 'pct') }],
  };

  const monthly = {
    columns: MONTHS,
    rows: a.monthlyReturns.map((r, i) => ({
      label: datum(`analysis.monthlyReturns[${i}].year`, r.year, 'text'),
      cells: r.months.map((v, k) => (v === null ? null : datum(`analysis.monthlyReturns[${i}].months[${k}]`, v, 'pct'))),
      total: datum(`analysis.monthlyReturns[${i}].total`, r.total, 'pct'),
    })),
  };

  const drawdowns: TableModel = {
    id: 'drawdowns',
    title: 'Worst drawdowns',
    columns: ['Start', 'Trough', 'Recovery', 'Depth', 'Length (bars)', 'Length (days)', 'Recovery (days)'],
    rows: a.drawdowns.map((d, i) => {
      const p = `analysis.drawdowns[${i}]`;
      return [
        datum(`${p}.start`, d.start, when), datum(`${p}.trough`, d.trough, when), d.recovery === null ? 'not recovered' : datum(`${p}.recovery`, d.recovery, when),
        datum(`${p}.depth`, d.depth, 'pct'), datum(`${p}.lengthBars`, d.lengthBars, 'int'), datum(`${p}.lengthDays`, d.lengthDays, 'num'), datum(`${p}.recoveryDays`, d.recoveryDays, 'num'),
      ];
    }),
  };

  // Attribution.
  const at = a.attribution;
  const maxRows = opts.maxAttributionRows ?? 40;
  const base = 'analysis.attribution';
  const attribution =
    at === null
      ? null
      : {
          decomposition: {
            id: 'decomposition',
            title: 'Where the PnL came from',
            columns: ['Component', 'Amount'],
            rows: (
              [
                ['Starting equity', 'startingEquity', 'money'], ['Gross trading PnL', 'grossTradingPnl', 'money'], ['Fees (cost)', 'fees', 'money'],
                ['Slippage (cost)', 'slippage', 'money'], ['Financing (cost)', 'financing', 'money'], ['Unexplained', 'unexplained', 'money'],
                ['Total PnL', 'totalPnl', 'money'], ['Ending equity', 'endingEquity', 'money'], ['Fills', 'fills', 'int'],
                ['Fills with a reference price', 'fillsWithReference', 'int'],
              ] as const
            ).map(([label, key, fmt]) => [label, datum(`${base}.decomposition.${key}`, at.decomposition[key], fmt)]),
          } satisfies TableModel,
          risk: {
            id: 'attr-risk',
            title: 'Volatility',
            columns: ['Statistic', 'Value'],
            rows: [
              ['Annual volatility', datum(`${base}.risk.annualVolatility`, at.risk.annualVolatility, 'pct')],
              ['Not attributed (financing, other)', datum(`${base}.risk.unattributedVolContribution`, at.risk.unattributedVolContribution, 'pct')],
              ['Bar returns', datum(`${base}.risk.observations`, at.risk.observations, 'int')],
              ['Bars per year', datum(`${base}.risk.periodsPerYear`, at.risk.periodsPerYear, 'num')],
            ],
          } satisfies TableModel,
          tables: [
            attributionTable('attr-strategy', 'By strategy', 'Strategy', `${base}.byStrategy`, at.byStrategy, maxRows),
            attributionTable('attr-side', 'By side', 'Side', `${base}.bySide`, at.bySide, maxRows),
            attributionTable('attr-sector', 'By sector', 'Sector', `${base}.bySector`, at.bySector, maxRows),
            attributionTable('attr-symbol', 'By symbol', 'Symbol', `${base}.bySymbol`, at.bySymbol, maxRows),
          ],
          correlation:
            at.correlation.labels.length === 0
              ? null
              : {
                  labels: at.correlation.labels.map((l, i) => datum(`${base}.correlation.labels[${i}]`, l, 'text')),
                  cells: at.correlation.matrix.map((row, r) => row.map((v, k) => datum(`${base}.correlation.matrix[${r}][${k}]`, v, 'ratio'))),
                  observations: datum(`${base}.correlation.observations`, at.correlation.observations, 'int'),
                },
        };

  // Trades: the latest ones.
  const maxTrades = opts.maxTradeRows ?? 500;
  const from = Math.max(0, src.trades.length - maxTrades);
  const tradeRows: Cell[][] = [];
  for (let i = from; i < src.trades.length; i++) {
    const t = src.trades[i]!;
    const p = `trades[${i}]`;
    const dp = decimalsOf(t.symbol);
    tradeRows.push([
      datum(`${p}.symbol`, t.symbol, 'text'), datum(`${p}.side`, t.side, 'text'), datum(`${p}.entryTime`, t.entryTime, when), datum(`${p}.entryPrice`, t.entryPrice, 'price', dp),
      datum(`${p}.exitTime`, t.exitTime, when), datum(`${p}.exitPrice`, t.exitPrice, 'price', dp), datum(`${p}.qty`, t.qty, 'num'), datum(`${p}.pnl`, t.pnl, 'money'),
      datum(`${p}.commission`, t.commission, 'money'),
    ]);
  }
  const trades: TableModel = {
    id: 'trades',
    title: 'Closed trades',
    columns: ['Symbol', 'Side', 'Entry', 'Entry price', 'Exit', 'Exit price', 'Qty', 'PnL', 'Commission'],
    rows: tradeRows,
    note: from > 0 ? ['The latest trades of ', datum('metrics.tradeCount', src.metrics.tradeCount, 'int'), '; every trade is in the JSON.'] : undefined,
  };

  return {
    title: 'Sextant tearsheet',
    subtitle,
    cards,
    metricTables: tables,
    equity,
    positions,
    prices,
    underwater,
    rollingSharpe,
    histogram,
    monthly,
    drawdowns,
    attribution,
    trades,
    // Reports written before the regime timeline have no `analysis.regimes`.
    regimes: a.regimes ?? null,
  };
}

/** The positions open at the end: side, size, entry and last price, value, unrealized PnL and weight. */
function positionsTable(open: NonNullable<TearsheetSource['openPositions']>, weights: readonly (number | null)[], decimalsOf: (symbol: string) => number): TableModel {
  return {
    id: 'positions',
    title: 'Positions still open at the end',
    columns: ['Symbol', 'Side', 'Quantity', 'Average entry', 'Last price', 'Market value', 'Unrealized PnL', '% of final equity'],
    rows: open.map((p, i) => {
      const b = `openPositions[${i}]`;
      const dp = decimalsOf(p.symbol);
      return [
        datum(`${b}.symbol`, p.symbol, 'text'), p.qty < 0 ? 'short' : 'long', datum(`${b}.qty`, p.qty, 'num'), datum(`${b}.avgPrice`, p.avgPrice, 'price', dp),
        datum(`${b}.lastPrice`, p.lastPrice, 'price', dp), datum(`${b}.marketValue`, p.marketValue, 'money'), datum(`${b}.unrealizedPnl`, p.unrealizedPnl, 'money'),
        i < weights.length ? datum(`analysis.positionWeights[${i}]`, weights[i], 'pct') : '',
      ];
    }),
  };
}

/** A fill's tooltip: "Buy 39,922 at 2.37 on 1995-05-12". */
function fillTitle(f: TearsheetSource['fills'][number], decimals: number, when: Fmt): string {
  const qty = Number.isInteger(f.qty) ? fixedGrouped(f.qty, 0) : formatValue(f.qty, 'num');
  return `${f.side === 'buy' ? 'Buy' : 'Sell'} ${qty} at ${formatValue(f.price, 'price', decimals)} on ${formatValue(f.time, when)}`;
}

/** One chart per price series of the analysis block, with the symbol's fills as markers. */
function priceCharts(src: TearsheetSource, a: BacktestAnalysis, decimalsOf: (symbol: string) => number, logScale: boolean | 'auto' | undefined, when: Fmt): TearsheetModel['prices'] {
  const ps = a.prices;
  if (ps === null) return { charts: [], note: ['This report carries no price series.'] };
  const bySymbol = new Map<string, MarkerSpec[]>(ps.series.map((p) => [p.symbol, []]));
  src.fills.forEach((f, i) => {
    const list = bySymbol.get(f.symbol);
    if (list === undefined) return;
    const dp = decimalsOf(f.symbol);
    const t = Date.parse(f.time);
    if (Number.isNaN(t)) throw new InputError(`fills[${i}].time is not an ISO time: ${f.time}`, { field: 'fills' });
    list.push({ side: f.side, time: t, datum: datum(`fills[${i}].price`, f.price, 'price', dp), title: () => fillTitle(f, dp, when) });
  });
  const charts = ps.series.map((p, k): PriceChartModel => {
    const time = Float64Array.from(p.time, (iso, i) => {
      const t = Date.parse(iso);
      if (Number.isNaN(t)) throw new InputError(`analysis.prices.series[${k}].time[${i}] is not an ISO time: ${iso}`, { field: 'analysis' });
      return t;
    });
    const close = Float64Array.from(p.close);
    const markers = bySymbol.get(p.symbol)!;
    return {
      id: `chart-price-${k}`,
      title: `Close of ${p.symbol} with the fills`,
      symbol: datum(`analysis.prices.series[${k}].symbol`, p.symbol, 'text'),
      x: time,
      series: [{ name: 'Close', cls: 'price', y: close }],
      yFormat: 'num',
      logScale: logScaleFor(logScale, close, markers.map((m) => m.datum.value as number)),
      markers,
      fills: markers.length,
      // Full page width: a long price history needs more pixels than the half-width charts.
      width: PRICE_CHART_WIDTH,
      height: PRICE_CHART_HEIGHT,
    };
  });
  const note: Cell[] | undefined =
    ps.tradedSymbols > ps.series.length ? ['Only the most traded symbols are charted, of ', datum('analysis.prices.tradedSymbols', ps.tradedSymbols, 'int'), ' traded.'] : undefined;
  return { charts, note };
}
