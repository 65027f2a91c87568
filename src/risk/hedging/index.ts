// Correlation-aware hedging: betas to an index, correlated clusters, hedge proposals and their orders.
export { clusterByCorrelation, correlationMatrix, indexLabel, indexReturns, olsBeta, type BetaFit, type IndexSpec } from './beta.ts';
export {
  correlatedExposure,
  hedgeOrders,
  proposeHedges,
  type CorrelatedExposure,
  type ExposureCluster,
  type ExposureOptions,
  type HedgeInstrument,
  type HedgeLimits,
  type HedgeOptions,
  type HedgePlan,
  type HedgePosition,
  type HedgeProposal,
  type LimitBreach,
  type PositionExposure,
} from './hedge.ts';
