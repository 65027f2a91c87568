// The report of one backtest run: the `backtest --json` document (the backtest contract of docs/cli.md; schema docs/backtest-json.md), which
// `runBacktest` returns and `montecarlo`, `risk`, `tax` and the warehouse read back. Field order here is the
// order of the JSON.
import { z } from 'zod';
import { AnalysisSchema } from './analysis.ts';
import { EquityPointSchema } from './equity-point.ts';
import { FillSchema } from './fill.ts';
import { MetricsSchema } from './metrics.ts';
import { RejectedOrderSchema } from './order.ts';
import { PositionSchema } from './position.ts';
import { IsoTimeSchema } from './time.ts';
import { TradeSchema } from './trade.ts';

const str = z.string();
const maybeNum = z.number().nullable();

/** The first traded instrument as the run used it. */
export const InstrumentParamsSchema = z.object({
  assetClass: str,
  multiplier: z.number(),
  margin: maybeNum,
  commissionPerUnit: maybeNum,
  minCommission: maybeNum,
  tickSize: z.number(),
  lotSize: z.number(),
  minQty: z.number(),
});
export type InstrumentParamsDto = z.infer<typeof InstrumentParamsSchema>;

/** The settings a run used (strategy params after defaults). */
export const RunParamsSchema = z.object({
  strategy: str,
  strategyParams: z.record(z.string(), z.unknown()),
  data: z.array(str),
  cash: z.number(),
  commission: z.number(),
  slippageBps: z.number(),
  size: str,
  fill: z.enum(['next-open', 'close']),
  from: str.nullable(),
  to: str.nullable(),
  account: z.enum(['cash', 'margin']),
  leverage: z.number(),
  asset: str,
  instrument: InstrumentParamsSchema.nullable(),
  timeframe: str.nullable(),
  /** The settings the run was not given, which took their default. */
  defaulted: z.array(str),
});
export type RunParamsDto = z.infer<typeof RunParamsSchema>;

/** Buy-and-hold on the same data and costs. */
export const BenchmarkSchema = z.object({ strategy: str, finalValue: z.number(), metrics: MetricsSchema });

export const StrategyErrorSchema = z.object({ strategyId: str, message: str, time: IsoTimeSchema });
/** A line a strategy wrote with ctx.log (e.g. the meta strategy's allocation decisions), at the bar's time. */
export const StrategyLogSchema = z.object({ strategyId: str, time: IsoTimeSchema, message: str });

/** A circuit-breaker trip or reset (with `--risk`). */
export const RiskEventSchema = z.object({
  time: IsoTimeSchema,
  kind: str,
  breaker: str.nullable(),
  action: z.enum(['halt', 'reduce-only', 'flatten']).nullable(),
  reason: str,
});

/** Why a run did nothing useful, with its fix (codes in docs/backtest-json.md). */
export const RunWarningSchema = z.object({ code: str, message: str });
export type RunWarningDto = z.infer<typeof RunWarningSchema>;

export const RunReportSchema = z.object({
  params: RunParamsSchema,
  bars: z.number(),
  /** The engine's own run time, excluding loading and reporting. */
  runSeconds: z.number(),
  finalValue: z.number(),
  finalCash: z.number(),
  metrics: MetricsSchema,
  benchmark: BenchmarkSchema.nullable(),
  /** Closed round trips only. */
  trades: z.array(TradeSchema),
  fills: z.array(FillSchema),
  rejectedOrders: z.array(RejectedOrderSchema),
  openPositions: z.array(PositionSchema),
  strategyErrors: z.array(StrategyErrorSchema),
  riskEvents: z.array(RiskEventSchema),
  /** The strategy's ctx.log lines, the first 10,000 of them; `logsDropped` counts the rest (absent in older files). */
  logs: z.array(StrategyLogSchema).default([]),
  logsDropped: z.number().default(0),
  skippedRows: z.number(),
  equity: z.array(EquityPointSchema),
  /** null when not asked. */
  analysis: AnalysisSchema.nullable(),
  warnings: z.array(RunWarningSchema),
});
export type RunReport = z.infer<typeof RunReportSchema>;

