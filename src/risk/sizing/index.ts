// Position sizing: fixed, fixed fraction, Kelly, volatility target, ATR risk, equal risk contribution.
export {
  annualizedVol,
  atrRiskQty,
  fixedFractionQty,
  fixedQuantity,
  floorToLot,
  kellyFraction,
  kellyQty,
  volTargetQty,
  type AtrRiskInput,
  type FixedFractionInput,
  type KellyInput,
  type KellyOptions,
  type VolTargetInput,
} from './sizing.ts';
export { equalRiskContribution, weightsToQty, type ErcOptions, type ErcResult, type WeightsToQtyInput } from './erc.ts';
