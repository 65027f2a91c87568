// An ExecutionSink to hand a client before its real sink exists: a live run connects its venue client
// and reads the account (cash, positions) before the node that will hear its reports is built. Reports
// that arrive before `attach` are kept and delivered, in order, when it is called.
import type { CommandRejectedEvent, ConnectionStateEvent, ExecutionSink } from './execution-client.ts';
import type { OrderEvent } from '../model/events.ts';
import type { Order } from '../model/order.ts';

type Held = { kind: 'order'; event: OrderEvent; order: Order } | { kind: 'connection'; event: ConnectionStateEvent } | { kind: 'rejected'; event: CommandRejectedEvent };

export class SinkRelay implements ExecutionSink {
  #target: ExecutionSink | null = null;
  readonly #held: Held[] = [];
  /** Connection changes are also told here (status line, stale-data checks), attached or not. */
  onConnection: ((e: ConnectionStateEvent) => void) | null = null;

  attach(target: ExecutionSink): void {
    this.#target = target;
    for (const h of this.#held.splice(0)) this.#deliver(h);
  }

  onOrderEvent(event: OrderEvent, order: Order): void {
    this.#pass({ kind: 'order', event, order });
  }

  onConnectionState(event: ConnectionStateEvent): void {
    this.onConnection?.(event);
    this.#pass({ kind: 'connection', event });
  }

  onCommandRejected(event: CommandRejectedEvent): void {
    this.#pass({ kind: 'rejected', event });
  }

  #pass(h: Held): void {
    if (this.#target === null) this.#held.push(h);
    else this.#deliver(h);
  }

  #deliver(h: Held): void {
    const t = this.#target!;
    if (h.kind === 'order') t.onOrderEvent(h.event, h.order);
    else if (h.kind === 'connection') t.onConnectionState?.(h.event);
    else t.onCommandRejected?.(h.event);
  }
}
