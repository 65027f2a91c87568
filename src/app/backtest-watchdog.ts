// The watchdog of `sextant backtest` with a user strategy file: strategy code runs on the main thread,
// so a strategy that never returns would hang the process for ever. A small watcher thread reads the
// strategy watch (strategy-watch.ts); when one callback has not returned for the timeout it prints what
// happened and ends the process with SIGKILL, the one way a thread can end a process whose main thread
// is stuck (the shell shows exit status 137). A backtest holds nothing that needs closing.
import { Worker } from 'node:worker_threads';
import { installStrategyWatch, uninstallStrategyWatch, WATCH_SLOTS } from './strategy-watch.ts';

export interface BacktestWatchdog {
  stop(): Promise<void>;
}

// Plain JavaScript evaluated in the watcher thread: no module loading, so it starts in milliseconds.
const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const slots = new Int32Array(workerData.buffer);
let cur = 0, entries = -1, since = Date.now();
setInterval(() => {
  const c = Atomics.load(slots, 0), e = Atomics.load(slots, 1), now = Date.now();
  if (c === 0 || c !== cur || e !== entries) { cur = c; entries = e; since = now; return; }
  if (now - since > workerData.stuckAfterMs) {
    writeSync(2, '\\nsextant backtest: error: strategy ' + workerData.strategy + ' was stopped by the watchdog: its code had not returned for ' +
      ((now - since) / 1000).toFixed(1) + ' s (limit --strategy-timeout ' + workerData.stuckAfterMs / 1000 + ' s); the backtest ends here with no result (exit status 137: killed)\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 100);
`;

/** Starts watching strategy classes loaded from now on; `strategy` names the strategy in the message. */
export function startBacktestWatchdog(strategy: string, stuckAfterMs: number): BacktestWatchdog {
  const buffer = new SharedArrayBuffer(4 * WATCH_SLOTS);
  installStrategyWatch(buffer, new Map(), () => undefined, () => undefined);
  const worker = new Worker(WATCHER, { eval: true, workerData: { buffer, stuckAfterMs, strategy } });
  worker.unref();
  return {
    async stop() {
      uninstallStrategyWatch();
      await worker.terminate();
    },
  };
}
