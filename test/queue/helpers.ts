// Real Redis, real BullMQ, real worker processes: helpers of the distributed-research tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { toIso } from '../../src/core/time.ts';
import { QUEUE_PREFIX } from '../../src/research/queue-redis.ts';
import { randomWalk } from '../helpers/bars.ts';

export const REDIS_URL = process.env.SEXTANT_TEST_REDIS ?? 'redis://127.0.0.1:6379';
export const ROOT = resolve(import.meta.dirname, '../..');

/** Whether Redis answers PING within a second (no retries). */
export async function redisReachable(url = REDIS_URL): Promise<boolean> {
  const c = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

/** A queue name no other test run uses. */
export function uniqueQueueName(tag: string): string {
  return `sextant-test-${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A random-walk CSV of `bars` daily bars. */
export function writeWalkCsv(dir: string, bars = 700, seed = 31): string {
  const csv = join(dir, 'WALK.csv');
  const w = randomWalk(bars, seed, { vol: 0.015 });
  const lines = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < w.length; i++) lines.push(`${toIso(w.time[i]!).slice(0, 10)},${w.open[i]},${w.high[i]},${w.low[i]},${w.close[i]},${w.volume[i]}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  return csv;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** `host:pid` as the worker reports it. */
  readonly pid: number;
  output(): string;
}

/** `node bin/sextant.js worker --queue … --queue-name …` as a child process. */
export function spawnWorker(queueName: string, extra: readonly string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ['bin/sextant.js', 'worker', '--queue', REDIS_URL, '--queue-name', queueName, '--threads', '0', ...extra], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  return { child, pid: child.pid!, output: () => text };
}

/** Waits until `n` workers are connected to the queue. */
export async function waitForWorkers(queueName: string, n: number, workers: readonly WorkerProcess[], timeoutMs = 20_000): Promise<void> {
  const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const q = new Queue(queueName, { connection: conn, prefix: QUEUE_PREFIX });
  try {
    const t0 = Date.now();
    while ((await q.getWorkersCount()) < n) {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead !== undefined) throw new Error(`worker ${dead.pid} exited (${dead.child.exitCode}):\n${dead.output()}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`fewer than ${n} workers after ${timeoutMs} ms:\n${workers.map((w) => w.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await q.close();
    conn.disconnect();
  }
}

/** SIGTERM (graceful), then SIGKILL after `graceMs`; resolves with the exit code or signal. */
export async function stopWorker(w: WorkerProcess, graceMs = 5000): Promise<number | string | null> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return w.child.exitCode ?? w.child.signalCode;
  const exited = new Promise<number | string | null>((r) => w.child.once('exit', (code, signal) => r(code ?? signal)));
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes every key of the queue. */
export async function obliterate(queueName: string): Promise<void> {
  const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const q = new Queue(queueName, { connection: conn, prefix: QUEUE_PREFIX });
  try {
    await q.obliterate({ force: true });
  } finally {
    await q.close();
    conn.disconnect();
  }
}

/** Runs `node bin/sextant.js …` to the end. */
export function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/sextant.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** A report without what legitimately differs between runs: timing, threads, and the queue. */
export function comparable(report: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, threads: _t, queue: _q, ...rest } = report;
  return rest;
}
