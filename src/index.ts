// The public API for user strategies and embedding: `import { Strategy, SMA } from 'sextant'`.
export { Strategy, PerSymbol, type StrategyClass } from './strategies/strategy.ts';
export type { StrategyContext, PositionView, History, OrderOptions, BracketRequest } from './strategies/context.ts';
export { sizers, type Sizer } from './strategies/sizing.ts';
export type { Bar } from './model/bar.ts';
export { BarSeries } from './model/bar.ts';
export type { OrderEvent, EngineEvent } from './model/events.ts';
export type { OrderRequest } from './model/order.ts';
export { makeInstrument, type Instrument } from './model/instrument.ts';
export { SMA } from './indicators/sma.ts';
export { EMA, SMMA } from './indicators/ema.ts';
export { RSI } from './indicators/rsi.ts';
export { CrossOver } from './indicators/crossover.ts';
export { BacktestNode, type BacktestConfig, type BacktestOutput } from './engine/backtest-node.ts';
export { runBacktest, type BacktestRequest, type BacktestReport } from './app/backtest.ts';
