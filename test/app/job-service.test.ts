// JobService on a real in-memory store: records outlive the service (a restarted server lists its jobs, with the
// summary but not the result, and a job it left running shows as failed: interrupted), jobs wait in order behind
// the one running, and a queued job is canceled without ever running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobService, MAX_QUEUED, type Job } from '../../src/app/jobs/job-service.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

let store: Store;
let dir: string;

beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
  dir = mkdtempSync(join(tmpdir(), 'sextant-jobs-'));
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function until(jobs: JobService, id: string, state: string): Promise<Job> {
  return new Promise((resolve) => {
    const stop = jobs.watch((j) => {
      if (j.id === id && j.state === state) {
        stop();
        resolve(j);
      }
    });
    if (jobs.get(id).state === state) resolve(jobs.get(id));
  });
}

describe('JobService', () => {
  it('queues behind the running job, cancels a queued one, and keeps records across a restart', async () => {
    const jobs = new JobService({ store, stateDir: dir, concurrency: 1, env: {} });
    await jobs.init();
    expect(jobs.warehouse.dir).toBe(join(dir, 'warehouse'));
    const a = jobs.submit({ kind: 'backtest', request: { strategy: 'rsi', data: ['synthetic:5'] } }, 'token:t');
    const b = jobs.submit({ kind: 'backtest', request: { strategy: 'sma-cross', data: ['synthetic:5'] } });
    const c = jobs.submit({ kind: 'optimize', request: { strategy: 'sma-cross', data: ['synthetic:5'], space: 'fast=2:60:1,slow=20:300:1', engine: 'event' } });
    expect([a.state, b.state, c.state]).toEqual(['running', 'queued', 'queued']);
    expect([b.position, jobs.get(c.id).position]).toEqual([0, 1]);
    expect(jobs.cancel(b.id).state).toBe('canceled');
    expect(jobs.get(c.id).position).toBe(0);
    const done = await until(jobs, a.id, 'done');
    expect(done.by).toBe('token:t');
    expect(done.resultAvailable).toBe(true);
    expect((jobs.result(a.id) as { finalValue: number }).finalValue).toBe(done.summary!.finalValue);
    expect(jobs.get(b.id).startedMs).toBeNull();
    await until(jobs, c.id, 'running');
    await jobs.close();

    const again = new JobService({ store, stateDir: dir, env: {} });
    await again.init();
    expect(again.list().map((j) => [j.id, j.state])).toEqual([[c.id, 'failed'], [b.id, 'canceled'], [a.id, 'done']]);
    expect(again.get(c.id).error).toEqual({ message: 'the server stopped while this job ran: submit it again', field: null, code: 'interrupted' });
    const kept = again.get(a.id);
    expect(kept.summary).toEqual(done.summary);
    expect(kept.resultAvailable).toBe(false);
    expect(() => again.result(a.id)).toThrow(/no longer held/);
    await again.close();
  });

  it(`refuses a submission while ${MAX_QUEUED} jobs wait`, async () => {
    const jobs = new JobService({ concurrency: 1, env: {} });
    const req = { kind: 'backtest', request: { strategy: 'rsi', data: ['synthetic:5'] } };
    const ids = Array.from({ length: MAX_QUEUED + 1 }, () => jobs.submit(req).id);
    expect(jobs.list({ state: 'queued' })).toHaveLength(MAX_QUEUED);
    expect(() => jobs.submit(req)).toThrow(/50 jobs are already waiting/);
    jobs.cancel(ids.at(-1)!);
    expect(jobs.submit(req).state).toBe('queued');
    await jobs.close();
    expect(jobs.list({ state: 'failed' })).toHaveLength(MAX_QUEUED + 1);
  });
});
