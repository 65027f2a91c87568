// A VecEnv whose envs live in worker threads: each worker owns a contiguous block of envs, built by a
// factory module (e.g. TRADING_ENV_FACTORY) from JSON-like args; one step is one message per worker
// with its block's actions, answered with its block's results. Auto-reset and seeding are the in-process
// SyncVecEnv's (shared helpers), so both give the same trajectories.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { VecEnv, VecStep, EnvInfo } from '../../ml/rl/env.ts';
import { actionSize, type ActionSpace } from '../../ml/rl/spaces.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './vec-env-worker.ts';

/** A module export `(args, envIndex) => Env | Promise<Env>` and the args for it (structured-cloneable). */
export interface EnvFactorySpec {
  /** URL of the module (e.g. `import.meta.url` of the module that exports the factory). */
  readonly module: string;
  readonly exportName: string;
  readonly args: unknown;
}

export interface WorkerVecEnvOptions {
  /** Worker threads (default: the machine's available parallelism, at most one per env). */
  readonly threads?: number;
}

// From sources a plain boot module registers tsx in the worker first; built, the compiled worker runs as is.
const ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('./vec-env-worker-boot.mjs', import.meta.url)
  : new URL('./vec-env-worker.js', import.meta.url);

interface Slot {
  readonly worker: Worker;
  readonly first: number;
  readonly count: number;
  pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | null;
  failed: Error | null;
}

export class WorkerVecEnv implements VecEnv {
  readonly count: number;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  readonly threads: number;
  readonly #slots: readonly Slot[];
  readonly #width: number;
  #closed = false;

  private constructor(slots: Slot[], count: number, observationSize: number, actionSpace: ActionSpace) {
    this.#slots = slots;
    this.threads = slots.length;
    this.count = count;
    this.observationSize = observationSize;
    this.actionSpace = actionSpace;
    this.#width = actionSize(actionSpace);
  }

  /** Starts the workers and builds `count` envs with `factory`; resolves once every worker is ready. */
  static async create(factory: EnvFactorySpec, count: number, opts: WorkerVecEnvOptions = {}): Promise<WorkerVecEnv> {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`a VecEnv needs a positive whole number of envs, got ${count}`);
    const threads = Math.max(1, Math.min(count, Math.floor(opts.threads ?? availableParallelism())));
    const slots: Slot[] = [];
    let first = 0;
    for (let w = 0; w < threads; w++) {
      const n = Math.floor(count / threads) + (w < count % threads ? 1 : 0);
      const init: WorkerInit = { module: factory.module, exportName: factory.exportName, args: factory.args, first, count: n };
      const worker = new Worker(ENTRY, { workerData: { vecEnvWorker: init } });
      const slot: Slot = { worker, first, count: n, pending: null, failed: null };
      const fail = (e: Error): void => {
        slot.failed ??= e;
        const p = slot.pending;
        slot.pending = null;
        p?.reject(e);
      };
      worker.on('message', (m: WorkerReply) => {
        const p = slot.pending;
        slot.pending = null;
        if (m.type === 'error') {
          const e = new Error(`env worker ${w}: ${m.message}`);
          slot.failed ??= e;
          p?.reject(e);
        } else p?.resolve(m);
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => fail(new Error(`env worker ${w} exited (code ${code})`)));
      slots.push(slot);
      first += n;
    }
    const env = new WorkerVecEnv(slots, count, 0, { kind: 'discrete', n: 1 });
    let ready: WorkerReply[];
    try {
      ready = await Promise.all(slots.map((s) => env.#await(s)));
    } catch (e) {
      await env.close();
      throw e;
    }
    const r = ready[0] as Extract<WorkerReply, { type: 'ready' }>;
    return new WorkerVecEnv(slots, count, r.observationSize, r.actionSpace);
  }

  #await(slot: Slot): Promise<WorkerReply> {
    if (slot.failed !== null) return Promise.reject(slot.failed);
    return new Promise((resolve, reject) => {
      slot.pending = { resolve, reject };
    });
  }

  #ask(slot: Slot, req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.#closed) return Promise.reject(new Error('WorkerVecEnv is closed'));
    const p = this.#await(slot);
    if (slot.failed === null) slot.worker.postMessage(req, transfer);
    return p;
  }

  async reset(seed: number): Promise<Float64Array> {
    const d = this.observationSize;
    const out = new Float64Array(this.count * d);
    const replies = await Promise.all(this.#slots.map((s) => this.#ask(s, { type: 'reset', seed })));
    replies.forEach((r, w) => out.set((r as Extract<WorkerReply, { type: 'reset' }>).observations, this.#slots[w]!.first * d));
    return out;
  }

  async step(actions: Float64Array): Promise<VecStep> {
    const d = this.observationSize;
    const aw = this.#width;
    const replies = await Promise.all(this.#slots.map((s) => {
      const a = actions.slice(s.first * aw, (s.first + s.count) * aw);
      return this.#ask(s, { type: 'step', actions: a }, [a.buffer as ArrayBuffer]);
    }));
    const n = this.count;
    const out = {
      observations: new Float64Array(n * d), rewards: new Float64Array(n), dones: new Uint8Array(n), truncated: new Uint8Array(n),
      terminalObservations: new Float64Array(n * d), infos: new Array<EnvInfo | null>(n),
    };
    replies.forEach((reply, w) => {
      const r = reply as Extract<WorkerReply, { type: 'step' }>;
      const f = this.#slots[w]!.first;
      out.observations.set(r.observations, f * d);
      out.terminalObservations.set(r.terminalObservations, f * d);
      out.rewards.set(r.rewards, f);
      out.dones.set(r.dones, f);
      out.truncated.set(r.truncated, f);
      for (let k = 0; k < r.infos.length; k++) out.infos[f + k] = r.infos[k]!;
    });
    return out;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}
