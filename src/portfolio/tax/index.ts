// Tax lots: relief methods, realized gains by term, wash sales, harvesting candidates (docs/tax-lots.md).
export { dayIso, dayOf, dayStartMs, firstLongTermDay, isLongTerm } from './holding.ts';
export { RELIEF_METHODS, lotBasis, reliefOrder, type LotSelection, type LotSide, type ReliefMethod, type TaxFill, type TaxLot, type Term } from './lots.ts';
export { TaxLotLedger, WASH_WINDOW_DAYS, bookFills, type Disposal, type LedgerOptions, type PendingWash, type TaxLotOptions, type WashSale } from './ledger.ts';
export { summarize, summarizeBySymbol, type SymbolSummary, type TaxSummary } from './summary.ts';
export { harvestCandidates, type HarvestBlocked, type HarvestCandidate, type HarvestOptions, type HarvestResult } from './harvest.ts';
