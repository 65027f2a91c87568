// Parameter spaces: `fast=5:50:5,slow=20:200:10,exit=middle|upper`, their grids and random draws.
import { ConfigError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ParamValue, Params } from './types.ts';

/**
 * One parameter's domain.
 * - `int`: lo, lo + step, ... up to hi (inclusive).
 * - `float`: the same grid when `step` is set; the continuous interval [lo, hi] when it is null.
 * - `choice`: a list of values (numbers, booleans or strings).
 */
export type ParamDomain =
  | { readonly kind: 'int'; readonly name: string; readonly lo: number; readonly hi: number; readonly step: number }
  | { readonly kind: 'float'; readonly name: string; readonly lo: number; readonly hi: number; readonly step: number | null }
  | { readonly kind: 'choice'; readonly name: string; readonly values: readonly ParamValue[] };

export interface ParamSpace {
  readonly params: readonly ParamDomain[];
}

const FIELD = { field: '--space' };

function parseNumber(text: string, what: string, name: string): number {
  const t = text.trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) throw new ConfigError(`${name}: ${what} "${text}" is not a number`, FIELD);
  return n;
}

function parseChoice(text: string): ParamValue {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return t;
}

/** Decimals needed to write `x` (0.25 -> 2); float grids are rounded to the step's decimals. */
function decimals(x: number): number {
  const s = String(x);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + Math.max(0, s.slice(0, e).split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

/**
 * Parses a space: comma-separated `name=lo:hi[:step]` (ints when lo, hi and step are integers,
 * floats otherwise; a float range without a step is continuous), `name=a|b|c` (choices) or
 * `name=value` (fixed).
 */
export function parseSpace(text: string): ParamSpace {
  const params: ParamDomain[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`expected name=lo:hi[:step] or name=a|b, got "${part}"`, FIELD);
    const name = part.slice(0, eq).trim();
    const spec = part.slice(eq + 1).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`bad parameter name "${name}"`, FIELD);
    if (seen.has(name)) throw new ConfigError(`parameter ${name} is given twice`, FIELD);
    seen.add(name);
    if (spec === '') throw new ConfigError(`${name}: no values`, FIELD);
    if (spec.includes('|') || !spec.includes(':')) {
      const values = spec.split('|').map(parseChoice);
      if (values.some((v) => v === '')) throw new ConfigError(`${name}: empty choice in "${spec}"`, FIELD);
      if (new Set(values).size !== values.length) throw new ConfigError(`${name}: repeated choice in "${spec}"`, FIELD);
      params.push({ kind: 'choice', name, values });
      continue;
    }
    const bits = spec.split(':');
    if (bits.length > 3) throw new ConfigError(`${name}: expected lo:hi or lo:hi:step, got "${spec}"`, FIELD);
    const lo = parseNumber(bits[0]!, 'lower bound', name);
    const hi = parseNumber(bits[1]!, 'upper bound', name);
    const step = bits[2] === undefined ? null : parseNumber(bits[2], 'step', name);
    if (!(hi >= lo)) throw new ConfigError(`${name}: upper bound ${hi} is below lower bound ${lo}`, FIELD);
    if (step !== null && !(step > 0)) throw new ConfigError(`${name}: step must be positive, got ${step}`, FIELD);
    if (Number.isInteger(lo) && Number.isInteger(hi) && (step === null || Number.isInteger(step))) {
      params.push({ kind: 'int', name, lo, hi, step: step ?? 1 });
    } else {
      params.push({ kind: 'float', name, lo, hi, step });
    }
  }
  if (params.length === 0) throw new ConfigError('the space has no parameters', FIELD);
  return { params };
}

/** Writes a space back in the syntax `parseSpace` reads. */
export function formatSpace(space: ParamSpace): string {
  return space.params
    .map((p) => {
      if (p.kind === 'choice') return `${p.name}=${p.values.join('|')}`;
      return p.step === null ? `${p.name}=${p.lo}:${p.hi}` : `${p.name}=${p.lo}:${p.hi}:${p.step}`;
    })
    .join(',');
}

/** Number of values of a discrete domain; Infinity for a continuous one. */
export function domainSize(d: ParamDomain): number {
  if (d.kind === 'choice') return d.values.length;
  if (d.step === null) return Infinity;
  return Math.floor((d.hi - d.lo) / d.step + 1e-9) + 1;
}

/** Value `k` of a discrete domain (float grids rounded to the step's decimals). */
export function domainValue(d: ParamDomain, k: number): ParamValue {
  if (d.kind === 'choice') return d.values[k]!;
  const step = d.step ?? 0;
  if (d.kind === 'int') return d.lo + k * step;
  const places = Math.max(decimals(d.lo), decimals(step));
  return Number((d.lo + k * step).toFixed(places));
}

/** Snaps a number onto a numeric domain (nearest grid value, clamped to the bounds). */
export function snap(d: Exclude<ParamDomain, { kind: 'choice' }>, x: number): number {
  if (d.step === null) return Math.min(d.hi, Math.max(d.lo, x));
  const k = Math.min(domainSize(d) - 1, Math.max(0, Math.round((x - d.lo) / d.step)));
  return domainValue(d, k) as number;
}

/** Number of points of the grid; Infinity when a domain is continuous. */
export function gridSize(space: ParamSpace): number {
  return space.params.reduce((n, d) => n * domainSize(d), 1);
}

/** Every point of the grid, the first parameter varying slowest. */
export function* gridPoints(space: ParamSpace): Generator<Params> {
  const dims = space.params.map(domainSize);
  const bad = space.params.find((_, i) => dims[i] === Infinity);
  if (bad !== undefined) throw new ConfigError(`${bad.name}: grid search needs a step (lo:hi:step)`, FIELD);
  if (dims.some((n) => n === 0)) return;
  const idx = new Array<number>(dims.length).fill(0);
  for (;;) {
    const p: Record<string, ParamValue> = {};
    space.params.forEach((d, i) => (p[d.name] = domainValue(d, idx[i]!)));
    yield p;
    let j = dims.length - 1;
    while (j >= 0 && ++idx[j]! === dims[j]!) idx[j--] = 0;
    if (j < 0) return;
  }
}

/** A uniform random point: a uniform index for discrete domains, a uniform real for continuous ones. */
export function samplePoint(space: ParamSpace, rng: Rng): Params {
  const p: Record<string, ParamValue> = {};
  for (const d of space.params) {
    if (d.kind !== 'choice' && d.step === null) p[d.name] = d.lo + rng.next() * (d.hi - d.lo);
    else p[d.name] = domainValue(d, rng.int(domainSize(d)));
  }
  return p;
}

/** A stable key of a parameter set (the space's order), for de-duplication and caching. */
export function paramsKey(space: ParamSpace, p: Params): string {
  return space.params.map((d) => String(p[d.name])).join('\u0001');
}
