// `sextant paper` under supervision: the node runs in a worker thread (paper-worker.ts) and this, the
// main thread, stays free whatever strategy code does. It passes SIGINT/SIGTERM and a vanished npm/npx
// parent on as a graceful stop, and it is the watchdog over strategy code: a strategy whose callback has
// not returned for the timeout gets its node's thread terminated (the store is then exactly as after a
// kill -9, which the crash tests show loses and duplicates nothing), the locks that thread held in this
// process are released, and the node restarts on the same run with that strategy stopped (its first
// callback fails, so it is reported like any failed strategy) while the other strategies trade on.
// It also serves the node's control endpoint (control-relay.ts): an operator command that finds a strategy
// callback running for OPERATOR_WAIT_MS gets the same treatment at once, and the restarted node runs the
// command right after its restore, before any strategy code, and answers it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LOCK_FILE } from '../store/safety.ts';
import { serveControl, type ControlEndpoint } from './control-endpoint.ts';
import { ControlRelay, type NodeThreadState } from './control-relay.ts';
import type { PaperRequest } from './paper.ts';
import { DEFAULT_STATE_DIR, SUPERVISOR_FILE } from './state-dir.ts';
import type { PaperConsole, PaperOutcome } from './paper-console.ts';
import { shouldWatchParent, watchParent } from './parent-guard.ts';
import {
  BEAT, fromWire, type PaperWorkerData, type PendingCommand, type SupervisorToWorker, type WorkerToSupervisor,
} from './paper-supervision.ts';
import { CURRENT, ENTRIES, WATCH_SLOTS } from './strategy-watch.ts';

export interface SupervisionOptions {
  /** A strategy callback that has not returned for this long is stuck (the watchdog's budget). */
  readonly stuckAfterMs: number;
  /** After a stop request, a node thread that neither ends nor comes back to its event loop for this long is terminated (default 5 s, at most stuckAfterMs). */
  readonly stopGraceMs?: number;
  /** How often the watch is checked (default 100 ms). */
  readonly checkEveryMs?: number;
}

export { DEFAULT_STRATEGY_TIMEOUT_SEC } from './strategy-watch.ts';
/**
 * An operator command (kill, halt, ...) waits at most this long for a strategy callback to return (or the
 * watchdog's budget, if shorter); then the callback counts as stuck and the node is restarted to run the command.
 */
export const OPERATOR_WAIT_MS = 2000;
/** A strategy callback running this long makes the endpoint answer queries from the node's last status. */
const BUSY_MS = 1000;

/** The compiled worker in dist/, or the boot file that registers tsx when running from the sources. */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./paper-worker-boot.mjs', import.meta.url) : new URL('./paper-worker.js', import.meta.url);
}

/** Removes a lock or pid file left by a terminated worker (it holds this process's pid). */
function releaseIfOurs(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
  } catch {
    // absent: nothing to release
  }
}

/** How one worker ended: its result, or that the watchdog (or an operator's command) stopped it, and which strategy. */
type WorkerEnd =
  | { readonly kind: 'done'; readonly outcome: PaperOutcome }
  | { readonly kind: 'stuck'; readonly strategyId: string; readonly why: string; readonly runId: string | null; readonly failed: ReadonlyMap<string, string> }
  | { readonly kind: 'terminated' };

/** The control endpoint of a supervised session: served from the first restored node on, over every node thread. */
class SupervisedControl {
  relay: ControlRelay | null = null;
  #endpoint: Promise<ControlEndpoint | null> | null = null;
  readonly #stateDir: string;
  readonly #io: PaperConsole;

  constructor(stateDir: string, io: PaperConsole) {
    this.#stateDir = stateDir;
    this.#io = io;
  }

  /** A node thread is restored and takes calls. */
  attach(runId: string, store: string, send: (m: SupervisorToWorker) => void): void {
    const relay = (this.relay ??= new ControlRelay(runId, (t) => this.#noteThread(t)));
    this.#endpoint ??= serveControl(relay, this.#stateDir, store).catch((e: unknown) => {
      this.#io.err(`warning: no control endpoint (sextant kill cannot reach this node): ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    relay.attach(send);
  }

  #noted: { state: string; atMs: number } | null = null;

  /**
   * Why the node's thread cannot answer, for `sextant status` (which reads files, not the endpoint): written to
   * SUPERVISOR_FILE when it starts or changes, then at most once a second (its message counts the seconds), and
   * removed once the thread answers again.
   */
  #noteThread(t: NodeThreadState | null): void {
    const path = join(this.#stateDir, SUPERVISOR_FILE);
    if (t === null) {
      this.#noted = null;
      rmSync(path, { force: true });
      return;
    }
    const now = Date.now();
    if (this.#noted !== null && this.#noted.state === t.state && now - this.#noted.atMs < 1000) return;
    this.#noted = { state: t.state, atMs: now };
    try {
      writeFileSync(path, JSON.stringify({ ...t, pid: process.pid, writtenMs: now }));
    } catch {
      // A state folder that cannot be written: only the status command's note is lost.
    }
  }

  /** The session ends: whatever waits fails with `why`, the endpoint closes and its file goes. */
  async close(why: string): Promise<void> {
    this.relay?.close(why);
    this.#noteThread(null);
    await (await this.#endpoint)?.close();
  }
}

/** Runs a paper session in a supervised worker thread; resolves as runPaper would. */
export async function supervisePaper(req: PaperRequest, io: PaperConsole, opts: SupervisionOptions): Promise<PaperOutcome> {
  const disabled = new Map<string, string>();
  const stop = new AbortController();
  const onSignal = (): void => {
    // A second Ctrl-C stops at once, as a kill -9 would (safe for the store).
    if (stop.signal.aborted) forceStop.abort();
    else stop.abort();
  };
  const forceStop = new AbortController();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const parent = io.signals !== false && shouldWatchParent()
    ? watchParent((why) => {
        if (stop.signal.aborted) return;
        io.err(`stopping: ${why} (npm/npx was killed); the run stops gracefully and releases its lock`);
        stop.abort();
      })
    : undefined;
  const startedMs = Date.now();
  const ctl = new SupervisedControl(req.stateDir ?? DEFAULT_STATE_DIR, io);
  let current = req;
  let pending: PendingCommand[] = [];
  let ended = 'the node stopped';
  try {
    for (;;) {
      const end = await runWorker(current, io, opts, disabled, pending, ctl, stop.signal, forceStop.signal);
      // A strategy this supervisor stopped failed, even when the node it restarted never ran it (stopped first).
      if (end.kind === 'done') return disabled.size > 0 ? 'failed' : end.outcome;
      if (end.kind === 'terminated') return 'failed';
      disabled.set(end.strategyId, end.why);
      for (const [id, message] of end.failed) disabled.set(id, message);
      ctl.relay?.detach({ state: 'restarting', message: `${end.why}; the node is restarting on run "${end.runId ?? '?'}" without it` });
      pending = ctl.relay?.pending() ?? [];
      const strategies = req.strategies.length;
      const commands = pending.map((p) => p.request.kind).join(', ');
      if (end.runId === null || stop.signal.aborted || (disabled.size >= strategies && pending.length === 0)) {
        ended = `the node stopped: ${end.why}`;
        io.err(`error: ${end.why}; no strategy is left to trade, so the run stops (the next start resumes it)`);
        return 'failed';
      }
      io.err(pending.length === 0
        ? `error: ${end.why}; the node restarts on run "${end.runId}" with that strategy stopped, the others trade on`
        : `error: ${end.why}; the node restarts on run "${end.runId}" with that strategy stopped and runs the operator's ${commands} before any strategy code`);
      const left = current.durationSec === undefined ? undefined : Math.max(0.001, current.durationSec - (Date.now() - startedMs) / 1000);
      current = { ...current, runId: end.runId, ...(left !== undefined ? { durationSec: left } : {}) };
    }
  } catch (e) {
    ended = `the node failed: ${e instanceof Error ? e.message : String(e)}`;
    throw e;
  } finally {
    parent?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctl.close(`${ended}; it takes no more commands`);
  }
}

function runWorker(
  req: PaperRequest, io: PaperConsole, opts: SupervisionOptions, disabled: ReadonlyMap<string, string>, pending: readonly PendingCommand[], ctl: SupervisedControl,
  stop: AbortSignal, forceStop: AbortSignal,
): Promise<WorkerEnd> {
  const heartbeat = new SharedArrayBuffer(8);
  const watchBuffer = new SharedArrayBuffer(4 * WATCH_SLOTS);
  const beat = new Int32Array(heartbeat);
  const watch = new Int32Array(watchBuffer);
  const data: PaperWorkerData = {
    req,
    quiet: io.quiet === true,
    liveStatus: io.status !== undefined,
    ...(io.plainStatusEveryMs !== undefined ? { plainStatusEveryMs: io.plainStatusEveryMs } : {}),
    heartbeat,
    watch: watchBuffer,
    disabled: [...disabled],
    pending,
  };
  const worker = new Worker(workerUrl(), { workerData: data });
  ctl.relay?.handedOver(pending.map((p) => p.id));
  /** Restored, and its calls relayed (the control endpoint speaks to this thread). */
  let attached = false;
  const send = (m: SupervisorToWorker): void => worker.postMessage(m);
  const stateDir = req.stateDir ?? DEFAULT_STATE_DIR;
  const ids: string[] = [];
  let runId: string | null = null;
  /** Strategies that threw in this worker: they stay stopped if the node restarts. */
  const failedHere = new Map<string, string>();

  return new Promise<WorkerEnd>((resolve, reject) => {
    let settled = false;
    let terminating: WorkerEnd | null = null;
    let stopRequestedMs: number | null = null;
    let lastBeat = Atomics.load(beat, BEAT);
    let lastBeatMs = Date.now();
    let lastEntries = -1;
    let lastCurrent = 0;
    let inCallbackSinceMs = Date.now();

    const releaseLocks = (): void => {
      releaseIfOurs(join(stateDir, 'db', LOCK_FILE));
      releaseIfOurs(join(stateDir, 'paper.pid'));
    };
    const finish = (end: WorkerEnd | Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      stop.removeEventListener('abort', onStop);
      forceStop.removeEventListener('abort', onForce);
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    const terminate = (end: WorkerEnd, message?: string): void => {
      if (settled || terminating !== null) return;
      terminating = end;
      if (message !== undefined) io.err(message);
      void worker.terminate();
    };
    const onStop = (): void => {
      stopRequestedMs = Date.now();
      send({ t: 'stop' });
    };
    const onForce = (): void => terminate({ kind: 'terminated' }, 'error: stopped at once on a second interrupt; the store is as after a crash (nothing lost or duplicated): the next start resumes the run');
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    forceStop.addEventListener('abort', onForce, { once: true });

    worker.on('message', (m: WorkerToSupervisor) => {
      switch (m.t) {
        case 'out': io.out(m.line); break;
        case 'err': io.err(m.line); break;
        case 'status': io.status?.(m.line); break;
        case 'ready': runId = m.runId; break;
        case 'control':
          runId = m.runId;
          attached = true;
          ctl.attach(m.runId, m.store, send);
          break;
        case 'answer': ctl.relay?.answer(m.id, m.value, m.error); break;
        case 'publish': ctl.relay?.publish(m.message); break;
        case 'strategy': ids[m.index] = m.id; break;
        case 'failed': if (!disabled.has(m.id)) failedHere.set(m.id, m.message); break;
        case 'done': finish({ kind: 'done', outcome: m.outcome }); break;
        case 'fail': finish(fromWire(m.error)); break;
      }
    });
    // An uncaught error or a heap overflow of the worker.
    worker.on('error', (e) => {
      io.err(`error: the paper node failed: ${e.message}`);
      releaseLocks();
      finish({ kind: 'terminated' });
    });
    // Once the thread is gone (terminated, or ended), the locks it held in this process go too.
    worker.on('exit', (code) => {
      if (settled) return;
      releaseLocks();
      if (terminating !== null) finish(terminating);
      else finish(new Error(`the paper node ended without a result (exit code ${code})`));
    });

    const graceMs = opts.stopGraceMs ?? Math.min(opts.stuckAfterMs, 5000);
    const timer = setInterval(() => {
      const now = Date.now();
      const b = Atomics.load(beat, BEAT);
      if (b !== lastBeat) {
        lastBeat = b;
        lastBeatMs = now;
      }
      const cur = Atomics.load(watch, CURRENT);
      const entries = Atomics.load(watch, ENTRIES);
      if (cur === 0 || cur !== lastCurrent || entries !== lastEntries) {
        lastCurrent = cur;
        lastEntries = entries;
        inCallbackSinceMs = now;
      }
      const inCallbackMs = cur === 0 ? 0 : now - inCallbackSinceMs;
      const id = ids[cur - 1] ?? `#${cur}`;
      const relay = attached ? ctl.relay : null;
      relay?.setThreadState(inCallbackMs >= BUSY_MS ? { state: 'stuck', message: `strategy ${id} has not returned from its code for ${(inCallbackMs / 1000).toFixed(1)} s` } : null);
      if (inCallbackMs > opts.stuckAfterMs) {
        const why = `strategy ${id} was stopped by the watchdog: its code had not returned for ${(inCallbackMs / 1000).toFixed(1)} s (limit --strategy-timeout ${opts.stuckAfterMs / 1000} s)`;
        terminate({ kind: 'stuck', strategyId: id, why, runId, failed: failedHere });
      } else if (relay?.commandWaiting() === true && inCallbackMs >= Math.min(OPERATOR_WAIT_MS, opts.stuckAfterMs) && !stop.aborted) {
        // An operator's command cannot wait for the watchdog: the stuck thread goes now, the restarted node runs it.
        const why = `strategy ${id} was stopped: its code had not returned for ${(inCallbackMs / 1000).toFixed(1)} s when an operator command came (a command waits at most ${Math.min(OPERATOR_WAIT_MS, opts.stuckAfterMs) / 1000} s for strategy code)`;
        terminate({ kind: 'stuck', strategyId: id, why, runId, failed: failedHere });
      } else if (stopRequestedMs !== null && now - stopRequestedMs > graceMs && now - lastBeatMs > graceMs) {
        terminate({ kind: 'terminated' }, `error: the node did not stop within ${(graceMs / 1000).toFixed(1)} s of the stop request (its thread is busy); it was stopped. The store is as after a crash (nothing lost or duplicated): the next start resumes the run`);
      }
    }, opts.checkEveryMs ?? 100);
  });
}
