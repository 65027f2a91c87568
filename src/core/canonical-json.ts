// JSON Canonicalization Scheme (RFC 8785): the one byte string a JSON value hashes as, whatever order
// its keys were written in. Object keys are sorted by their UTF-16 code units, there is no whitespace,
// and numbers and strings are written as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2 adopts
// exactly that serialization: shortest round-trip numbers, -0 as 0, the minimal string escapes).
import { InputError } from './errors.ts';

/** The canonical text of `value`; throws an InputError on what JSON cannot hold (NaN, Infinity, undefined, functions, cycles). */
export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}

function write(v: unknown, path: string, depth: number): string {
  if (depth > 100) throw new InputError(`nested deeper than 100 levels at ${path}`, { field: path });
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new InputError(`${String(v)} is not a JSON number at ${path}`, { field: path });
      return JSON.stringify(v);
    case 'string':
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x, i) => write(x, `${path}[${i}]`, depth + 1)).join(',')}]`;
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort(byCodeUnits);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], `${path}.${k}`, depth + 1)}`).join(',')}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new InputError(`a ${typeof v} is not a JSON value at ${path}`, { field: path });
}

/** RFC 8785 §3.2.3: keys compare as arrays of UTF-16 code units (JavaScript's own string order). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
