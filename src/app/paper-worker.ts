// The paper node's thread: runs the paper session (paper-console.ts) and reports its output to the
// supervisor. Its event loop bumps a shared heartbeat while it is free, and its strategies mark when
// their code runs (strategy-watch.ts): a strategy that never returns is how the supervisor sees it. The
// supervisor serves the control endpoint and relays each request here (control-relay.ts); commands it held
// while it replaced a stuck thread run right after the restore, before any strategy code.
import { parentPort, workerData } from 'node:worker_threads';
import type { LocalNodeHandle } from './local-node-handle.ts';
import { COMMAND_TTL_MS, type CommandReply } from './node-handle.ts';
import { runPaper } from './paper-console.ts';
import type { PaperControlHooks } from './paper.ts';
import { installStrategyWatch } from './strategy-watch.ts';
import {
  BEAT, BEAT_EVERY_MS, READY, toWire, type NodeCall, type PaperWorkerData, type SupervisorToWorker, type WorkerToSupervisor,
} from './paper-supervision.ts';

const data = workerData as PaperWorkerData;
const port = parentPort!;
const beat = new Int32Array(data.heartbeat);
const post = (m: WorkerToSupervisor): void => port.postMessage(m);
const stop = new AbortController();
let handle: LocalNodeHandle | null = null;

function answer(id: number, value: Promise<unknown>): void {
  value.then(
    (v) => post({ t: 'answer', id, value: v }),
    (e: unknown) => post({ t: 'answer', id, error: toWire(e) }),
  );
}

function run(h: LocalNodeHandle, call: NodeCall): Promise<unknown> {
  if (call.what === 'command') return h.submit(call.request);
  if (call.what === 'status') return h.status();
  return call.what === 'positions' ? h.positions() : h.orders();
}

port.on('message', (m: SupervisorToWorker) => {
  if (m.t === 'stop') stop.abort();
  else if (handle === null) post({ t: 'answer', id: m.id, error: toWire(new Error('the node is not restored yet')) });
  else answer(m.id, run(handle, m.call));
});

/** The node is restored: held commands take effect (not waiting for a flatten's fills), then the endpoint relays here. */
const control: PaperControlHooks = {
  serveEndpoint: false,
  onControl: async ({ handle: h, control: c, storeLocation }) => {
    await h.subscribe(['status', 'command'], (message) => post({ t: 'publish', message }));
    for (const p of data.pending) {
      const applied = c.nextApplied();
      // Held by the supervisor while it replaced the stuck thread: the node takes it now, so its deadline starts now.
      const reply: Promise<CommandReply> = h.submit({ ...p.request, expiresMs: Date.now() + COMMAND_TTL_MS });
      answer(p.id, reply);
      await Promise.race([applied, reply.catch(() => undefined)]);
    }
    handle = h;
    post({ t: 'control', runId: h.runId, store: storeLocation });
  },
};
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
    control,
  });
  post({ t: 'done', outcome });
} catch (e) {
  post({ t: 'fail', error: toWire(e) });
} finally {
  clearInterval(timer);
  // Nothing else keeps the thread alive: it ends once the messages above are delivered.
  port.unref();
}
