// Order-rate limit: at most `maxOrders` orders in any rolling window of `windowMs` of engine time
// (simulated in backtests, real in live), read from RiskView.nowMs().
import type { Order } from '../../model/order.ts';
import type { PreTradeCheck, RiskView } from '../risk-engine.ts';
import { requirePositive, requirePositiveInt } from './exposure.ts';

/**
 * Counts the orders it lets through: an order at time t is denied when `maxOrders` orders already
 * passed in (t − windowMs, t]. An order exactly `windowMs` after the oldest counted one passes.
 * Denied orders are not counted. Keep it last in the check list (riskChecksFromConfig does), so
 * that every order it counts is one that goes to the venue.
 */
export class OrderRateLimit implements PreTradeCheck {
  readonly name = 'order-rate';
  /** Times of the last `maxOrders` orders that passed, a ring. */
  readonly #times: Float64Array;
  #count = 0;
  #next = 0;

  constructor(
    readonly maxOrders: number,
    readonly windowMs: number,
  ) {
    requirePositiveInt('orderRate.maxOrders', maxOrders);
    requirePositive('orderRate.windowMs', windowMs);
    this.#times = new Float64Array(maxOrders);
  }

  check(_order: Order, _refPrice: number, view: RiskView): string | null {
    if (view.nowMs === undefined) return 'the risk view does not provide nowMs()';
    const now = view.nowMs();
    if (this.#count === this.maxOrders) {
      const oldest = this.#times[this.#next]!;
      if (now - oldest < this.windowMs) {
        return `${this.maxOrders} orders in the last ${now - oldest} ms, max ${this.maxOrders} per ${this.windowMs} ms`;
      }
    } else {
      this.#count++;
    }
    this.#times[this.#next] = now;
    this.#next = this.#next + 1 === this.maxOrders ? 0 : this.#next + 1;
    return null;
  }

  /** Orders counted in the window ending at `nowMs`. */
  countAt(nowMs: number): number {
    let n = 0;
    for (let i = 0; i < this.#count; i++) if (nowMs - this.#times[i]! < this.windowMs) n++;
    return n;
  }

  /** Forgets every counted order. */
  reset(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
