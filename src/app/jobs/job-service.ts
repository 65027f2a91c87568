// Research jobs of the server (transport-agnostic): a backtest, an optimization or a walk-forward submitted
// now and run in the background, with a server-side id so that a client that reconnects finds its job
// again. Each job runs in its own worker thread (job-worker.ts): the server's event loop never waits for
// the engine, and canceling a running job terminates its thread. At most `concurrency` jobs run at once;
// the others wait in submission order.
//
// What is kept: every job's record (state, progress, request, times, error, a short summary) is written to
// the store's settings (`job:<id>`, and the list of ids under `jobs:index`, the newest MAX_KEPT), so the
// job list survives a restart; a job that was queued or running when the server stopped is failed on the
// next start. The full result (the `--json` document) and the tearsheet stay in this process's memory, for
// the last RESULTS_KEPT finished jobs; the durable history of backtests is the warehouse (`save: true`).
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { JsonValue, Store } from '../../store/store.ts';
import { ConflictError, NotFoundError } from '../app-errors.ts';
import { appRequestOf, checkJobRequest, JOB_KINDS, JobSubmitSchema, requestField, type JobKind, type JobSubmit } from './job-request.ts';
import type { JobWorkerData, JobWorkerMessage } from './job-worker.ts';
import { warehouseDir, type WarehouseOptions } from '../warehouse.ts';
import { comparePastRuns, listPastRuns, listStoredSymbols, pastRunEquity, type PastRun, type PastRunEquity, type RunComparison } from './past-runs.ts';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'canceled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JobProgressSchema = z.object({
  done: z.number(),
  total: z.number(),
  /** done / total, 0 before the first report, 1 when done. */
  fraction: z.number(),
  message: z.string(),
});

export const JobErrorSchema = z.object({ message: z.string(), field: z.string().nullable(), code: z.string() });

export const JobSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  state: z.enum(JOB_STATES),
  progress: JobProgressSchema,
  createdMs: z.number(),
  startedMs: z.number().nullable(),
  endedMs: z.number().nullable(),
  /** Who submitted it (`user:<name>`, `token:<name>`). */
  by: z.string(),
  error: JobErrorSchema.nullable(),
  request: z.record(z.string(), z.unknown()),
  /** Done jobs: headline figures (final value, return, Sharpe, trades; best params of a search). */
  summary: z.record(z.string(), z.unknown()).nullable(),
  /** Backtests run with `save`: the warehouse run id. */
  savedRunId: z.string().nullable(),
  /** The full result and tearsheet are still held by this server process. */
  resultAvailable: z.boolean(),
  /** Jobs queued ahead of this one (0 when running or finished). */
  position: z.number().int(),
});
export type Job = z.infer<typeof JobSchema>;

export type JobListener = (job: Job) => void;

export interface JobServiceOptions {
  /** Where job records are kept (settings); none: in memory only. */
  readonly store?: Pick<Store, 'getSetting' | 'putSetting'>;
  /** Jobs run at once (default 1, 2 on machines with more than 4 cores). */
  readonly concurrency?: number;
  /** The worker's module (tests); default job-worker.ts through tsx from sources, job-worker.js in dist/. */
  readonly workerUrl?: URL;
  /** The server's data folder: the warehouse is `<stateDir>/warehouse` unless SEXTANT_WAREHOUSE names one. */
  readonly stateDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Jobs waiting at most; a submission beyond is refused (409) until some have run. */
export const MAX_QUEUED = 50;
/** Job records kept (in the store and the list). */
export const MAX_KEPT = 200;
/** Finished jobs whose full result and tearsheet are held in memory. */
export const RESULTS_KEPT = 20;
const INDEX_KEY = 'jobs:index';
const JOB_ID = /^j-[0-9a-f]{12}$/;

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./job-worker-boot.mjs', import.meta.url) : new URL('./job-worker.js', import.meta.url);
}

interface Entry {
  job: Job;
  worker: Worker | null;
  result: { json: string; html: string | null } | null;
}

export class JobService {
  readonly #jobs = new Map<string, Entry>();
  readonly #queue: string[] = [];
  readonly #listeners = new Set<JobListener>();
  readonly #store: JobServiceOptions['store'];
  readonly #concurrency: number;
  readonly #workerUrl: URL;
  /** The warehouse of `store:<SYMBOL>` data, `save` and the past runs. */
  readonly warehouse: WarehouseOptions;
  /** Store writes, one after another (the index is read-modify-write). */
  #writes: Promise<void> = Promise.resolve();
  #running = 0;
  #closed = false;

  constructor(opts: JobServiceOptions = {}) {
    this.#store = opts.store;
    this.#concurrency = Math.max(1, opts.concurrency ?? (availableParallelism() > 4 ? 2 : 1));
    this.#workerUrl = opts.workerUrl ?? workerUrl();
    const env = (opts.env ?? process.env).SEXTANT_WAREHOUSE;
    this.warehouse = { dir: warehouseDir(env !== undefined && env.trim() !== '' ? { dir: env } : opts.stateDir !== undefined ? { dir: join(opts.stateDir, 'warehouse') } : {}) };
  }

  /** Reads the kept records; jobs a stopped server left queued or running are failed. */
  async init(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    // Oldest first, as the list is kept.
    const ids = ((await store.getSetting(INDEX_KEY)) as string[] | undefined) ?? [];
    for (const id of ids) {
      const raw = await store.getSetting(`job:${id}`);
      const parsed = JobSchema.safeParse(raw);
      if (!parsed.success) continue;
      const job = { ...parsed.data, resultAvailable: false, position: 0 };
      if (job.state === 'queued' || job.state === 'running') {
        Object.assign(job, { state: 'failed', endedMs: Date.now(), error: { message: 'the server stopped before this job finished: submit it again', field: null, code: 'interrupted' } });
        this.#persist(job);
      }
      this.#jobs.set(id, { job, worker: null, result: null });
    }
  }

  /** Checks the request (InputError naming the field) and queues it; returns the job, queued or running. */
  submit(input: unknown, by = 'api'): Job {
    if (this.#closed) throw new ConflictError('the server is shutting down', { field: 'kind' });
    const parsed = JobSubmitSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(issue.message, { field: issue.path.join('.') || 'body' });
    }
    const submit = parsed.data;
    checkJobRequest(submit);
    if (this.#queue.length >= MAX_QUEUED) throw new ConflictError(`${this.#queue.length} jobs are already waiting: submit again once some have run, or cancel some`, { field: 'kind' });
    const id = `j-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const job: Job = {
      id, kind: submit.kind, state: 'queued', progress: { done: 0, total: 0, fraction: 0, message: 'queued' }, createdMs: Date.now(), startedMs: null, endedMs: null,
      by, error: null, request: submit.request as Record<string, unknown>, summary: null, savedRunId: null, resultAvailable: false, position: 0,
    };
    this.#jobs.set(id, { job, worker: null, result: null });
    this.#queue.push(id);
    this.#trim();
    this.#persist(job, true);
    this.#pump();
    return this.get(id);
  }

  get(id: string): Job {
    const e = this.#entry(id);
    const position = e.job.state === 'queued' ? Math.max(0, this.#queue.indexOf(id)) : 0;
    return { ...e.job, position, resultAvailable: e.result !== null };
  }

  /** Newest first. */
  list(filter: { state?: JobState; kind?: JobKind; limit?: number } = {}): Job[] {
    const all = [...this.#jobs.keys()].reverse().map((id) => this.get(id));
    return all.filter((j) => (filter.state === undefined || j.state === filter.state) && (filter.kind === undefined || j.kind === filter.kind)).slice(0, filter.limit ?? MAX_KEPT);
  }

  /** Cancels a queued or running job; a finished one is a conflict. */
  cancel(id: string): Job {
    const e = this.#entry(id);
    if (e.job.state !== 'queued' && e.job.state !== 'running') throw new ConflictError(`job ${id} is ${e.job.state}: only a queued or running job can be canceled`, { field: 'id' });
    const wasRunning = e.job.state === 'running';
    const i = this.#queue.indexOf(id);
    if (i >= 0) this.#queue.splice(i, 1);
    this.#end(e, 'canceled', { error: null });
    if (e.worker !== null) void e.worker.terminate();
    e.worker = null;
    if (wasRunning) this.#running--;
    this.#pump();
    return this.get(id);
  }

  /** The `--json` document of a done job (backtest: the RunReport; optimize / walkforward: their reports). */
  result(id: string): unknown {
    return JSON.parse(this.#result(id).json) as unknown;
  }

  /** The tearsheet HTML of a done backtest job. */
  tearsheet(id: string): string {
    const r = this.#result(id);
    if (r.html === null) throw new ConflictError(`job ${id} is a ${this.#entry(id).job.kind}: only backtests have a tearsheet`, { field: 'id' });
    return r.html;
  }

  /** Backtests stored in the warehouse, newest first. */
  pastRuns(filter: { limit?: number; strategy?: string } = {}): Promise<PastRun[]> {
    return listPastRuns({ ...this.warehouse, ...filter });
  }

  /** Stored runs side by side. */
  compareRuns(ids: readonly string[]): Promise<RunComparison> {
    return comparePastRuns(ids, this.warehouse);
  }

  /** A stored run's equity curve, at most `points` points. */
  runEquity(id: string, points: number): Promise<PastRunEquity> {
    return pastRunEquity(id, points, this.warehouse);
  }

  /** Symbols stored in the warehouse (`sextant data list`). */
  storedSymbols(): ReturnType<typeof listStoredSymbols> {
    return listStoredSymbols(this.warehouse);
  }

  /** Calls `listener` with the job after every change of state or progress; returns the unsubscribe. */
  watch(listener: JobListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Ends the running jobs (failed: the server stopped) and waits for the store writes. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const id of this.#queue.splice(0)) this.#end(this.#entry(id), 'failed', { error: { message: 'the server stopped before this job started', field: null, code: 'interrupted' } });
    const stops: Promise<number>[] = [];
    for (const e of this.#jobs.values()) {
      if (e.worker === null) continue;
      stops.push(e.worker.terminate());
      e.worker = null;
      this.#end(e, 'failed', { error: { message: 'the server stopped while this job ran: submit it again', field: null, code: 'interrupted' } });
    }
    this.#running = 0;
    await Promise.allSettled(stops);
    this.#listeners.clear();
    await this.#writes;
  }

  #entry(id: string): Entry {
    const e = JOB_ID.test(id) ? this.#jobs.get(id) : undefined;
    if (e === undefined) throw new NotFoundError(`no job "${id}"`, { field: 'id' });
    return e;
  }

  #result(id: string): NonNullable<Entry['result']> {
    const e = this.#entry(id);
    if (e.job.state !== 'done') throw new ConflictError(`job ${id} is ${e.job.state}: a result exists once it is done`, { field: 'id' });
    if (e.result === null) throw new NotFoundError(`the result of job ${id} is no longer held by this server (only the last ${RESULTS_KEPT} finished jobs of this process are); its summary is in the job`, { field: 'id' });
    return e.result;
  }

  #pump(): void {
    while (!this.#closed && this.#running < this.#concurrency && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      this.#start(this.#entry(id));
    }
    // Positions in the queue moved.
    for (const id of this.#queue) this.#changed(id);
  }

  #start(e: Entry): void {
    const job = e.job;
    this.#running++;
    job.state = 'running';
    job.startedMs = Date.now();
    job.progress = { done: 0, total: 0, fraction: 0, message: 'starting' };
    const submit = { kind: job.kind, request: job.request } as JobSubmit;
    const data: JobWorkerData = { kind: job.kind, request: appRequestOf(submit), save: job.kind === 'backtest' && job.request.save === true, warehouseDir: this.warehouse.dir! };
    const worker = new Worker(this.#workerUrl, { workerData: data });
    e.worker = worker;
    this.#persist(job);
    this.#changed(job.id);
    const finish = (state: 'done' | 'failed', patch: Partial<Job>): void => {
      if (e.worker !== worker) return;
      e.worker = null;
      this.#running--;
      this.#end(e, state, patch);
      void worker.terminate();
      this.#pump();
    };
    worker.on('message', (m: JobWorkerMessage) => {
      if (e.worker !== worker) return;
      if (m.type === 'progress') {
        job.progress = { done: m.done, total: m.total, fraction: m.total > 0 ? Math.min(1, m.done / m.total) : 0, message: m.message };
        this.#changed(job.id);
      } else if (m.type === 'result') {
        e.result = { json: m.json, html: m.html };
        this.#dropOldResults();
        finish('done', { summary: summaryOf(job.kind, m.json), savedRunId: m.savedRunId, progress: { ...job.progress, fraction: 1, message: 'done' } });
      } else {
        const user = m.group === 'config' || m.group === 'input';
        finish('failed', { error: { message: m.message.replace(/^(?:[^:]*:\d+, )?field "[^"]*": /, ''), field: user && m.field !== null ? requestField(m.field) : null, code: user ? 'bad_request' : 'job_error' } });
      }
    });
    worker.on('error', (err) => finish('failed', { error: { message: `the job's thread failed: ${err.message}`, field: null, code: 'job_error' } }));
    worker.on('exit', (code) => finish('failed', { error: { message: `the job's thread ended (code ${code}) without a result`, field: null, code: 'job_error' } }));
  }

  #end(e: Entry, state: 'done' | 'failed' | 'canceled', patch: Partial<Job>): void {
    Object.assign(e.job, patch, { state, endedMs: Date.now() });
    if (state !== 'done') e.job.progress = { ...e.job.progress, message: state };
    this.#persist(e.job);
    this.#changed(e.job.id);
  }

  /** Keeps the full results of the newest RESULTS_KEPT finished jobs. */
  #dropOldResults(): void {
    const held = [...this.#jobs.values()].filter((e) => e.result !== null).sort((a, b) => (b.job.endedMs ?? 0) - (a.job.endedMs ?? 0));
    for (const e of held.slice(RESULTS_KEPT - 1)) e.result = null;
  }

  /** Forgets the oldest finished records beyond MAX_KEPT. */
  #trim(): void {
    if (this.#jobs.size <= MAX_KEPT) return;
    for (const [id, e] of this.#jobs) {
      if (this.#jobs.size <= MAX_KEPT) break;
      if (e.job.state === 'queued' || e.job.state === 'running') continue;
      this.#jobs.delete(id);
    }
  }

  #changed(id: string): void {
    if (this.#listeners.size === 0) return;
    const job = this.get(id);
    for (const l of this.#listeners) {
      try {
        l(job);
      } catch {
        // A listener's failure is its own (a closed socket); the job goes on.
      }
    }
  }

  /** Writes the record (and, for a new job, the index) to the store, in order; progress is not written. */
  #persist(job: Job, index = false): void {
    const store = this.#store;
    if (store === undefined) return;
    const record = JSON.parse(JSON.stringify({ ...job, resultAvailable: false, position: 0 })) as JsonValue;
    const ids = index ? [...this.#jobs.keys()].slice(-MAX_KEPT) : null;
    this.#writes = this.#writes.then(async () => {
      await store.putSetting(`job:${job.id}`, record);
      if (ids !== null) await store.putSetting(INDEX_KEY, ids);
    }).catch(() => undefined);
  }
}

/** Headline figures of a result, kept with the job record. */
function summaryOf(kind: JobKind, json: string): Record<string, unknown> {
  const r = JSON.parse(json) as Record<string, unknown>;
  if (kind === 'backtest') {
    const m = (r.metrics ?? {}) as Record<string, unknown>;
    return { finalValue: r.finalValue, totalReturn: m.totalReturn ?? null, sharpe: m.sharpe ?? null, maxDrawdown: m.maxDrawdown ?? null, tradeCount: m.tradeCount ?? null, bars: r.bars };
  }
  if (kind === 'optimize') {
    const best = r.best as { params?: unknown; score?: unknown; metrics?: unknown } | null;
    return { engine: r.engine, evaluated: r.evaluated, bestParams: best?.params ?? null, bestScore: best?.score ?? null, bestMetrics: best?.metrics ?? null, objective: r.objective };
  }
  const m = (r.metrics ?? {}) as Record<string, unknown>;
  return { engine: r.engine, folds: Array.isArray(r.folds) ? r.folds.length : null, objective: r.objective, efficiency: r.efficiency ?? null, outOfSample: { totalReturn: m.totalReturn ?? null, sharpe: m.sharpe ?? null, maxDrawdown: m.maxDrawdown ?? null } };
}
