// Report builders: the analysis block of a backtest report and its HTML tearsheet (pure functions).
export * from './analysis.ts';
export * from './format.ts';
export * from './model.ts';
export * from './svg.ts';
export * from './html.ts';
