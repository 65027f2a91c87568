// The ExecutionClient port: the simulated venue in backtests and paper trading, a broker adapter live.
import type { Order } from '../model/order.ts';
import type { OrderEvent } from '../model/events.ts';

export interface ExecutionClient {
  /** Sends a new order (already risk-checked). Events come back through the sink. */
  submit(order: Order, nowMs: number): void;
  /** Asks to cancel a working order. */
  cancel(orderId: string, nowMs: number, reason?: string): void;
}

/** Where a client reports what happened to orders. */
export interface ExecutionSink {
  onOrderEvent(event: OrderEvent, order: Order): void;
}
