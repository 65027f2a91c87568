// A synchronous DuckDB read for synchronous callers (`--data store:X` goes through the synchronous
// market-data loader). DuckDB's Node API is asynchronous only, so queries run in a worker thread
// while this thread blocks in Atomics.wait; the answer is taken with receiveMessageOnPort. The worker
// (and its DuckDB) is started on first use and kept, unreferenced, for later reads of the process.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { InputError, InvariantError } from '../../core/errors.ts';

/** Generous: a cold start loads DuckDB (a second or more on a loaded machine) before reading. */
const TIMEOUT_MS = 120_000;

type WorkerReply = { ok: true; columns: Float64Array[] } | { ok: false; message: string };

interface Reader {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let reader: Reader | undefined;

function startReader(): Reader {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./read-worker.mjs', import.meta.url), { workerData: { port: port2, flag }, transferList: [port2] });
  worker.unref();
  port1.unref();
  worker.on('exit', () => {
    if (reader?.worker === worker) reader = undefined;
  });
  return { worker, port: port1, flag };
}

/** Stops the reader thread (it is unreferenced, so a process exits without this). */
export function stopSyncReader(): Promise<void> {
  const r = reader;
  reader = undefined;
  if (r === undefined) return Promise.resolve();
  r.port.close();
  return r.worker.terminate().then(() => undefined);
}

/**
 * Runs a query whose columns are all DOUBLE and returns them (NULL as NaN). A DuckDB error becomes
 * an InputError naming `source`.
 */
export function queryDoublesSync(sql: string, source: string): Float64Array[] {
  reader ??= startReader();
  const r = reader;
  Atomics.store(r.flag, 0, 0);
  r.port.postMessage({ sql });
  const state = Atomics.wait(r.flag, 0, 0, TIMEOUT_MS);
  const reply = receiveMessageOnPort(r.port)?.message as WorkerReply | undefined;
  if (reply === undefined) {
    void stopSyncReader();
    throw new InvariantError(`the warehouse reader thread did not answer (${state === 'timed-out' ? `timed out after ${TIMEOUT_MS / 1000} s` : 'no reply'})`);
  }
  if (!reply.ok) throw new InputError(reply.message, { file: source });
  return reply.columns;
}
