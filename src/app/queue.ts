// Research workers (`sextant worker`): take jobs of distributed optimize and walk-forward runs from
// a BullMQ queue, evaluate their parameter sets with the same runner a local run builds (fast kernel
// or event engine; the data is loaded here, from the job's source spec), and return the outcomes as
// job return values; and the model fits of `ml evaluate|train --queue` ('ml-fit' jobs, fitModel). Any
// number of workers on any number of machines may serve one queue.
import { hostname } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ConfigError, isUserError } from '../core/errors.ts';
import {
  decodeParams, decodeRequest, DESCRIBE_JOB, describeParams, encodeOutcomes, EVALUATE_JOB, fromWire, toWire, WIRE_VERSION,
  type DescribeJobData, type DescribeResult, type EvaluateJobData, type EvaluateResult,
} from '../research/queue-codec.ts';
import { JOB_ATTEMPTS } from '../research/queue-client.ts';
import { bullConnection, probeRedis, QUEUE_PREFIX, resolveQueueTarget, type ResolvedTarget } from '../research/queue-redis.ts';
import type { EvaluateRequest, Params, Runner, TrialOutcome } from '../research/types.ts';
import { prepareResearchRunner, type OptimizeRequest, type ResearchContext } from './research.ts';
import { decodeFitTask, encodeFitResult, ML_FIT_JOB, type FitJobData, type FitJobResult } from './ml/fit-codec.ts';
import { fitModel } from './ml/fit.ts';

export interface ResearchWorkerOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  /** Queue name (default `sextant-research`). */
  readonly name?: string;
  /** Jobs in flight at once (default 1). Jobs of one run share its runner and take turns on it. */
  readonly concurrency?: number;
  /** Worker threads of the fast kernel (default: the machine's cores; 0 = in-process). */
  readonly threads?: number;
  /**
   * Lock of an active job, renewed while the worker lives (default 30,000 ms). A worker that dies
   * mid-job loses it; the job goes back to the queue after about this long plus one stalled check.
   */
  readonly lockMs?: number;
  /** Runs kept prepared after their last job (default 60,000 ms); at most 4 idle runs are kept. */
  readonly idleMs?: number;
  readonly log?: (line: string) => void;
}

export interface ResearchWorker {
  /** `host:pid`, as reported in the submitting command's `queue.workers`. */
  readonly id: string;
  readonly target: ResolvedTarget;
  /** Jobs finished (completed or thrown) by this worker. */
  readonly processed: number;
  /** Waits for the jobs in flight, then disconnects and releases the prepared runs. */
  close(): Promise<void>;
}

interface PreparedRun {
  readonly ready: Promise<{ ctx: ResearchContext; runner: Runner }>;
  /** Jobs of one run take turns on its runner (its indicator columns are shared state). */
  turn: Promise<unknown>;
  active: number;
  lastUsed: number;
}

const MAX_IDLE_RUNS = 4;

/** Prepared runners per submission (`runId`), so a worker loads a run's data once. */
class RunCache {
  readonly #runs = new Map<string, PreparedRun>();
  constructor(private readonly threads: number | undefined, private readonly idleMs: number) {}

  async use<T>(runId: string, spec: OptimizeRequest, work: (runner: Runner, ctx: ResearchContext) => Promise<T>): Promise<T> {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      const ready = prepareResearchRunner({ ...spec, threads: this.threads });
      ready.catch(() => {});
      run = { ready, turn: Promise.resolve(), active: 0, lastUsed: Date.now() };
      this.#runs.set(runId, run);
    }
    run.active++;
    try {
      const { ctx, runner } = await run.ready.catch((e: unknown) => {
        // A run that cannot be prepared is not cached: the next job tries again (and fails alike).
        if (this.#runs.get(runId) === run) this.#runs.delete(runId);
        throw e;
      });
      const mine = run.turn.then(() => work(runner, ctx));
      run.turn = mine.catch(() => {});
      return await mine;
    } finally {
      run.active--;
      run.lastUsed = Date.now();
      await this.sweep();
    }
  }

  /** Releases runs idle for longer than `idleMs`, and the oldest idle ones beyond MAX_IDLE_RUNS. */
  async sweep(now = Date.now(), all = false): Promise<void> {
    const idle = [...this.#runs].filter(([, r]) => r.active === 0).sort(([, a], [, b]) => b.lastUsed - a.lastUsed);
    const drop = idle.filter(([, r], i) => all || i >= MAX_IDLE_RUNS || now - r.lastUsed > this.idleMs);
    for (const [id] of drop) this.#runs.delete(id);
    await Promise.allSettled(drop.map(async ([, r]) => (await r.ready).runner.close?.()));
  }
}

/** Evaluates a chunk in the runner's batches, yielding between them so the job lock stays renewed. */
async function evaluateChunk(runner: Runner, params: readonly Params[], request: EvaluateRequest): Promise<TrialOutcome[]> {
  const step = Math.max(1, runner.batchSize ?? params.length);
  const out: TrialOutcome[] = [];
  for (let i = 0; i < params.length; i += step) {
    out.push(...(await runner.evaluate(params.slice(i, i + step), request)));
    await yieldToLoop();
  }
  return out;
}

/** The set of a failed chunk that throws, tried one by one (null when none does alone). */
async function culprit(runner: Runner, params: readonly Params[], request: EvaluateRequest): Promise<{ params: Params; error: unknown } | null> {
  for (const p of params) {
    try {
      await runner.evaluate([p], request);
    } catch (error) {
      return { params: p, error };
    }
    await yieldToLoop();
  }
  return null;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Connects to the queue (ConfigError naming --queue when Redis cannot be reached) and starts taking
 * jobs. Jobs that throw are retried once (`attempts: 2`) unless the error is a user error (bad
 * params or data: the same on every try); a worker that dies mid-job loses its lock and BullMQ hands
 * the job to another worker.
 */
export async function startResearchWorker(o: ResearchWorkerOptions): Promise<ResearchWorker> {
  const target = resolveQueueTarget({ url: o.url, name: o.name });
  const concurrency = o.concurrency ?? 1;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new ConfigError(`--concurrency must be a positive integer, got ${concurrency}`, { field: '--concurrency' });
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 0)) throw new ConfigError(`--threads must be a whole number >= 0, got ${o.threads}`, { field: '--threads' });
  const lockMs = o.lockMs ?? 30_000;
  if (!(Number.isInteger(lockMs) && lockMs >= 1000)) throw new ConfigError(`--lock-ms must be a whole number of milliseconds >= 1000, got ${lockMs}`, { field: '--lock-ms' });
  (await probeRedis(target)).disconnect();

  const id = `${hostname()}:${process.pid}`;
  const log = o.log ?? (() => {});
  const cache = new RunCache(o.threads, o.idleMs ?? 60_000);
  let processed = 0;

  const describe = async (job: Job<DescribeJobData>): Promise<DescribeResult> => {
    try {
      return await cache.use(job.data.runId, fromWire(job.data.spec) as OptimizeRequest, (runner, ctx) =>
        Promise.resolve({ worker: id, ok: true as const, context: toWire(ctx), timeline: toWire(runner.timeline) }));
    } catch (e) {
      if (!isUserError(e)) throw e;
      return { worker: id, ok: false, error: e.message, field: e.where.field ?? null };
    }
  };

  const evaluate = async (job: Job<EvaluateJobData>): Promise<EvaluateResult> => {
    const params = decodeParams(job.data.params);
    const request = decodeRequest(job.data.request);
    try {
      return await cache.use(job.data.runId, fromWire(job.data.spec) as OptimizeRequest, async (runner) => {
        let outcomes: TrialOutcome[];
        try {
          outcomes = await evaluateChunk(runner, params, request);
        } catch (e) {
          const bad = params.length > 1 ? await culprit(runner, params, request) : { params: params[0] ?? {}, error: e };
          const where = bad === null ? `${params.length} parameter set(s) from ${describeParams(params[0] ?? {})}` : `params ${describeParams(bad.params)}`;
          const error = bad?.error ?? e;
          // Bad params or data fail the same way on every try: no retry.
          const Err = isUserError(error) ? UnrecoverableError : Error;
          throw new Err(`[worker ${id}] ${where}: ${messageOf(error)}`);
        }
        return { worker: id, outcomes: encodeOutcomes(outcomes) };
      });
    } catch (e) {
      if (e instanceof UnrecoverableError || !isUserError(e)) throw e;
      // The run could not be prepared here (e.g. the data path does not exist on this machine).
      throw new UnrecoverableError(`[worker ${id}] cannot prepare the run: ${e.message}`);
    }
  };

  // A model fit of `ml evaluate|train --queue`: the fit the worker threads run. It is seeded and reads only
  // its job's data, so a throw repeats on every try: no retry.
  const mlFit = async (job: Job<FitJobData>): Promise<FitJobResult> => {
    const task = decodeFitTask(job.data.task);
    try {
      return encodeFitResult(await fitModel(task), id);
    } catch (e) {
      throw new UnrecoverableError(`[worker ${id}] ${task.kind} fit of rows ${task.scoreFrom}-${task.scoreTo}: ${messageOf(e)}`);
    }
  };

  // BullMQ leaves the client it is given open (it works on duplicates): closed in close().
  const connection = bullConnection(target.url);
  connection.on('error', () => {});
  const worker = new Worker(
    target.name,
    async (job: Job) => {
      const data = job.data as { v?: unknown };
      if (data.v !== WIRE_VERSION) {
        throw new UnrecoverableError(`[worker ${id}] job format v${String(data.v)}, this worker reads v${WIRE_VERSION}: run the same Sextant version everywhere`);
      }
      switch (job.name) {
        case DESCRIBE_JOB:
          return describe(job as Job<DescribeJobData>);
        case EVALUATE_JOB:
          return evaluate(job as Job<EvaluateJobData>);
        case ML_FIT_JOB:
          return mlFit(job as Job<FitJobData>);
        default:
          throw new UnrecoverableError(`[worker ${id}] unknown job "${job.name}"`);
      }
    },
    {
      connection, prefix: QUEUE_PREFIX, name: id, concurrency,
      lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: JOB_ATTEMPTS - 1, autorun: false,
    },
  );
  let lastError = '';
  worker.on('error', (e) => {
    const m = messageOf(e);
    if (m !== lastError) log(`worker ${id}: ${m}`);
    lastError = m;
  });
  worker.on('completed', () => {
    processed++;
    lastError = '';
  });
  worker.on('failed', (job, e) => {
    processed++;
    const retry = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1) && !(e instanceof UnrecoverableError);
    log(`worker ${id}: job ${job?.id ?? '?'} ${retry ? 'failed, will be retried' : 'failed'}: ${e.message}`);
  });
  const sweeper = setInterval(() => void cache.sweep(), 10_000);
  sweeper.unref();
  const running = worker.run();
  running.catch((e: unknown) => log(`worker ${id}: stopped: ${messageOf(e)}`));
  await worker.waitUntilReady();

  let closing: Promise<void> | null = null;
  return {
    id, target,
    get processed() {
      return processed;
    },
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await worker.close();
        await running.catch(() => {});
        connection.disconnect();
        await cache.sweep(Date.now(), true);
      })();
      return closing;
    },
  };
}
