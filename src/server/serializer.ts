// Response serialization: every answer is checked against its route's zod response schema before it is
// written (a handler that returns the wrong shape is a 500, never an undocumented body), then stringified.
// fastify-type-provider-zod's serializer checks with `safeEncode` (zod's backward direction), which takes
// zod's slow path: several times the cost of the rest of a small request. For a schema with no directional
// part (no transform, pipe/codec, default, prefault, catch, success, readonly...) encoding and parsing
// accept the same values and give the same output, and `safeParse` takes zod's compiled fast path; such
// schemas are checked with it (and a flat answer equal to the previous one reuses its text). Any other schema
// keeps `safeEncode`, exactly as before.
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { $ZodType, safeEncode, safeParse } from 'zod/v4/core';

/** The kinds of zod schema whose parse and encode are the same function of their children. */
const SYMMETRIC = new Set([
  'string', 'number', 'int', 'boolean', 'bigint', 'symbol', 'null', 'undefined', 'void', 'never', 'any', 'unknown', 'date', 'nan', 'file',
  'object', 'record', 'array', 'tuple', 'union', 'intersection', 'map', 'set', 'enum', 'literal', 'template_literal', 'nullable', 'optional', 'nonoptional', 'lazy', 'custom',
]);

/** The schemas a def refers to (shape, element, options, inner type...), whatever its kind. */
function childrenOf(def: Record<string, unknown>): $ZodType[] {
  const out: $ZodType[] = [];
  const add = (v: unknown): void => {
    if (v instanceof $ZodType) out.push(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  for (const [k, v] of Object.entries(def)) {
    if (k === 'shape' && v !== null && typeof v === 'object') Object.values(v).forEach(add);
    else add(v);
  }
  if (def.type === 'lazy' && typeof def.getter === 'function') add((def.getter as () => unknown)());
  return out;
}

/** True when parsing `schema` accepts exactly what encoding accepts and gives the same output. */
export function isSymmetric(schema: $ZodType, seen = new Set<$ZodType>()): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown>;
  if (!SYMMETRIC.has(def.type as string)) return false;
  return childrenOf(def).every((c) => isSymmetric(c, seen));
}

function resolveSchema(maybe: unknown): $ZodType {
  if (maybe instanceof $ZodType) return maybe;
  const props = (maybe as { properties?: unknown } | null)?.properties;
  if (props instanceof $ZodType) return props;
  throw new Error(`a response schema must be a zod schema: ${JSON.stringify(maybe)}`);
}

/**
 * The previous answer of one serializer, reused while a handler returns a flat object (own values all
 * primitives) equal to the previous one, key for key in the same order: the check (the API's refinements are
 * pure) and the text are a function of those keys and values, so the answer is the same. A dashboard polling an account between two
 * ticks of the market gets the same text for every request.
 */
class LastAnswer {
  #keys: string[] | null = null;
  #values: unknown[] = [];
  #text = '';

  /** The text of the previous answer when `data` equals its input, else undefined. */
  get(data: unknown): string | undefined {
    const keys = this.#keys;
    if (keys === null || !isPlainObject(data)) return undefined;
    const now = Object.keys(data);
    if (now.length !== keys.length) return undefined;
    for (let i = 0; i < now.length; i++) {
      const k = now[i]!;
      if (k !== keys[i] || !Object.is(data[k], this.#values[i])) return undefined;
    }
    return this.#text;
  }

  /** Keeps `text` as the answer to `data` when `data` is a flat object; forgets the previous one otherwise. */
  set(data: unknown, text: string): void {
    this.#keys = null;
    if (!isPlainObject(data)) return;
    const keys = Object.keys(data);
    const values = keys.map((k) => data[k]);
    if (!values.every((v) => v === null || (typeof v !== 'object' && typeof v !== 'function'))) return;
    this.#keys = keys;
    this.#values = values;
    this.#text = text;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** fastify's serializer compiler for zod response schemas (as fastify-type-provider-zod's, faster when it can be). */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema: maybe, method, url }) => {
  const schema = resolveSchema(maybe);
  const symmetric = isSymmetric(schema);
  const check = symmetric ? safeParse : safeEncode;
  const last = new LastAnswer();
  return (data: unknown): string => {
    const same = symmetric ? last.get(data) : undefined;
    if (same !== undefined) return same;
    const result = check(schema, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    const text = JSON.stringify(result.data);
    if (symmetric) last.set(data, text);
    return text;
  };
};
