// Totals of realized gains by term, wash-sale disallowances and loss still deferred in open lots.
import type { Disposal } from './ledger.ts';
import type { TaxLot } from './lots.ts';

export interface TaxSummary {
  /** Reported (after wash-sale disallowance) short-term gain, losses negative. */
  readonly shortTermGain: number;
  readonly longTermGain: number;
  readonly totalGain: number;
  readonly proceeds: number;
  readonly costBasis: number;
  /** Losses disallowed by wash sales (moved into the basis of replacement lots). */
  readonly washSaleDisallowed: number;
  /** Disallowed losses still in the basis of open lots, as a positive amount (reported when those lots are sold). */
  readonly deferredLossInOpenLots: number;
  /** totalGain - deferredLossInOpenLots: the realized gain had no loss been deferred (the deferred loss counted now). */
  readonly economicGain: number;
  readonly disposals: number;
}

export interface SymbolSummary extends TaxSummary {
  readonly symbol: string;
}

export function summarize(disposals: readonly Disposal[], openLots: readonly TaxLot[]): TaxSummary {
  let shortTermGain = 0;
  let longTermGain = 0;
  let proceeds = 0;
  let costBasis = 0;
  let washSaleDisallowed = 0;
  for (const d of disposals) {
    if (d.term === 'long') longTermGain += d.reportedGain;
    else shortTermGain += d.reportedGain;
    proceeds += d.proceeds;
    costBasis += d.costBasis;
    washSaleDisallowed += d.washDisallowed;
  }
  let deferredLossInOpenLots = 0;
  for (const l of openLots) deferredLossInOpenLots += l.qty * l.washAdjustmentPerShare;
  const totalGain = shortTermGain + longTermGain;
  return { shortTermGain, longTermGain, totalGain, proceeds, costBasis, washSaleDisallowed, deferredLossInOpenLots, economicGain: totalGain - deferredLossInOpenLots, disposals: disposals.length };
}

/** One summary per symbol that has a disposal or an open lot, by symbol. */
export function summarizeBySymbol(disposals: readonly Disposal[], openLots: readonly TaxLot[]): SymbolSummary[] {
  const symbols = [...new Set([...disposals.map((d) => d.symbol), ...openLots.map((l) => l.symbol)])].sort();
  return symbols.map((symbol) => ({ symbol, ...summarize(disposals.filter((d) => d.symbol === symbol), openLots.filter((l) => l.symbol === symbol)) }));
}
