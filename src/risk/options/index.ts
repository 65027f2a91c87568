// Options math: the standard normal distribution, Black-Scholes-Merton, implied volatility, portfolio Greeks.
export { normCdf, normInv, normPdf, normSf } from '../../core/normal.ts';
export {
  bsmBounds,
  bsmDelta,
  bsmGamma,
  bsmGreeks,
  bsmPrice,
  bsmPsi,
  bsmRho,
  bsmTheta,
  bsmThetaPerDay,
  bsmVega,
  bsmVegaPct,
  DAYS_PER_YEAR,
  type BsmParams,
  type Greeks,
  type OptionRight,
} from './bsm.ts';
export { impliedVol, solveImpliedVol, type ImpliedVolFailure, type ImpliedVolOptions, type ImpliedVolResult } from './implied-vol.ts';
export { aggregateGreeks, type GreeksPosition, type GreeksTotals, type PortfolioGreeks } from './portfolio-greeks.ts';
