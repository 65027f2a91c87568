// Implementation shortfall (Perold 1988) of a parent order, split into delay, trading (impact),
// opportunity cost and fees. A cost is positive.
import { InputError } from '../../core/errors.ts';
import type { OrderSide } from '../../model/order.ts';
import type { ExecReport } from './types.ts';

export interface ShortfallInput {
  readonly side: OrderSide;
  /** X: the quantity decided. */
  readonly orderQty: number;
  /** x: the quantity executed (0 <= x <= X). */
  readonly filledQty: number;
  /** Average execution price of the x executed (ignored when x = 0). */
  readonly avgPrice: number;
  /** P_d: price when the decision was made (the paper portfolio's price). */
  readonly decisionPrice: number;
  /** P_0: price when the order reached the market; default the decision price (no delay). */
  readonly arrivalPrice?: number;
  /** P_end: price when execution ended, for the unexecuted part; needed when x < X. */
  readonly endPrice?: number;
  /** Commissions and fees paid, in currency. Default 0. */
  readonly fees?: number;
  /** Contract multiplier. Default 1. */
  readonly multiplier?: number;
}

export interface ShortfallComponent {
  readonly amount: number;
  readonly bps: number;
}

export interface ShortfallResult {
  /** s x (P_0 - P_d) x x: the market moved between decision and arrival. */
  readonly delay: ShortfallComponent;
  /** s x (avg - P_0) x x: impact and timing while trading. */
  readonly trading: ShortfallComponent;
  /** s x (P_end - P_d) x (X - x): what the unexecuted part missed. */
  readonly opportunity: ShortfallComponent;
  readonly fees: ShortfallComponent;
  readonly total: ShortfallComponent;
  /** X x P_d x multiplier: the base of the bps figures. */
  readonly paperNotional: number;
}

/** Implementation shortfall in currency and in bps of the paper notional X x P_d; s = +1 buy, -1 sell. */
export function implementationShortfall(input: ShortfallInput): ShortfallResult {
  const { orderQty: X, filledQty: x, decisionPrice: pd } = input;
  const m = input.multiplier ?? 1;
  const p0 = input.arrivalPrice ?? pd;
  const fees = input.fees ?? 0;
  if (!(X > 0)) throw new InputError(`order quantity must be > 0, got ${X}`, { field: 'orderQty' });
  if (!(x >= 0 && x <= X * (1 + 1e-12))) throw new InputError(`filled quantity must be in [0, ${X}], got ${x}`, { field: 'filledQty' });
  if (!(pd > 0)) throw new InputError(`decision price must be > 0, got ${pd}`, { field: 'decisionPrice' });
  if (!(p0 > 0)) throw new InputError(`arrival price must be > 0, got ${p0}`, { field: 'arrivalPrice' });
  if (x > 0 && !(input.avgPrice > 0)) throw new InputError(`average execution price must be > 0, got ${input.avgPrice}`, { field: 'avgPrice' });
  const unfilled = Math.max(0, X - x);
  if (unfilled > 0 && !(input.endPrice !== undefined && input.endPrice > 0)) throw new InputError('an order not fully executed needs an end price for its opportunity cost', { field: 'endPrice' });
  if (!(fees >= 0) || !Number.isFinite(fees)) throw new InputError(`fees must be >= 0, got ${fees}`, { field: 'fees' });
  const s = input.side === 'buy' ? 1 : -1;
  const paperNotional = X * pd * m;
  const part = (amount: number): ShortfallComponent => ({ amount, bps: (amount / paperNotional) * 10_000 });
  const delay = x > 0 ? s * (p0 - pd) * x * m : 0;
  const trading = x > 0 ? s * (input.avgPrice - p0) * x * m : 0;
  const opportunity = unfilled > 0 ? s * (input.endPrice! - pd) * unfilled * m : 0;
  return {
    delay: part(delay),
    trading: part(trading),
    opportunity: part(opportunity),
    fees: part(fees),
    total: part(delay + trading + opportunity + fees),
    paperNotional,
  };
}

/** Shortfall of an algorithm's report against the given prices. */
export function reportShortfall(
  report: ExecReport,
  prices: { readonly decisionPrice: number; readonly arrivalPrice?: number; readonly endPrice?: number; readonly fees?: number; readonly multiplier?: number },
): ShortfallResult {
  return implementationShortfall({
    side: report.parent.side, orderQty: report.parent.qty, filledQty: report.filledQty, avgPrice: report.avgPrice, ...prices,
  });
}
