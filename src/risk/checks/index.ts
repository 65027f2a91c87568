// Pre-trade checks (PreTradeCheck implementations) and the RiskConfig that builds them. docs/risk.md.
export { parseConfig, parseRiskConfig, reduceOnlyModeOf, RiskConfigSchema, riskChecksFromConfig, type ResolvedRiskConfig, type RiskConfig } from './config.ts';
export { grossExposureOf, sectorExposureOf } from './exposure.ts';
export {
  DEFAULT_EXEMPT_SECTORS,
  DEFAULT_MAX_GROSS_LEVERAGE,
  DEFAULT_MAX_POSITION_PCT,
  DEFAULT_MAX_SECTOR_PCT,
  grossLeverageCheck,
  maxOpenOrdersCheck,
  maxPositionPctCheck,
  maxSectorPctCheck,
  type SectorLimitOptions,
} from './limits.ts';
export { OrderRateLimit } from './order-rate.ts';
export { DEFAULT_PRICE_COLLAR_PCT, priceCollarCheck } from './price-collar.ts';
export { ReduceOnlyMode, restrictedSymbolsCheck, ShortSaleCheck, type RestrictedSymbolsOptions, type ShortSaleOptions } from './restrictions.ts';
export { MemoryRiskView, type MemoryRiskViewInit } from './view.ts';
