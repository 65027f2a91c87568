// The wire format of distributed research jobs (BullMQ over Redis, see docs/research.md "Distributed
// runs"). BullMQ stores job data and return values as JSON, which loses NaN, ±Infinity and -0 and has
// no typed arrays; this codec keeps every number bit for bit, so a report assembled from queue
// results is identical to the local one. Pure data: no I/O, no engine.
import { InvariantError } from '../core/errors.ts';
import type { EvaluateRequest, Params, TrialOutcome } from './types.ts';

/** A JSON value. */
export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/** Job names on the research queue. */
export const DESCRIBE_JOB = 'describe';
export const EVALUATE_JOB = 'evaluate';
/** Bumped when the job payloads change; workers refuse other versions. */
export const WIRE_VERSION = 1;

/** `describe`: prepare the run on a worker (load data, build the runner) and report its timeline. */
export interface DescribeJobData {
  readonly v: number;
  /** Submission id: workers cache the prepared runner under it. */
  readonly runId: string;
  /** The research request (app-level, opaque here). */
  readonly spec: Wire;
}

/** `evaluate`: a chunk of parameter sets with the evaluate request. */
export interface EvaluateJobData extends DescribeJobData {
  /** Encoded `Params[]`. */
  readonly params: Wire;
  /** Encoded `EvaluateRequest`. */
  readonly request: Wire;
}

export type DescribeResult =
  | { readonly worker: string; readonly ok: true; readonly context: Wire; readonly timeline: Wire }
  /** A user error (bad flag or data on the worker): the submitting command exits 2 with it. */
  | { readonly worker: string; readonly ok: false; readonly error: string; readonly field: string | null };

export interface EvaluateResult {
  readonly worker: string;
  /** Encoded `TrialOutcome[]`, one per parameter set, in order. */
  readonly outcomes: Wire;
}

const b64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function unb64(s: string): Float64Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 8 !== 0) throw new InvariantError(`corrupt Float64Array on the wire (${bytes.length} bytes)`);
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/**
 * Encodes a value of plain objects, arrays, strings, booleans, null, numbers and Float64Arrays as
 * JSON that `fromWire` turns back into an equal value: non-finite numbers and -0 become
 * `{ $num: 'NaN' | 'Infinity' | '-Infinity' | '-0' }`, Float64Arrays `{ $f64: base64 }` (native byte
 * order: little-endian on every platform Node runs on), objects with `$` keys are wrapped in
 * `{ $obj: ... }`. Undefined properties are dropped, as JSON does.
 */
export function toWire(v: unknown): Wire {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $num: Object.is(v, -0) ? '-0' : String(v) };
  }
  if (v instanceof Float64Array) return { $f64: b64(v) };
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toWire(x)));
  const proto: unknown = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, Wire> = {};
    let dollar = false;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      if (k.startsWith('$')) dollar = true;
      out[k] = toWire(x);
    }
    return dollar ? { $obj: out } : out;
  }
  throw new InvariantError(`cannot put a ${Object.prototype.toString.call(v)} on the research queue`);
}

const NUMS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** The inverse of `toWire`. */
export function fromWire(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) return w.map(fromWire);
  const keys = Object.keys(w);
  if (keys.length === 1) {
    const only = keys[0]!;
    const x = w[only]!;
    if (only === '$num' && typeof x === 'string' && x in NUMS) return NUMS[x];
    if (only === '$f64' && typeof x === 'string') return unb64(x);
    if (only === '$obj' && x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const out: Record<string, unknown> = {};
      for (const [k, y] of Object.entries(x)) out[k] = fromWire(y);
      return out;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, y] of Object.entries(w)) out[k] = fromWire(y);
  return out;
}

export const encodeParams = (p: readonly Params[]): Wire => toWire(p);
export const decodeParams = (w: Wire): Params[] => fromWire(w) as Params[];
export const encodeRequest = (r: EvaluateRequest): Wire => toWire({ window: r.window, blocks: r.blocks, keepCurve: r.keepCurve });
export const decodeRequest = (w: Wire): EvaluateRequest => fromWire(w) as EvaluateRequest;

export function encodeOutcomes(outcomes: readonly TrialOutcome[]): Wire {
  return toWire(outcomes.map((o) => (o.curve === undefined ? { metrics: o.metrics, moments: o.moments } : { metrics: o.metrics, moments: o.moments, curve: o.curve })));
}

export function decodeOutcomes(w: Wire, expected: number): TrialOutcome[] {
  const list = fromWire(w);
  if (!Array.isArray(list) || list.length !== expected) {
    throw new InvariantError(`a research worker returned ${Array.isArray(list) ? list.length : 'no'} outcome(s) for ${expected} parameter set(s)`);
  }
  return list as TrialOutcome[];
}

/** `fast=5 slow=20`: a parameter set in messages. */
export function describeParams(p: Params): string {
  return Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}
