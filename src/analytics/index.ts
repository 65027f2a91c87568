// Public surface of the analytics library: pure statistics over equity curves, returns and trades.
export * from './stats.ts';
export * from './returns.ts';
export * from './periods.ts';
export * from './risk-ratios.ts';
export * from './drawdown.ts';
export * from './benchmark.ts';
export * from './rolling.ts';
export * from './sharpe-inference.ts';
export * from './periods-tables.ts';
export * from './trades.ts';
export * from './metrics.ts';
