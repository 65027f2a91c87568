// Stationarity and cointegration statistics for pairs trading (statsmodels-equivalent).

export { adfuller, defaultAdfMaxLag, type AdfOptions, type AdfResult, type AutoLag } from './adf.ts';
export { coint, type CointOptions, type CointResult } from './coint.ts';
export { mackinnoncrit, mackinnonp, type CriticalValues, type Regression } from './mackinnon.ts';
export { erfc, normalCdf } from './normal.ts';
export { fitNestedOls, fitOls, ols, type OlsResult } from './ols.ts';
export { rollingHedgeRatio, spreadZScore, type RollingHedge, type ZScoreOptions } from './rolling.ts';
