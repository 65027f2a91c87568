// A fill: an execution of part or all of an order at one price.
import type { OrderSide } from './order.ts';

export interface Fill {
  readonly orderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  /**
   * The fee as the venue charged it when that was not in the account currency (Binance: the base asset of a
   * buy, or BNB): `commissionQty` units of `commissionAsset`; `commission` is its value in the account currency.
   */
  readonly commissionAsset?: string;
  readonly commissionQty?: number;
  /** Maker (resting limit) or taker (crossed the spread). */
  readonly liquidity: 'maker' | 'taker';
  readonly tsEventMs: number;
}
