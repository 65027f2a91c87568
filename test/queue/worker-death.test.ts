// A worker killed in the middle of a job: BullMQ notices the lost lock, puts the job back, the other
// worker runs it, and the report is still the local run's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { QUEUE_PREFIX } from '../../src/research/queue-redis.ts';
import {
  comparable, obliterate, REDIS_URL, redisReachable, spawnWorker, stopWorker, uniqueQueueName, waitForWorkers, writeWalkCsv, type WorkerProcess,
} from './helpers.ts';

const reachable = await redisReachable();
if (!reachable) console.warn(`queue tests skipped: no Redis answers at ${REDIS_URL} (start one, or set SEXTANT_TEST_REDIS)`);

const dir = mkdtempSync(join(tmpdir(), 'sextant-queue-death-'));
const csv = writeWalkCsv(dir, 400, 7);
const FRAGILE = join(import.meta.dirname, 'fixtures', 'fragile.ts');

async function optimizeJson(args: string[]): Promise<Record<string, unknown>> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const err: string[] = [];
  const code = await main(['optimize', ...args, '--json', file, '--quiet'], () => {}, (s) => err.push(s));
  if (code !== 0) throw new Error(`optimize exited ${code}: ${err.join('\n')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe.skipIf(!reachable)(`a research worker dying mid-job (Redis at ${REDIS_URL})`, () => {
  const queueName = uniqueQueueName('death');
  let workers: WorkerProcess[] = [];
  const conns: Redis[] = [];

  beforeAll(async () => {
    // Short locks, so the lost job is back on the queue within seconds.
    workers = [spawnWorker(queueName, ['--lock-ms', '2500']), spawnWorker(queueName, ['--lock-ms', '2500'])];
    await waitForWorkers(queueName, 2, workers);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await obliterate(queueName);
    for (const c of conns) c.disconnect();
  });

  it('has the job retried by the other worker and still gives the local report', async () => {
    // Each set is a slow backtest (~0.1 s), one set per job.
    const args = ['--strategy', FRAGILE, '--data', `csv:${csv}`, '--space', 'n=5:16', '--param', 'work=60', '--engine', 'event'];
    const local = await optimizeJson(args);

    conns.push(new Redis(REDIS_URL, { maxRetriesPerRequest: null }), new Redis(REDIS_URL, { maxRetriesPerRequest: null }));
    const queue = new Queue(queueName, { connection: conns[0]!, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(queueName, { connection: conns[1]!, prefix: QUEUE_PREFIX });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();

    const victim = workers[0]!;
    const victimName = `${hostname()}:${victim.pid}`;
    const run = optimizeJson([...args, '--queue', REDIS_URL, '--queue-name', queueName, '--chunk', '1']);
    let killedJob: string | undefined;
    const t0 = Date.now();
    while (killedJob === undefined && Date.now() - t0 < 15_000) {
      const active = await queue.getActive();
      const mine = active.find((j) => j.processedBy === victimName && j.name === 'evaluate');
      if (mine !== undefined) {
        victim.child.kill('SIGKILL');
        killedJob = mine.id;
      } else await new Promise((r) => setTimeout(r, 10));
    }
    expect(killedJob).toBeDefined();

    const queued = await run;
    expect(comparable(queued)).toEqual(comparable(local));
    expect(stalled).toContain(killedJob);
    const q = queued.queue as { workers: Record<string, number> };
    expect(Object.keys(q.workers)).toContain(`${hostname()}:${workers[1]!.pid}`);
    await events.close();
    await queue.close();
  });
});
