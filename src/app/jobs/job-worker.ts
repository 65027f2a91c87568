// One research job in its own worker thread: the engine runs synchronously for as long as the job takes,
// so it must not run on the server's event loop; canceling a job terminates its thread. Progress is posted
// at most every PROGRESS_MS; the result is posted as the `--json` text (and, for a backtest, its tearsheet).
import { parentPort, workerData } from 'node:worker_threads';
import { SextantError } from '../../core/errors.ts';
import { runBacktest, type BacktestRequest } from '../backtest.ts';
import { renderBacktestReport } from '../report.ts';
import { runOptimize, runWalkForward, type OptimizeRequest, type WalkForwardRequest } from '../research.ts';
import { recordBacktest } from '../warehouse.ts';
import type { JobKind } from './job-request.ts';

export interface JobWorkerData {
  readonly kind: JobKind;
  readonly request: BacktestRequest | OptimizeRequest | WalkForwardRequest;
  /** Backtests: record the run in the warehouse (`--save`). */
  readonly save: boolean;
  /** The server's warehouse (this thread's own copy of the environment points at it). */
  readonly warehouseDir: string;
}

export type JobWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly message: string }
  | { readonly type: 'result'; readonly json: string; readonly html: string | null; readonly savedRunId: string | null }
  | { readonly type: 'error'; readonly group: string | null; readonly message: string; readonly field: string | null };

const PROGRESS_MS = 100;

const port = parentPort!;
const data = workerData as JobWorkerData;
process.env.SEXTANT_WAREHOUSE = data.warehouseDir;
const post = (m: JobWorkerMessage): void => port.postMessage(m);

let lastMs = 0;
const progress = (unit: string) => (done: number, total: number): void => {
  const now = Date.now();
  if (done < total && now - lastMs < PROGRESS_MS) return;
  lastMs = now;
  post({ type: 'progress', done, total, message: `${Math.floor(done)} of ${total} ${unit}` });
};

async function run(): Promise<void> {
  if (data.kind === 'backtest') {
    const report = await runBacktest(data.request as BacktestRequest, { onProgress: progress('bars') });
    // The `--json` document (lazy parts built here, in this thread).
    const json = JSON.stringify(report);
    const html = renderBacktestReport(report);
    const saved = data.save ? await recordBacktest(report) : null;
    post({ type: 'result', json, html, savedRunId: saved?.runId ?? null });
    return;
  }
  const result = data.kind === 'optimize'
    ? await runOptimize(data.request as OptimizeRequest, { onProgress: progress('parameter sets') })
    : await runWalkForward(data.request as WalkForwardRequest, { onProgress: progress('folds') });
  post({ type: 'result', json: JSON.stringify(result), html: null, savedRunId: null });
}

run().catch((e: unknown) => {
  const where = (e as { where?: { field?: string } }).where;
  post({
    type: 'error', group: e instanceof SextantError ? e.group : null, message: e instanceof Error ? e.message : String(e), field: where?.field ?? null,
  });
});
