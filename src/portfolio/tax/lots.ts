// Tax-lot shapes and the relief orders of FIFO, LIFO and HIFO.
import type { OrderSide } from '../../model/order.ts';

export type ReliefMethod = 'fifo' | 'lifo' | 'hifo' | 'specific';
export const RELIEF_METHODS: readonly ReliefMethod[] = ['fifo', 'lifo', 'hifo', 'specific'];

export type LotSide = 'long' | 'short';
export type Term = 'short' | 'long';

/** One execution, as in a backtest JSON's `fills[]` (time as epoch ms). */
export interface TaxFill {
  readonly tsMs: number;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  readonly qty: number;
  /** Charged on this fill; added to the basis of buys and taken from the proceeds of sells (negative = rebate). */
  readonly commission: number;
}

/** Names a lot to relieve on one fill (specific identification); `qty` defaults to all of the lot. */
export interface LotSelection {
  readonly lotId: string;
  readonly qty?: number;
}

/** An open lot. Ids are `<symbol>#<fill number>` (1-based position of the opening fill); a lot split by a wash sale keeps its id for the unadjusted shares and gives the replacement shares `<id>.<k>`. */
export interface TaxLot {
  readonly id: string;
  readonly symbol: string;
  readonly side: LotSide;
  /** 1-based number of the fill that opened the lot. */
  readonly openFillNo: number;
  readonly acquiredMs: number;
  /** UTC day the holding period is counted from: the acquisition day, earlier when a wash sale carried a sold lot's holding period over. */
  readonly holdingFromDay: number;
  readonly qty: number;
  /** Long: price + buy commission per share (cost). Short: price - sell commission per share (proceeds). */
  readonly unitCost: number;
  /** Disallowed wash-sale loss added to the basis, per share (long lots only). */
  readonly washAdjustmentPerShare: number;
  /** These shares already absorbed a disallowed loss; they cannot absorb another. */
  readonly isReplacement: boolean;
  /** 0 for the lot opened by the fill, k for its k-th wash-sale split. */
  readonly splitSeq: number;
}

/** Long: adjusted cost basis of the lot. Short: the proceeds of the short sale still open. */
export function lotBasis(lot: TaxLot): number {
  return lot.qty * (lot.unitCost + lot.washAdjustmentPerShare);
}

function fifoCompare(a: TaxLot, b: TaxLot): number {
  return a.openFillNo - b.openFillNo || a.splitSeq - b.splitSeq;
}

/**
 * Lots in the order a method relieves them. FIFO: earliest opening fill first (real acquisition, not the
 * wash-sale holding date). LIFO: the reverse. HIFO: the relief that minimises the gain per share first:
 * long lots by highest adjusted cost per share, short lots by lowest proceeds per share; ties FIFO.
 * `specific` orders like FIFO (the default for shares the caller does not name).
 */
export function reliefOrder(lots: readonly TaxLot[], method: ReliefMethod): TaxLot[] {
  const out = [...lots];
  switch (method) {
    case 'fifo':
    case 'specific':
      return out.sort(fifoCompare);
    case 'lifo':
      return out.sort((a, b) => fifoCompare(b, a));
    case 'hifo':
      return out.sort((a, b) => {
        const ua = a.unitCost + a.washAdjustmentPerShare;
        const ub = b.unitCost + b.washAdjustmentPerShare;
        const byCost = a.side === 'long' ? ub - ua : ua - ub;
        return byCost || fifoCompare(a, b);
      });
  }
}
