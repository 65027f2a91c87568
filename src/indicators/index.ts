// The indicator library: streaming indicators, batch forms, the registry and runIndicator.
export * from './indicator.ts';
export { StreamingIndicator } from './base.ts';
export * from './batch.ts';
export { CrossOver } from './crossover.ts';
export { EMA, SMMA } from './ema.ts';
export { DEMA, HMA, KAMA, TEMA, VWMA, WMA } from './ma.ts';
export * from './momentum.ts';
export * from './oscillators.ts';
export { RSI } from './rsi.ts';
export { SMA } from './sma.ts';
export * from './statistics.ts';
export * from './trend.ts';
export * from './volatility.ts';
export * from './volume.ts';
export * from './registry.ts';
export * from './run.ts';
