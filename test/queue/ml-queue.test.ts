// Model fits over the research queue (`ml evaluate|train --queue`): the wire codec keeps every value of a fit
// task and a fit result; an in-process `sextant worker` (startResearchWorker) on the Redis at 127.0.0.1:6379
// fits them with the function the worker threads run, so the queued reports equal the local ones value for
// value; a fit that throws, a queue nobody serves and an unreachable Redis fail with a message naming them.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResearchWorker, type ResearchWorker } from '../../src/app/queue.ts';
import { buildDataset, featureSpecOf } from '../../src/app/ml/dataset.ts';
import { decodeFitResult, decodeFitTask, encodeFitResult, encodeFitTask } from '../../src/app/ml/fit-codec.ts';
import { runFitsOnQueue } from '../../src/app/ml/fit-queue.ts';
import { fitModel, type FitTask } from '../../src/app/ml/fit.ts';
import { main } from '../../src/cli/main.ts';
import { ResearchJobError } from '../../src/research/queue-client.ts';
import type { Wire } from '../../src/research/queue-codec.ts';
import { randomWalk } from '../helpers/bars.ts';
import { obliterate, REDIS_URL, redisReachable, uniqueQueueName, writeWalkCsv } from './helpers.ts';

const reachable = await redisReachable();
const mustHaveRedis = process.env.CI === 'true';
if (!reachable && !mustHaveRedis) console.warn(`ml queue tests skipped: no Redis answers at ${REDIS_URL} (start one, or set SEXTANT_TEST_REDIS)`);

const dir = mkdtempSync(join(tmpdir(), 'sextant-ml-queue-'));
const csv = writeWalkCsv(dir, 600, 17);

const series = randomWalk(400, 9);
const data = buildDataset(series, featureSpecOf({ features: { returns: [1, 3], momentum: [10] } }, [series]), { kind: 'direction', horizon: 1 });
function task(kind: 'logistic' | 'gbdt', t: number, trainRows = t - 21): FitTask {
  const d = data;
  return {
    kind, seed: 3, names: d.matrix.names, cols: d.matrix.cols, values: d.matrix.values, time: d.matrix.time, y: d.labels.y, end: d.labels.end, weight: d.labels.weight,
    train: Int32Array.from({ length: trainRows }, (_, k) => 20 + k), fitFrom: 20, fitTo: t, scoreFrom: t, scoreTo: t + 60, importance: true,
  };
}
/** Through JSON, as BullMQ stores job data and return values. */
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('the ml-fit wire codec', () => {
  it('keeps a task (up to its last scored row) and its fit bit for bit', async () => {
    const t = task('gbdt', 250);
    const back = decodeFitTask(viaJson(encodeFitTask(t, 'run')).task);
    const rows = t.scoreTo;
    expect(back.values).toEqual(t.values.slice(0, rows * t.cols));
    // The feature warm-up rows are NaN and survive as NaN.
    expect(Number.isNaN(back.values[0]!)).toBe(true);
    expect(back.y).toEqual(t.y.slice(0, rows));
    expect(back.end).toEqual(t.end.slice(0, rows));
    expect(back.train).toEqual(t.train);
    expect({ ...back, values: 0, time: 0, y: 0, end: 0, weight: 0, train: 0 }).toEqual({ ...t, names: [...t.names], values: 0, time: 0, y: 0, end: 0, weight: 0, train: 0 });
    const [a, b] = [await fitModel(t), await fitModel(back)];
    const r = decodeFitResult(viaJson(encodeFitResult(a, 'w:1')));
    // NaN scores (rows with an undefined feature) are kept too.
    expect(Array.from(r.scores)).toEqual(Array.from(a.scores));
    expect({ ...r, seconds: 0 }).toEqual({ ...a, seconds: 0 });
    expect({ ...b, seconds: 0 }).toEqual({ ...a, seconds: 0 });
  });

  it('refuses a corrupt task', () => {
    expect(() => decodeFitTask({ kind: 'forest' } as Wire)).toThrow(/no model kind/);
    const w = encodeFitTask(task('logistic', 250), 'run').task as Record<string, Wire>;
    expect(() => decodeFitTask({ ...w, y: [1, 2] })).toThrow(/y is not an array/);
  });
});

async function cli(args: string[]): Promise<{ code: number; err: string; json: Record<string, unknown> }> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const err: string[] = [];
  const code = await main([...args, '--json', file], () => {}, (s) => err.push(s));
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // no report
  }
  return { code, err: err.join('\n'), json };
}

/** A report without what differs between runs: timing, threads, the queue, and the model file's creation time. */
function comparable(r: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, threads: _t, queue: _q, ...rest } = r;
  if (Array.isArray(rest.folds)) rest.folds = (rest.folds as Record<string, unknown>[]).map(({ seconds: _f, ...f }) => f);
  return rest;
}

describe.runIf(!reachable && mustHaveRedis)('the ml queue tests under CI', () => {
  it('need Redis', () => {
    throw new Error(`no Redis answers at ${REDIS_URL}; CI=true requires one`);
  });
});

describe.skipIf(!reachable)(`ml fits over BullMQ (Redis at ${REDIS_URL})`, () => {
  const queueName = uniqueQueueName('ml');
  const queue = ['--queue', REDIS_URL, '--queue-name', queueName];
  let worker: ResearchWorker;

  beforeAll(async () => {
    worker = await startResearchWorker({ url: REDIS_URL, name: queueName, threads: 0 });
  });

  afterAll(async () => {
    await worker.close();
    await obliterate(queueName);
  });

  it('ml evaluate with --queue gives the report of the local run, value for value', async () => {
    const args = [
      'ml', 'evaluate', '--data', `csv:${csv}`, '--model', 'gbdt', '--grid-models', 'gbdt,logistic', '--train-bars', '200', '--retrain-every', '100',
      '--compare', 'buy-and-hold', '--commission', '0.001', '--param', 'minHistory=20', '--quiet',
    ];
    const before = worker.processed;
    const local = await cli([...args, '--threads', '0']);
    const queued = await cli([...args, ...queue]);
    expect(local.code, local.err).toBe(0);
    expect(queued.code, queued.err).toBe(0);
    const folds = (local.json.walkForward as { folds: number }).folds;
    expect(folds).toBeGreaterThanOrEqual(3);
    expect(queued.json.folds).toEqual((local.json.folds as Record<string, unknown>[]).map((f) => ({ ...f, seconds: expect.any(Number) })));
    expect(queued.json.predictions).toEqual(local.json.predictions);
    expect(queued.json.outOfSample).toEqual(local.json.outOfSample);
    expect(comparable(queued.json)).toEqual(comparable(local.json));
    // Two model kinds x the folds, each one job, all on the one worker.
    expect(queued.json.queue).toEqual({ url: REDIS_URL, name: queueName, jobs: 2 * folds, workers: { [worker.id]: 2 * folds } });
    expect(worker.processed - before).toBe(2 * folds);
    expect(local.json.queue).toBeUndefined();
  });

  it('ml train with --queue writes the model file of the local run', async () => {
    const args = ['ml', 'train', '--data', `csv:${csv}`, '--model', 'gbdt', '--quiet'];
    const local = await cli([...args, '--threads', '0', '--out', join(dir, 'local.json')]);
    const queued = await cli([...args, ...queue, '--out', join(dir, 'queued.json')]);
    expect(local.code, local.err).toBe(0);
    expect(queued.code, queued.err).toBe(0);
    expect(comparable(queued.json)).toEqual(comparable(local.json));
    expect((queued.json.queue as { jobs: number }).jobs).toBe(2);
    const model = (f: string): { metadata: Record<string, unknown> } => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { metadata: Record<string, unknown> };
    const [a, b] = [model('local.json'), model('queued.json')];
    expect({ ...b, metadata: { ...b.metadata, createdAt: 0 } }).toEqual({ ...a, metadata: { ...a.metadata, createdAt: 0 } });
  });

  it('a fit that throws on the worker fails the run with the worker and the error, once', async () => {
    const before = worker.processed;
    const err = await runFitsOnQueue([task('logistic', 250), task('logistic', 250, 5)], { url: REDIS_URL, name: queueName }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResearchJobError);
    expect((err as Error).message).toMatch(new RegExp(`^ml fit ml-fit-\\S+ \\(logistic, rows 250-310\\) failed on worker ${worker.id}: logistic fit of rows 250-310: only 5 training rows`));
    // Not retried: the same data throws on every try.
    await new Promise((r) => setTimeout(r, 200));
    expect(worker.processed - before).toBe(2);
  });

  it('fails naming --queue when no worker serves the queue, and removes its jobs', async () => {
    const empty = uniqueQueueName('ml-empty');
    const notices: string[] = [];
    try {
      const err = await runFitsOnQueue([task('logistic', 250)], { url: REDIS_URL, name: empty }, { noWorkerMs: 300, onNotice: (s) => notices.push(s) }).catch((e: unknown) => e);
      expect((err as Error).message).toBe(`field "--queue": no worker served queue "${empty}" at ${REDIS_URL} for 300 ms; start one: sextant worker --queue ${REDIS_URL} --queue-name ${empty}`);
      expect((err as { where: { field?: string } }).where.field).toBe('--queue');
      expect(notices).toEqual([`no worker is connected to queue "${empty}" at ${REDIS_URL} yet; the fits wait until one starts: sextant worker --queue ${REDIS_URL} --queue-name ${empty}`]);
      const { Queue } = await import('bullmq');
      const { Redis } = await import('ioredis');
      const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const q = new Queue(empty, { connection: conn, prefix: 'sextant' });
      expect(await q.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
      await q.close();
      conn.disconnect();
    } finally {
      await obliterate(empty);
    }
  });

  it('refuses --threads with --queue, --queue-name alone, and an unreachable Redis (exit 2 naming the flag)', async () => {
    const args = ['ml', 'evaluate', '--data', `csv:${csv}`, '--model', 'logistic', '--quiet'];
    const both = await cli([...args, ...queue, '--threads', '2']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--threads.*with --queue give it to `sextant worker`/);
    const name = await cli([...args, '--queue-name', queueName]);
    expect(name.code).toBe(2);
    expect(name.err).toMatch(/--queue-name needs --queue/);
    const down = await cli([...args, '--queue', 'redis://127.0.0.1:1']);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/--queue.*cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    const train = await cli(['ml', 'train', '--data', `csv:${csv}`, '--out', join(dir, 'never.json'), '--queue', 'redis://127.0.0.1:1']);
    expect(train.code).toBe(2);
    expect(train.err).toMatch(/cannot reach Redis/);
  });
});
