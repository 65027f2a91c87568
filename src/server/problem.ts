// Every error the API answers with has one JSON shape, the problem: HTTP status, a stable code, a message for
// people and the field at fault. Input errors are 4xx and name the field; anything unexpected is a 500 with
// a generic message (the details go to the server's log, never to the client: no stack traces).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SextantError } from '../core/errors.ts';

export const ProblemSchema = z.object({
  status: z.number().int(),
  /** Stable, for programs: bad_request, unauthorized, forbidden, not_found, conflict, payload_too_large, rate_limited, internal... */
  code: z.string(),
  message: z.string(),
  /** The request field at fault (`body.strategies.0.name`, `query.limit`), when one is. */
  field: z.string().nullable(),
});
export type Problem = z.infer<typeof ProblemSchema>;

const CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 409: 'conflict',
  413: 'payload_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'rate_limited', 500: 'internal', 502: 'venue_error', 503: 'unavailable',
};

export function problem(status: number, message: string, field: string | null = null, code = CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request')): Problem {
  return { status, code, message, field };
}

/** An error a handler throws on purpose with its status (auth, CSRF, scope). */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** A CLI flag in an app error (`--venue`) is the request's field (`venue`) here. */
const unflag = (s: string): string => s.replace(/(^|")--([a-z])/g, '$1$2');
/** The app's message without its `field "x": ` prefix (the problem has the field on its own). */
const unprefixed = (s: string): string => s.replace(/^field "[^"]*": /, '');

/** The problem for any error a route or hook throws. */
export function problemOf(err: unknown): Problem {
  if (err instanceof HttpProblem) return err.problem;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const v = err.validation[0]!;
    const context = (err as { validationContext?: string }).validationContext ?? 'body';
    // fastify says `querystring`; the API's fields say `query` (as the docs and the app's own errors do).
    const where = context === 'querystring' ? 'query' : context;
    const path = v.instancePath.split('/').filter(Boolean);
    const field = [where, ...path].join('.');
    return problem(400, `${field}: ${v.message ?? 'invalid'}`, field);
  }
  if (err instanceof SextantError) {
    const status = (err as { status?: number }).status;
    const where = (err as { where?: { field?: string } }).where;
    const field = where?.field === undefined ? null : unflag(where.field);
    if (err.group === 'input' || err.group === 'config') return problem(status ?? 400, unflag(unprefixed(err.message)), field);
    if (err.group === 'venue-rejected') return problem(422, err.message, field, 'venue_rejected');
    if (err.group === 'retryable-venue') return problem(503, err.message, field, 'venue_unavailable');
    if (err.group === 'reconciliation') return problem(409, err.message, field, 'reconciliation');
  }
  const fe = err as Partial<FastifyError>;
  // fastify's own 4xx (bad JSON, body too large, wrong content type).
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problem(fe.statusCode, fe.statusCode === 413 ? 'the request body is too large' : (fe.message ?? 'bad request').replace(/^Body cannot be empty.*$/, 'the request body must not be empty'), fe.statusCode === 413 ? 'body' : null);
  }
  return problem(500, 'internal error: the server could not answer this request (see its log)');
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** fastify's error handler: log what is unexpected, answer with the problem. */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const p = problemOf(err);
  if (p.status >= 500) request.log.error({ err }, 'request failed');
  return sendProblem(reply, p);
}
