// The paper node's thread: runs the paper session (paper-console.ts) and reports its output to the
// supervisor. Its event loop bumps a shared heartbeat while it is free, and its strategies mark when
// their code runs (strategy-watch.ts): a strategy that never returns is how the supervisor sees it.
import { parentPort, workerData } from 'node:worker_threads';
import { runPaper } from './paper-console.ts';
import { installStrategyWatch } from './strategy-watch.ts';
import { BEAT, BEAT_EVERY_MS, READY, toWire, type PaperWorkerData, type SupervisorToWorker, type WorkerToSupervisor } from './paper-supervision.ts';

const data = workerData as PaperWorkerData;
const port = parentPort!;
const beat = new Int32Array(data.heartbeat);
const post = (m: WorkerToSupervisor): void => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: SupervisorToWorker) => {
  if (m.t === 'stop') stop.abort();
});
installStrategyWatch(
  data.watch,
  new Map(data.disabled),
  (id, index) => post({ t: 'strategy', id, index }),
  (id, message) => post({ t: 'failed', id, message }),
);
const timer = setInterval(() => Atomics.add(beat, BEAT, 1), BEAT_EVERY_MS);
try {
  const outcome = await runPaper(data.req, {
    out: (line) => post({ t: 'out', line }),
    err: (line) => post({ t: 'err', line }),
    ...(data.liveStatus ? { status: (line: string) => post({ t: 'status', line }) } : {}),
    ...(data.plainStatusEveryMs !== undefined ? { plainStatusEveryMs: data.plainStatusEveryMs } : {}),
    quiet: data.quiet,
    // Signals and the npm/npx parent reach the main thread only: the supervisor passes them on as `stop`.
    signals: false,
    onReady: (runId) => {
      Atomics.store(beat, READY, 1);
      post({ t: 'ready', runId });
    },
    stop: stop.signal,
  });
  post({ t: 'done', outcome });
} catch (e) {
  post({ t: 'fail', error: toWire(e) });
} finally {
  clearInterval(timer);
  // Nothing else keeps the thread alive: it ends once the messages above are delivered.
  port.unref();
}
