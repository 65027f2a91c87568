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
  /** Maker (resting limit) or taker (crossed the spread). */
  readonly liquidity: 'maker' | 'taker';
  readonly tsEventMs: number;
}
