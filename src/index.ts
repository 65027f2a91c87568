// The public API for user strategies and embedding: `import { Strategy, z, SMA } from 'sextant'`.
// A strategy file anywhere on disk may import it (the CLI resolves 'sextant' for it, see
// src/app/strategy-loader.ts); everything such a file needs is exported here, zod's `z` included,
// so a user needs no install of their own.
export { z } from 'zod';
export { Strategy, PerSymbol, type StrategyClass } from './strategies/strategy.ts';
export type {
  StrategyContext, PositionView, History, Line, OrderOptions, BracketRequest, SizeHelpers, OrderView, AlgoHandle, ExecuteOptions, HedgeRequest, HedgeResult,
  ErcRequest, ErcSizing, TypedIndicators,
} from './strategies/context.ts';
export { flatProfile, uShapedProfile, volumeProfileFromBars, type VolumeProfile } from './execution/algos/profile.ts';
export { sizers, type Sizer } from './strategies/sizing.ts';
export type { Bar } from './model/bar.ts';
export { BarSeries } from './model/bar.ts';
export type { OrderEvent, EngineEvent } from './model/events.ts';
export type { Order, OrderRequest, ExitAttachments } from './model/order.ts';
export { makeInstrument, type Instrument } from './model/instrument.ts';
export { ConfigError, InputError, StrategyError } from './core/errors.ts';
export { SMA } from './indicators/sma.ts';
export { EMA, SMMA } from './indicators/ema.ts';
export { RSI } from './indicators/rsi.ts';
export { CrossOver } from './indicators/crossover.ts';
export { MACD } from './indicators/momentum.ts';
export { ATR, Bollinger, Donchian, StdDev, ZScore } from './indicators/volatility.ts';
export { RingWindow } from './indicators/window.ts';
export { BacktestNode, type BacktestConfig, type BacktestOutput } from './engine/backtest-node.ts';
export { TradingNode, type HistoryResult } from './engine/node.ts';
export type { NodeConfig, RunKind, StrategySpec, HistoricalData, PushedData, ExecutionConfig, TickEvent } from './engine/node-config.ts';
export type { NodeBus, NodeTopics, OrderMessage, PushedBar } from './engine/node-bus.ts';
export { runBacktest, type BacktestRequest, type BacktestReport } from './app/backtest.ts';
export {
  EquityPointSchema, FillSchema, MetricsSchema, OrderSchema, PositionSchema, RejectedOrderSchema, RunReportSchema, RunSummarySchema, TradeSchema,
  type EquityPointDto, type FillDto, type MetricsDto, type OrderDto, type PositionDto, type RejectedOrderDto, type RunReport, type RunSummaryDto, type TradeDto,
} from './app/dto/index.ts';
