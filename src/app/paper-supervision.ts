// What the paper supervisor (main thread) and the paper worker (the node's thread) say to each other.
// The node runs in a worker so that the main thread stays free to answer signals and to watch it: a
// strategy stuck in an endless loop blocks only the worker, which the main thread can then stop.
import type { PaperRequest } from './paper.ts';
import type { PaperOutcome } from './paper-console.ts';

/** Slots of the shared heartbeat array: bumped while the worker's event loop is free; 1 once trading. */
export const BEAT = 0;
export const READY = 1;
/** How often the worker's event loop bumps the beat when it is free. */
export const BEAT_EVERY_MS = 100;

export interface PaperWorkerData {
  readonly req: PaperRequest;
  readonly quiet: boolean;
  /** A terminal shows a status line redrawn in place: the worker sends every status update. */
  readonly liveStatus: boolean;
  readonly plainStatusEveryMs?: number;
  /** Int32Array slots BEAT and READY over this buffer. */
  readonly heartbeat: SharedArrayBuffer;
  /** The strategy watch (strategy-watch.ts) over this buffer. */
  readonly watch: SharedArrayBuffer;
  /** Strategies the watchdog stopped earlier in this process: id → the error they fail with at once. */
  readonly disabled: readonly (readonly [string, string])[];
}

/** An error crossing the thread boundary: enough to rebuild a ConfigError (exit 2) or say what failed. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly group?: string;
  readonly stack?: string;
}

export type WorkerToSupervisor =
  | { readonly t: 'out' | 'err' | 'status'; readonly line: string }
  | { readonly t: 'ready'; readonly runId: string }
  | { readonly t: 'strategy'; readonly id: string; readonly index: number }
  | { readonly t: 'failed'; readonly id: string; readonly message: string }
  | { readonly t: 'done'; readonly outcome: PaperOutcome }
  | { readonly t: 'fail'; readonly error: WireError };

export type SupervisorToWorker = { readonly t: 'stop' };

export function toWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const group = (err as { group?: unknown }).group;
  return { name: err.name, message: err.message, ...(typeof group === 'string' ? { group } : {}), ...(err.stack !== undefined ? { stack: err.stack } : {}) };
}
