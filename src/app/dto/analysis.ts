// The `analysis` block of a backtest report (docs/tearsheet.md): drawdowns, monthly returns, rolling Sharpe,
// return distribution, trade statistics, attribution, the traded symbols' closes, the open positions'
// weights and the market-regime timeline. The analytics layer computes it (`BacktestAnalysis`); a test holds this schema's type equal to it.
import { z } from 'zod';
import { IsoTimeSchema } from './time.ts';

const num = z.number();
const maybe = z.number().nullable();

const BenchmarkStatsSchema = z.object({ alpha: maybe, beta: maybe, correlation: maybe, trackingError: maybe, informationRatio: maybe });

const DrawdownRowSchema = z.object({
  start: IsoTimeSchema,
  trough: IsoTimeSchema,
  recovery: IsoTimeSchema.nullable(),
  depth: num,
  lengthBars: num,
  lengthDays: num,
  recoveryBars: maybe,
  recoveryDays: maybe,
});

const MonthlyGridRowSchema = z.object({ year: num, months: z.array(maybe), total: num });

const ReturnDistributionSchema = z.object({
  count: num,
  mean: maybe,
  std: maybe,
  min: maybe,
  max: maybe,
  stats: z.object({
    skew: maybe, excessKurtosis: maybe, omega: maybe, tailRatio: maybe, cutoff: num,
    historicalVaR: maybe, historicalCVaR: maybe, parametricVaR: maybe, parametricCVaR: maybe,
  }),
  histogram: z.object({ edges: z.array(num), counts: z.array(num) }),
});

const PnlSummaryShape = {
  count: num, wins: num, losses: num, winRate: maybe, profitFactor: maybe, avgWin: maybe, avgLoss: maybe, expectancy: maybe, totalPnl: num,
};
const PnlSummarySchema = z.object(PnlSummaryShape);
const ExcursionStatsSchema = z.object({ count: num, mean: num, median: num, extreme: num });

const TradeStatsSchema = z.object({
  ...PnlSummaryShape,
  long: PnlSummarySchema,
  short: PnlSummarySchema,
  largestWin: maybe,
  largestLoss: maybe,
  maxConsecutiveWins: num,
  maxConsecutiveLosses: num,
  holdingMeanMs: maybe,
  holdingMedianMs: maybe,
  commissionPaid: num,
  mae: ExcursionStatsSchema.nullable(),
  mfe: ExcursionStatsSchema.nullable(),
  edgeRatio: maybe,
});

const AttributionRowSchema = z.object({
  key: z.string(),
  pnl: num,
  grossPnl: num,
  commission: num,
  slippage: num,
  tradedValue: num,
  fills: num,
  volatility: maybe,
  volContribution: maybe,
  riskShare: maybe,
});

const AttributionSchema = z.object({
  decomposition: z.object({
    startingEquity: num, endingEquity: num, totalPnl: num, grossTradingPnl: num, fees: num, slippage: num, financing: num,
    unexplained: num, fills: num, fillsWithReference: num,
  }),
  bySymbol: z.array(AttributionRowSchema),
  bySector: z.array(AttributionRowSchema),
  byStrategy: z.array(AttributionRowSchema),
  bySide: z.array(AttributionRowSchema),
  risk: z.object({ periodsPerYear: num, observations: num, annualVolatility: maybe, unattributedVolContribution: maybe }),
  correlation: z.object({
    labels: z.array(z.string()),
    kinds: z.array(z.enum(['strategy', 'asset'])),
    matrix: z.array(z.array(maybe)),
    observations: num,
  }),
});

const RegimeTimelineSchema = z.object({
  symbol: z.string(),
  names: z.array(z.string()),
  segments: z.array(z.object({ from: IsoTimeSchema, to: IsoTimeSchema, regime: z.string(), bars: num })),
});

const PriceSeriesSchema = z.object({ symbol: z.string(), tickSize: maybe, bars: num, time: z.array(IsoTimeSchema), close: z.array(num) });

export const AnalysisSchema = z.object({
  periodsPerYear: num,
  bars: num,
  benchmarkEquity: z.array(num).nullable(),
  benchmarkStats: BenchmarkStatsSchema.nullable(),
  drawdowns: z.array(DrawdownRowSchema),
  monthlyReturns: z.array(MonthlyGridRowSchema),
  rollingSharpe: z.object({ window: num, values: z.array(maybe) }),
  distribution: ReturnDistributionSchema,
  tradeStats: TradeStatsSchema,
  attribution: AttributionSchema.nullable(),
  prices: z.object({ tradedSymbols: num, series: z.array(PriceSeriesSchema) }).nullable(),
  positionWeights: z.array(maybe),
  regimes: RegimeTimelineSchema.nullable(),
});
export type AnalysisDto = z.infer<typeof AnalysisSchema>;
