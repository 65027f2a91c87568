// Distributed research end to end: two real `sextant worker` processes serve a BullMQ queue on the
// Redis at 127.0.0.1:6379; optimize and walk-forward runs submitted through the queue give exactly
// the report of the local run, both workers take jobs, a job that throws fails the run with its
// params (exit 1), and the report can be recorded in the store.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openStore } from '../../src/store/open.ts';
import {
  comparable, obliterate, REDIS_URL, redisReachable, runCli, spawnWorker, stopWorker, uniqueQueueName, waitForWorkers, writeWalkCsv, type WorkerProcess,
} from './helpers.ts';

const reachable = await redisReachable();
if (!reachable) console.warn(`queue tests skipped: no Redis answers at ${REDIS_URL} (start one, or set SEXTANT_TEST_REDIS)`);

const dir = mkdtempSync(join(tmpdir(), 'sextant-queue-'));
const csv = writeWalkCsv(dir);
const FRAGILE = join(import.meta.dirname, 'fixtures', 'fragile.ts');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string; json: Record<string, unknown> }> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--json', file], (s) => out.push(s), (s) => err.push(s));
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // no report (the run failed)
  }
  return { code, out: out.join('\n'), err: err.join('\n'), json };
}

describe.skipIf(!reachable)(`distributed research over BullMQ (Redis at ${REDIS_URL})`, () => {
  const queueName = uniqueQueueName('dist');
  const queue = ['--queue', REDIS_URL, '--queue-name', queueName];
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    workers = [spawnWorker(queueName), spawnWorker(queueName)];
    await waitForWorkers(queueName, 2, workers);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w)));
    await obliterate(queueName);
  });

  it('gives an optimize report identical to the local run, with jobs taken by both workers', async () => {
    const args = ['optimize', '--strategy', 'sma-cross', '--data', `csv:${csv}`, '--space', 'fast=2:20:2,slow=10:60:5', '--commission', '0.001', '--quiet'];
    const local = await cli([...args, '--threads', '0']);
    const queued = await cli([...args, ...queue]);
    expect(local.code).toBe(0);
    expect(queued.code, queued.err).toBe(0);
    expect(queued.json.engine).toBe('fast');
    expect(queued.json.evaluated).toBeGreaterThan(50);
    expect(queued.json.pbo).not.toBeNull();
    expect(queued.json.deflatedSharpe).not.toBeNull();
    expect(queued.json.trials).toEqual(local.json.trials);
    expect(queued.json.best).toEqual(local.json.best);
    expect(queued.json.deflatedSharpe).toEqual(local.json.deflatedSharpe);
    expect(queued.json.pbo).toEqual(local.json.pbo);
    expect(comparable(queued.json)).toEqual(comparable(local.json));

    const q = queued.json.queue as { name: string; jobs: number; workers: Record<string, number> };
    expect(q.name).toBe(queueName);
    const pids = Object.keys(q.workers).map((w) => Number(w.slice(w.lastIndexOf(':') + 1))).sort();
    expect(pids).toEqual(workers.map((w) => w.pid).sort());
    for (const n of Object.values(q.workers)) expect(n).toBeGreaterThanOrEqual(1);
    expect(Object.values(q.workers).reduce((a, b) => a + b, 0)).toBe(q.jobs);
  });

  it('gives a walk-forward report identical to the local run on the event engine', async () => {
    const args = [
      'walkforward', '--strategy', 'rsi', '--data', `csv:${csv}`, '--space', 'period=6:14:4,lower=25:35:10', '--folds', '3', '--engine', 'event',
      '--slippage-bps', '2', '--quiet',
    ];
    const local = await cli(args);
    const queued = await cli([...args, ...queue, '--chunk', '2']);
    expect(local.code).toBe(0);
    expect(queued.code, queued.err).toBe(0);
    expect(queued.json.engine).toBe('event');
    expect(queued.json.folds).toEqual(local.json.folds);
    expect(queued.json.equity).toEqual(local.json.equity);
    expect(queued.json.metrics).toEqual(local.json.metrics);
    expect(comparable(queued.json)).toEqual(comparable(local.json));
  });

  it('fails the run with exit 1 naming the params and the error of a job that throws', async () => {
    const r = await runCli(['optimize', '--strategy', FRAGILE, '--data', `csv:${csv}`, '--space', 'n=1:6', '--engine', 'event', ...queue, '--chunk', '1', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sextant optimize: research job \S+ failed on worker \S+:\d+: params work=0 n=4: fragile: n=4 is not allowed/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('refuses a data source the workers cannot read with exit 2 naming the flag', async () => {
    const r = await cli(['optimize', '--strategy', 'sma-cross', '--data', `csv:${join(dir, 'missing.csv')}`, '--space', 'fast=2:4', ...queue]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/on worker [^ ]+:\d+: .*missing\.csv/);
  });

  it('records the queued report in the store as a completed run', async () => {
    const db = join(dir, 'db');
    const r = await cli(['optimize', '--strategy', 'sma-cross', '--data', `csv:${csv}`, '--space', 'fast=3:9:3,slow=20:30:10', ...queue, '--record', '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Recorded as run [0-9a-f-]{36} in /);
    const store = await openStore({ dir: db });
    try {
      const runs = await store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0]!.kind).toBe('backtest');
      expect(runs[0]!.status).toBe('completed');
      const config = runs[0]!.config as { research: string; request: { space: string }; report: { best: unknown; queue: { name: string } } };
      expect(config.research).toBe('optimize');
      expect(config.request.space).toBe('fast=3:9:3,slow=20:30:10');
      expect(config.report.best).toEqual(r.json.best);
      expect(config.report.queue.name).toBe(queueName);
    } finally {
      await store.close();
    }
  });
});

describe('distributed research without Redis', () => {
  it('is exit 2 naming --queue when Redis cannot be reached', async () => {
    const r = await cli(['optimize', '--strategy', 'sma-cross', '--space', 'fast=2:4', '--queue', 'redis://127.0.0.1:1', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--queue.*cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED/);
  });

  it('checks the queue flags before connecting', async () => {
    const cases: [string[], RegExp][] = [
      [['--queue', 'http://x:1'], /--queue.*not a Redis URL/],
      [['--queue-name', 'q'], /--queue-name needs --queue/],
      [['--queue', 'redis://127.0.0.1:1', '--queue-name', 'bad:name'], /--queue-name.*letters, digits/],
      [['--queue', 'redis://127.0.0.1:1', '--chunk', '0'], /--chunk must be a positive integer/],
      [['--queue', 'redis://127.0.0.1:1', '--threads', '2'], /--threads.*sextant worker/],
      [['--db', 'x'], /--db needs --record/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['optimize', '--strategy', 'sma-cross', '--space', 'fast=2:4', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
