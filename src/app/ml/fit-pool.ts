// Runs model fits on worker threads (piscina, one per core by default) or in process (`threads: 0`). Each
// fit is seeded, so the results do not depend on how the fits are spread over threads.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { fitModel, type FitResult, type FitTask } from './fit.ts';

// Built (dist/), the compiled worker loads directly; from sources, a plain boot module registers tsx first.
const BOOT = import.meta.url.endsWith('.ts') ? new URL('./fit-worker-boot.mjs', import.meta.url).href : new URL('./fit-worker.js', import.meta.url).href;

/** Default worker threads: the machine's cores. */
export const defaultThreads = (): number => availableParallelism();

/** A copy of `a` in shared memory: every worker reads it without a copy of its own. */
export function shared<T extends Float64Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** Fits every task; `onDone` after each. Results in task order. */
export async function runFits(tasks: readonly FitTask[], threads: number, onDone: () => void = () => {}): Promise<FitResult[]> {
  const n = Math.min(Math.max(0, Math.floor(threads)), tasks.length);
  if (n <= 1) {
    const out: FitResult[] = [];
    for (const t of tasks) {
      out.push(await fitModel(t));
      onDone();
    }
    return out;
  }
  const pool = new Piscina({ filename: BOOT, minThreads: n, maxThreads: n, idleTimeout: 1000 });
  try {
    return await Promise.all(tasks.map(async (t) => {
      const r = (await pool.run(t)) as FitResult;
      onDone();
      return r;
    }));
  } finally {
    await pool.destroy();
  }
}
