// Worker-thread side of WorkerVecEnv: builds its envs with the factory named in workerData, then answers
// reset and step messages for them with the same helpers SyncVecEnv uses (src/ml/rl/env.ts), sending the
// result buffers back without copying them.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { actionSize } from '../../ml/rl/spaces.ts';
import { resetEnvs, stepEnvs, vecBuffers, type Env } from '../../ml/rl/env.ts';

export interface WorkerInit {
  readonly module: string;
  readonly exportName: string;
  readonly args: unknown;
  /** Index of this worker's first env in the VecEnv, and how many it owns. */
  readonly first: number;
  readonly count: number;
}

export type WorkerRequest = { readonly type: 'reset'; readonly seed: number } | { readonly type: 'step'; readonly actions: Float64Array };

export type WorkerReply =
  | { readonly type: 'ready'; readonly observationSize: number; readonly actionSpace: Env['actionSpace'] }
  | { readonly type: 'reset'; readonly observations: Float64Array }
  | {
    readonly type: 'step'; readonly observations: Float64Array; readonly rewards: Float64Array; readonly dones: Uint8Array;
    readonly truncated: Uint8Array; readonly terminalObservations: Float64Array; readonly infos: readonly (Readonly<Record<string, number>> | null)[];
  }
  | { readonly type: 'error'; readonly message: string };

async function serve(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  let envs: Env[];
  try {
    const mod = (await import(init.module)) as Record<string, unknown>;
    const factory = mod[init.exportName];
    if (typeof factory !== 'function') throw new TypeError(`${init.module} has no function export "${init.exportName}"`);
    envs = [];
    for (let k = 0; k < init.count; k++) envs.push(await (factory as (args: unknown, i: number) => Env | Promise<Env>)(init.args, init.first + k));
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    return;
  }
  const d = envs[0]!.observationSize;
  const width = actionSize(envs[0]!.actionSpace);
  port.postMessage({ type: 'ready', observationSize: d, actionSpace: envs[0]!.actionSpace } satisfies WorkerReply);
  port.on('message', (m: WorkerRequest) => {
    try {
      if (m.type === 'reset') {
        const observations = new Float64Array(init.count * d);
        resetEnvs(envs, m.seed, observations, init.first);
        port.postMessage({ type: 'reset', observations } satisfies WorkerReply, [observations.buffer as ArrayBuffer]);
      } else {
        const out = vecBuffers(init.count, d);
        stepEnvs(envs, m.actions, width, out);
        port.postMessage({ type: 'step', ...out } satisfies WorkerReply, [out.observations.buffer, out.rewards.buffer, out.dones.buffer, out.truncated.buffer, out.terminalObservations.buffer] as ArrayBuffer[]);
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
    }
  });
}

if (!isMainThread && parentPort !== null && (workerData as { vecEnvWorker?: WorkerInit } | null)?.vecEnvWorker !== undefined) {
  void serve((workerData as { vecEnvWorker: WorkerInit }).vecEnvWorker);
}
