// What the WebSocket's bot topics carry (docs/api.md "WebSocket"): the `equity` snapshot each second, the
// `events` of orders and risk. The REST types come from the generated schema; these shapes are the server's
// fan-out (src/server/ws/fanout.ts), which has no OpenAPI schema of its own.
import type { BotStatus } from '../../api/types';

export type Health = BotStatus['health'];

/** The `equity` topic's snapshot (each second while the bot runs). */
export interface EquityTick {
  readonly equity: number | null;
  readonly cash: number | null;
  readonly halted: boolean;
  readonly openOrders: number;
  readonly orders: number;
  readonly fills: number;
  readonly health?: Health;
}

/** An `events` message: an order event, a risk event (breaker trip or reset, kill switch) or a strategy error. */
export interface BotEvent {
  readonly kind: string;
  readonly orderId?: string;
  readonly symbol?: string;
  readonly reason?: string | null;
  readonly riskKind?: string;
  readonly breaker?: string | null;
}

/** Order events that change the working orders. */
export const ORDER_EVENTS = new Set(['OrderSubmitted', 'OrderAccepted', 'OrderDenied', 'OrderRejected', 'OrderFilled', 'OrderCanceled', 'OrderExpired', 'OrderTriggered', 'OrderUpdated']);
