// The OpenAPI document's route transform: the zod schemas as JSON Schema (fastify-type-provider-zod), plus the
// problems any route can answer besides its own, so that every status the server gives is documented: 429
// (rate limit) on every route, and 413 (body over the limit) and 415 (a content type other than JSON) on
// every route that takes a body.
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ProblemSchema } from './problem.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const openApiTransform: typeof jsonSchemaTransform = (arg) => {
  const schema = arg.schema as { response?: Record<string, unknown>; hide?: boolean } | undefined;
  if (schema?.response === undefined || schema.hide === true) return jsonSchemaTransform(arg);
  const methods = [(arg as { route?: { method?: string | string[] } }).route?.method ?? []].flat();
  const transport = { 429: ProblemSchema, ...(methods.some((m) => WITH_BODY.has(m)) ? { 413: ProblemSchema, 415: ProblemSchema } : {}) };
  return jsonSchemaTransform({ ...arg, schema: { ...schema, response: { ...transport, ...schema.response } } } as typeof arg);
};
