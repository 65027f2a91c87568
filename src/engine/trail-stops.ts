// The trigger level of each working trailing stop as the store last has it. A venue that trails a stop (the
// simulated venue after each bar) moves its level without an order event, so the live node stores a moved
// level itself, as an OrderUpdated event that carries it (store.ts, OrderEventInput.trailStop): a restart
// sends the stop again from that level (restoreOrder), not from the price at the restart.
import type { Order } from '../model/order.ts';

export class TrailStops {
  readonly #open = new Map<string, { order: Order; stored: number }>();

  /** An event of `order` is being stored: the level it carries (remembered as stored), or undefined. */
  onEvent(order: Order): number | undefined {
    if (order.type !== 'trailing-stop') return undefined;
    const level = order.stopPrice;
    const known = level !== undefined && Number.isFinite(level);
    if (order.isOpen) this.#open.set(order.id, { order, stored: known ? level : NaN });
    else this.#open.delete(order.id);
    return known ? level : undefined;
  }

  /** Working trailing stops whose level moved since it was stored; each is counted as stored now. */
  moved(): Order[] {
    const out: Order[] = [];
    if (this.#open.size === 0) return out;
    for (const [id, x] of this.#open) {
      const o = x.order;
      if (!o.isOpen) {
        this.#open.delete(id);
        continue;
      }
      const level = o.stopPrice;
      if (level === undefined || !Number.isFinite(level) || level === x.stored) continue;
      x.stored = level;
      out.push(o);
    }
    return out;
  }
}
