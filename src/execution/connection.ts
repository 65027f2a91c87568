// A client's connection state, with one ConnectionStateChanged event per change (none when unchanged).
// Shared by the simulated venue and broker adapters so every client reports its link the same way.
import type { ConnectionState, ConnectionStateEvent } from './execution-client.ts';

export class ConnectionTracker {
  #state: ConnectionState;

  constructor(
    initial: ConnectionState,
    private readonly emit: (e: ConnectionStateEvent) => void,
  ) {
    this.#state = initial;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /** Moves to `state`; reports the change unless the state is already that. */
  set(state: ConnectionState, tsEventMs: number, reason = ''): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit({ type: 'ConnectionStateChanged', state, previous, tsEventMs, reason });
  }
}
