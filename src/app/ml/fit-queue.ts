// Model fits on `sextant worker` processes (`ml evaluate|train --queue redis://...`): each FitTask becomes an
// 'ml-fit' job on the research queue, a worker runs fitModel on it (the function the worker threads run), and
// the results come back as job return values, in task order. Same transport as distributed optimize runs
// (src/research/queue-client.ts): the probe, the connection, the retries, the cleanup.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError } from '../../core/errors.ts';
import { JOB_ATTEMPTS, ResearchJobError } from '../../research/queue-client.ts';
import { bullConnection, DEFAULT_QUEUE_NAME, probeRedis, QUEUE_PREFIX, resolveQueueTarget, type QueueTarget, type ResolvedTarget } from '../../research/queue-redis.ts';
import { decodeFitResult, encodeFitTask, ML_FIT_JOB, type FitJobResult } from './fit-codec.ts';
import { defaultThreads, runFits } from './fit-pool.ts';
import type { FitResult, FitTask } from './fit.ts';

export interface FitQueueOptions {
  readonly onDone?: () => void;
  /** Something to know while waiting (no worker connected yet). */
  readonly onNotice?: (message: string) => void;
  /** Fail when no worker is connected for this long while jobs wait (default 60,000 ms). */
  readonly noWorkerMs?: number;
}

/** Where the fits ran (`queue` in the JSON reports). */
export interface FitQueueSummary {
  /** The Redis URL without its password. */
  readonly url: string;
  readonly name: string;
  readonly jobs: number;
  /** Jobs finished per worker (`host:pid`). */
  readonly workers: Record<string, number>;
}

const workerCommand = (t: ResolvedTarget): string => `sextant worker --queue ${t.display}${t.name === DEFAULT_QUEUE_NAME ? '' : ` --queue-name ${t.name}`}`;

/** Fits every task on the queue's workers. Unreachable Redis: ConfigError naming --queue. */
export async function runFitsOnQueue(tasks: readonly FitTask[], q: QueueTarget, o: FitQueueOptions = {}): Promise<{ results: FitResult[]; queue: FitQueueSummary }> {
  const target = resolveQueueTarget(q);
  const probe = await probeRedis(target);
  let lastEventId: string;
  try {
    const last = (await probe.xrevrange(`${QUEUE_PREFIX}:${target.name}:events`, '+', '-', 'COUNT', 1)) as [string, string[]][];
    lastEventId = last[0]?.[0] ?? '0-0';
  } finally {
    probe.disconnect();
  }
  const runId = randomUUID();
  const connections: Redis[] = [bullConnection(target.url), bullConnection(target.url)];
  for (const c of connections) c.on('error', () => {});
  const queue = new Queue(target.name, { connection: connections[0]!, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  // Listen from the last event before any job of ours exists, so no completion can be missed.
  const events = new QueueEvents(target.name, { connection: connections[1]!, prefix: QUEUE_PREFIX, lastEventId });
  events.on('error', () => {});
  const ids = tasks.map((_, i) => `${ML_FIT_JOB}-${runId}-${i + 1}`);
  const pending = new Set(ids);
  const results = new Array<FitResult>(tasks.length);
  const byWorker = new Map<string, number>();
  let watchdog: NodeJS.Timeout | undefined;
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const done = new Promise<void>((resolve, reject) => {
      const index = new Map(ids.map((id, i) => [id, i]));
      const finish = (): void => {
        if (pending.size === 0) resolve();
      };
      if (tasks.length === 0) resolve();
      events.on('completed', ({ jobId, returnvalue }) => {
        const i = index.get(jobId);
        if (i === undefined || !pending.has(jobId)) return;
        try {
          const r = returnvalue as unknown as FitJobResult;
          results[i] = decodeFitResult(r);
          byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1);
        } catch (e) {
          reject(e as Error);
          return;
        }
        pending.delete(jobId);
        o.onDone?.();
        finish();
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const i = index.get(jobId);
        if (i === undefined || !pending.has(jobId)) return;
        const t = tasks[i]!;
        const m = /^\[worker ([^\]]+)\] ([\s\S]*)$/.exec(failedReason);
        const what = `ml fit ${jobId} (${t.kind}, rows ${t.scoreFrom}-${t.scoreTo})`;
        reject(new ResearchJobError(m === null ? `${what} failed: ${failedReason}` : `${what} failed on worker ${m[1]}: ${m[2]}`, jobId, []));
      });
      // No worker for noWorkerMs while jobs wait: say so instead of waiting forever.
      const limit = o.noWorkerMs ?? 60_000;
      let since = Date.now();
      watchdog = setInterval(() => {
        queue.getWorkersCount().then((n) => {
          if (n > 0) since = Date.now();
          else if (Date.now() - since >= limit) {
            reject(new ConfigError(`no worker served queue "${target.name}" at ${target.display} for ${limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${limit} ms`}; start one: ${workerCommand(target)}`, { field: '--queue' }));
          }
        }, () => {});
      }, Math.min(1000, Math.max(50, limit / 4)));
    });
    done.catch(() => {});
    if ((await queue.getWorkersCount()) === 0) o.onNotice?.(`no worker is connected to queue "${target.name}" at ${target.display} yet; the fits wait until one starts: ${workerCommand(target)}`);
    await queue.addBulk(tasks.map((t, i) => ({
      name: ML_FIT_JOB, data: encodeFitTask(t, runId), opts: { jobId: ids[i]!, attempts: JOB_ATTEMPTS, removeOnComplete: true, removeOnFail: { age: 3600 } },
    })));
    await done;
    const workers = Object.fromEntries([...byWorker].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { results, queue: { url: target.display, name: target.name, jobs: tasks.length, workers } };
  } finally {
    clearInterval(watchdog);
    // After a failure or an interruption: the jobs no worker took yet are removed.
    await Promise.allSettled([...pending].map((id) => queue.remove(id)));
    await Promise.allSettled([events.close(), queue.close()]);
    for (const c of connections) c.disconnect();
  }
}

export interface FitPlacement {
  /** Worker threads of a local run (default: the machine's cores; 0 = in process). */
  readonly threads?: number;
  /** Run the fits on the queue's workers instead. */
  readonly queue?: QueueTarget;
  readonly onNotice?: (message: string) => void;
  readonly noWorkerMs?: number;
}

/** The fits, in task order, on local threads or on the queue; `threads` is 0 when queued. */
export async function fitAll(tasks: readonly FitTask[], where: FitPlacement, onDone: () => void): Promise<{ results: FitResult[]; threads: number; queue: FitQueueSummary | null }> {
  if (where.queue === undefined) {
    const threads = Math.max(0, Math.floor(where.threads ?? defaultThreads()));
    return { results: await runFits(tasks, threads, onDone), threads, queue: null };
  }
  if (where.threads !== undefined) throw new ConfigError('--threads sets the threads of a local run; with --queue give it to `sextant worker`', { field: '--threads' });
  const { results, queue } = await runFitsOnQueue(tasks, where.queue, { onDone, onNotice: where.onNotice, noWorkerMs: where.noWorkerMs });
  return { results, threads: 0, queue };
}
