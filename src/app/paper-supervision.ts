// What the paper supervisor (main thread) and the paper worker (the node's thread) say to each other.
// The node runs in a worker so that the main thread stays free to answer signals and to watch it: a
// strategy stuck in an endless loop blocks only the worker, which the main thread can then stop.
import { ConfigError, InputError, ReconciliationError } from '../core/errors.ts';
import type { CommandRequest, NodeMessage } from './node-handle.ts';
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
  /**
   * Operator commands that found the previous node thread stuck in strategy code: the node restarted for
   * them runs each right after its restore, before any strategy code runs again, and answers it as `id`.
   */
  readonly pending: readonly PendingCommand[];
}

/** A command the supervisor holds for the node (in memory only: it never outlives this process). */
export interface PendingCommand {
  readonly id: number;
  readonly request: CommandRequest;
}

/** What the supervisor's control endpoint asks of the node's thread (control-relay.ts). */
export type NodeCall =
  | { readonly what: 'status' | 'positions' | 'orders' }
  | { readonly what: 'command'; readonly request: CommandRequest };

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
  /** The node's control handle exists (restored, before trading): the endpoint can relay to it. */
  | { readonly t: 'control'; readonly runId: string; readonly store: string }
  /** The answer to call `id` (a value, or the error it failed with). */
  | { readonly t: 'answer'; readonly id: number; readonly value?: unknown; readonly error?: WireError }
  /** Each status (every second) and each finished command, for the endpoint's subscribers. */
  | { readonly t: 'publish'; readonly message: NodeMessage }
  | { readonly t: 'strategy'; readonly id: string; readonly index: number }
  | { readonly t: 'failed'; readonly id: string; readonly message: string }
  | { readonly t: 'done'; readonly outcome: PaperOutcome }
  | { readonly t: 'fail'; readonly error: WireError };

export type SupervisorToWorker =
  | { readonly t: 'stop' }
  | { readonly t: 'call'; readonly id: number; readonly call: NodeCall };

export function toWire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const group = (err as { group?: unknown }).group;
  return { name: err.name, message: err.message, ...(typeof group === 'string' ? { group } : {}), ...(err.stack !== undefined ? { stack: err.stack } : {}) };
}

/** A user error from the worker stays a user error here (exit 2); anything else keeps its message and stack. */
export function fromWire(w: WireError): Error {
  if (w.group === 'config') return new ConfigError(w.message);
  if (w.group === 'input') return new InputError(w.message);
  if (w.group === 'reconciliation') return new ReconciliationError('', [], w.message);
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}
