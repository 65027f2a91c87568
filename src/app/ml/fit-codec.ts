// The wire form of model fits sent to `sextant worker` over the research queue (`--queue`): a FitTask as job
// data, a FitResult as the job's return value. Every number survives bit for bit (the research codec's
// toWire/fromWire: NaN, ±Infinity, -0, Float64Arrays as base64), so a fit on a worker equals a fit on a thread.
import { InvariantError } from '../../core/errors.ts';
import { fromWire, toWire, WIRE_VERSION, type Wire } from '../../research/queue-codec.ts';
import { MODEL_KINDS } from './dataset.ts';
import type { FitResult, FitTask } from './fit.ts';

/** Job name of one model fit on the research queue. */
export const ML_FIT_JOB = 'ml-fit';

export interface FitJobData {
  readonly v: number;
  /** Submission id (names the jobs). */
  readonly runId: string;
  readonly task: Wire;
}

export interface FitJobResult {
  /** `host:pid` of the worker that fitted. */
  readonly worker: string;
  readonly result: Wire;
}

// Int32 values are exact as doubles: the index arrays travel as Float64Arrays.
const i32 = (a: Int32Array): Float64Array => Float64Array.from(a);
function fromI32(v: unknown, what: string): Int32Array {
  if (!(v instanceof Float64Array)) throw new InvariantError(`corrupt ml-fit job: ${what} is not an array`);
  return Int32Array.from(v);
}

/**
 * A task as job data. Rows from `scoreTo` on are dropped: a fit reads only rows before it (its training
 * rows, its standardizer window and its scored rows), so the worker computes the same fit on less data.
 */
export function encodeFitTask(t: FitTask, runId: string): FitJobData {
  const rows = t.scoreTo;
  const task = {
    kind: t.kind, seed: t.seed, names: [...t.names], cols: t.cols,
    values: t.values.slice(0, rows * t.cols), time: t.time.slice(0, rows), y: t.y.slice(0, rows), end: i32(t.end.subarray(0, rows)),
    weight: t.weight.slice(0, rows), train: i32(t.train), fitFrom: t.fitFrom, fitTo: t.fitTo, scoreFrom: t.scoreFrom, scoreTo: t.scoreTo,
    importance: t.importance,
  };
  return { v: WIRE_VERSION, runId, task: toWire(task) };
}

export function decodeFitTask(w: Wire): FitTask {
  const t = fromWire(w) as Record<string, unknown>;
  if (typeof t !== 'object' || t === null || !MODEL_KINDS.includes(t['kind'] as never)) throw new InvariantError('corrupt ml-fit job: no model kind');
  for (const k of ['values', 'time', 'y', 'weight']) {
    if (!(t[k] instanceof Float64Array)) throw new InvariantError(`corrupt ml-fit job: ${k} is not an array`);
  }
  return { ...(t as unknown as FitTask), end: fromI32(t['end'], 'end'), train: fromI32(t['train'], 'train') };
}

export const encodeFitResult = (r: FitResult, worker: string): FitJobResult => ({ worker, result: toWire(r) });

export function decodeFitResult(w: FitJobResult): FitResult {
  const r = fromWire(w.result) as FitResult;
  if (typeof r !== 'object' || r === null || !(r.scores instanceof Float64Array)) throw new InvariantError(`worker ${w.worker} returned a corrupt ml-fit result`);
  return r;
}
