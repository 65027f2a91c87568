// Events that flow back from risk, execution and strategies. Immutable once created.
import type { Fill } from './fill.ts';
import type { OrderStatus } from './order-status.ts';

interface OrderEventBase {
  readonly orderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly tsEventMs: number;
}

export type OrderEvent =
  | (OrderEventBase & { readonly type: 'OrderSubmitted' })
  | (OrderEventBase & { readonly type: 'OrderDenied'; readonly reason: string })
  | (OrderEventBase & { readonly type: 'OrderAccepted' })
  | (OrderEventBase & { readonly type: 'OrderRejected'; readonly reason: string })
  | (OrderEventBase & { readonly type: 'OrderTriggered' })
  | (OrderEventBase & { readonly type: 'OrderUpdated' })
  | (OrderEventBase & { readonly type: 'OrderCanceled'; readonly reason: string })
  | (OrderEventBase & { readonly type: 'OrderExpired' })
  | (OrderEventBase & { readonly type: 'OrderFilled'; readonly fill: Fill; readonly status: OrderStatus });

export type OrderEventType = OrderEvent['type'];

export interface StrategyErrorEvent {
  readonly type: 'StrategyError';
  readonly strategyId: string;
  readonly tsEventMs: number;
  readonly message: string;
}

export interface RiskEvent {
  readonly type: 'RiskEvent';
  readonly kind: string;
  readonly tsEventMs: number;
  readonly reason: string;
  /** Circuit-breaker events ('breaker-tripped', 'breaker-reset'): the breaker's name. */
  readonly breaker?: string;
  /** Circuit-breaker events: what the breaker does while tripped. */
  readonly action?: 'halt' | 'reduce-only' | 'flatten';
}

export type EngineEvent = OrderEvent | StrategyErrorEvent | RiskEvent;
