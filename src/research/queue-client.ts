// The submitting side of distributed research runs: a `Runner` whose `evaluate` cuts the parameter
// sets into chunks, puts each chunk on a BullMQ queue as a job (with everything a worker needs to
// reproduce it: the research request, the sets, the window and blocks), and assembles the outcomes
// the workers return, in order. Results come back as job return values through QueueEvents. Workers
// (`sextant worker`, src/app/queue.ts) load the data themselves from the same source spec.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { InvariantError } from '../core/errors.ts';
import {
  decodeOutcomes, DESCRIBE_JOB, describeParams, encodeParams, encodeRequest, EVALUATE_JOB, WIRE_VERSION,
  type DescribeJobData, type DescribeResult, type EvaluateJobData, type EvaluateResult, type Wire,
} from './queue-codec.ts';
import { bullConnection, probeRedis, QUEUE_PREFIX, resolveQueueTarget, type QueueTarget, type ResolvedTarget } from './queue-redis.ts';
import type { EvaluateRequest, Params, Runner, TrialOutcome } from './types.ts';

/** A job failed on a worker (it threw twice, or its worker died too often): the run cannot finish. */
export class ResearchJobError extends Error {
  constructor(message: string, readonly jobId: string, readonly params: readonly Params[]) {
    super(message);
    this.name = 'ResearchJobError';
  }
}

/**
 * `research job <id> failed on worker <host:pid>: params fast=5 slow=20: <error>` when the worker
 * named the set that threw; else the chunk's size and first set, and BullMQ's reason (e.g. a job
 * whose workers died more often than allowed).
 */
function failureMessage(jobId: string, params: readonly Params[], reason: string): string {
  const m = /^\[worker ([^\]]+)\] ([\s\S]*)$/.exec(reason);
  if (m !== null) return `research job ${jobId} failed on worker ${m[1]}: ${m[2]}`;
  const first = params[0] === undefined ? '' : ` from ${describeParams(params[0])}`;
  return `research job ${jobId} (${params.length} parameter set(s)${first}) failed: ${reason}`;
}

/** Retries of a job whose processor threw or whose worker died (BullMQ `attempts`). */
export const JOB_ATTEMPTS = 2;

export interface QueueRunnerOptions {
  /** Parameter sets per job; default min(`defaultChunk`, ⌈sets / 16⌉), at most ~2,000 jobs per call. */
  readonly chunk?: number;
  /** Chunk size for large calls when `chunk` is not given (the fast kernel: 256; the event engine: 4). */
  readonly defaultChunk: number;
  /** After each finished job: sets done so far in the current `evaluate` call, and the call's size. */
  readonly onChunk?: (doneInCall: number, callSize: number) => void;
}

interface Waiter {
  readonly resolve: (value: Wire) => void;
  readonly reject: (error: Error) => void;
}

export class ResearchQueueClient {
  /** Submission id: names this run's jobs and keys the workers' runner cache. */
  readonly runId = randomUUID();
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  /** BullMQ leaves the clients it is given open: they are closed here. */
  readonly #connections: readonly Redis[];
  readonly #waiters = new Map<string, Waiter>();
  readonly #byWorker = new Map<string, number>();
  #seq = 0;
  #jobs = 0;
  #closed = false;

  private constructor(readonly target: ResolvedTarget, lastEventId: string) {
    this.#connections = [bullConnection(target.url), bullConnection(target.url)];
    for (const c of this.#connections) c.on('error', () => {});
    this.#queue = new Queue(target.name, { connection: this.#connections[0]!, prefix: QUEUE_PREFIX });
    this.#queue.on('error', () => {});
    // Listen from the last event before any job of ours exists, so no completion can be missed.
    this.#events = new QueueEvents(target.name, { connection: this.#connections[1]!, prefix: QUEUE_PREFIX, lastEventId });
    this.#events.on('error', () => {});
    this.#events.on('completed', ({ jobId, returnvalue }) => {
      const w = this.#waiters.get(jobId);
      if (w === undefined) return;
      this.#waiters.delete(jobId);
      w.resolve(returnvalue as unknown as Wire);
    });
    this.#events.on('failed', ({ jobId, failedReason }) => {
      const w = this.#waiters.get(jobId);
      if (w === undefined) return;
      this.#waiters.delete(jobId);
      w.reject(new Error(failedReason));
    });
  }

  /** Probes Redis (ConfigError naming --queue when unreachable) and opens the queue. */
  static async open(t: QueueTarget): Promise<ResearchQueueClient> {
    const target = resolveQueueTarget(t);
    const probe = await probeRedis(target);
    try {
      const last = (await probe.xrevrange(`${QUEUE_PREFIX}:${target.name}:events`, '+', '-', 'COUNT', 1)) as [string, string[]][];
      const client = new ResearchQueueClient(target, last[0]?.[0] ?? '0-0');
      await Promise.all([client.#queue.waitUntilReady(), client.#events.waitUntilReady()]);
      return client;
    } finally {
      probe.disconnect();
    }
  }

  /** Workers connected to this queue now. */
  workerCount(): Promise<number> {
    return this.#queue.getWorkersCount();
  }

  /** Jobs finished, in total and per worker (`host:pid`). */
  get jobs(): number {
    return this.#jobs;
  }
  jobsByWorker(): Record<string, number> {
    return Object.fromEntries([...this.#byWorker].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  #count(worker: string): void {
    this.#jobs++;
    this.#byWorker.set(worker, (this.#byWorker.get(worker) ?? 0) + 1);
  }

  #nextId(kind: string): string {
    // BullMQ job ids may not contain ':'.
    return `${kind}-${this.runId}-${++this.#seq}`;
  }

  #wait(jobId: string): Promise<Wire> {
    return new Promise<Wire>((resolve, reject) => this.#waiters.set(jobId, { resolve, reject }));
  }

  /** Asks one worker to prepare the run (load the data, build the runner) and describe it. */
  async describe(spec: Wire): Promise<DescribeResult> {
    const jobId = this.#nextId(DESCRIBE_JOB);
    const done = this.#wait(jobId);
    const data: DescribeJobData = { v: WIRE_VERSION, runId: this.runId, spec };
    await this.#queue.add(DESCRIBE_JOB, data, { jobId, attempts: JOB_ATTEMPTS, removeOnComplete: true, removeOnFail: { age: 3600 } });
    let result: DescribeResult;
    try {
      result = (await done) as unknown as DescribeResult;
    } catch (e) {
      throw new ResearchJobError(`a research worker could not prepare the run: ${(e as Error).message}`, jobId, []);
    }
    this.#count(result.worker);
    return result;
  }

  /** A runner over `timeline` whose parameter sets are evaluated by the queue's workers. */
  runner(spec: Wire, timeline: Float64Array, o: QueueRunnerOptions): Runner {
    if (o.chunk !== undefined && !(Number.isInteger(o.chunk) && o.chunk >= 1)) throw new InvariantError(`chunk must be a positive integer, got ${o.chunk}`);
    return {
      timeline,
      // One call per search phase: every chunk is in flight at once, no barrier between batches.
      batchSize: 1_000_000,
      evaluate: (params, request) => this.#evaluate(spec, params, request, o),
    };
  }

  async #evaluate(spec: Wire, params: readonly Params[], request: EvaluateRequest, o: QueueRunnerOptions): Promise<TrialOutcome[]> {
    if (this.#closed) throw new InvariantError('the research queue is closed');
    if (params.length === 0) return [];
    const size = o.chunk ?? Math.max(1, Math.min(o.defaultChunk, Math.ceil(params.length / 16)), Math.ceil(params.length / 2000));
    const req = encodeRequest(request);
    const chunks: { jobId: string; params: readonly Params[]; from: number }[] = [];
    for (let i = 0; i < params.length; i += size) chunks.push({ jobId: this.#nextId(EVALUATE_JOB), params: params.slice(i, i + size), from: i });
    const out = new Array<TrialOutcome>(params.length);
    let doneInCall = 0;
    const waits = chunks.map(async (c) => {
      let value: Wire;
      try {
        value = await this.#wait(c.jobId);
      } catch (e) {
        throw new ResearchJobError(failureMessage(c.jobId, c.params, (e as Error).message), c.jobId, c.params);
      }
      const r = value as unknown as EvaluateResult;
      decodeOutcomes(r.outcomes, c.params.length).forEach((x, k) => (out[c.from + k] = x));
      this.#count(r.worker);
      doneInCall += c.params.length;
      o.onChunk?.(doneInCall, params.length);
    });
    // Register every waiter before the jobs exist.
    const all = Promise.all(waits);
    all.catch(() => {});
    await this.#queue.addBulk(chunks.map((c) => {
      const data: EvaluateJobData = { v: WIRE_VERSION, runId: this.runId, spec, params: encodeParams(c.params), request: req };
      return { name: EVALUATE_JOB, data, opts: { jobId: c.jobId, attempts: JOB_ATTEMPTS, removeOnComplete: true, removeOnFail: { age: 3600 } } };
    }));
    await all;
    return out;
  }

  /**
   * Stops listening and removes this run's jobs that no worker has taken yet (after a failure or an
   * interruption), so the workers do not compute results nobody waits for.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = [...this.#waiters.keys()];
    this.#waiters.clear();
    await Promise.allSettled(pending.map((id) => this.#queue.remove(id)));
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    for (const c of this.#connections) c.disconnect();
  }
}
