// Who is asking, and may they: every route declares the scope it needs (`config.scope`: public, read,
// trade, admin); a route that declares none needs admin (closed by default). A request proves itself with a
// Bearer token (scripts) or the session cookie (the dashboard); a cookie request that changes anything must
// also carry the session's CSRF token in `x-csrf-token`. Checked in onRequest, before the body is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { csrfMatches } from '../app/access/sessions.ts';
import { scopeAllows, type Scope } from '../app/access/scope.ts';
import type { ServerServices } from '../app/server-services.ts';
import { HttpProblem, problem } from './problem.ts';

export type RouteScope = 'public' | Scope;
export const SESSION_COOKIE = 'sextant_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Principal {
  readonly kind: 'session' | 'token';
  /** A username, or `token:<id>` for a token of no user. */
  readonly actor: string;
  readonly scope: Scope;
  readonly username: string | null;
  readonly tokenId: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; absent = admin. */
    scope?: RouteScope;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The scope a route needs: its declared one, admin when it declares none. */
export function routeScope(request: FastifyRequest): RouteScope {
  return request.routeOptions.config.scope ?? 'admin';
}

async function identify(request: FastifyRequest, services: ServerServices): Promise<Principal | null> {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth !== '') {
    const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(auth);
    if (m === null) throw new HttpProblem(problem(401, 'the Authorization header must be "Bearer <token>"', 'headers.authorization'));
    const t = await services.tokens.verify(m[1]!);
    if (t === null) throw new HttpProblem(problem(401, 'the token is unknown, revoked or expired', 'headers.authorization'));
    return { kind: 'token', actor: t.username ?? `token:${t.id}`, scope: t.scope, username: t.username, tokenId: t.id };
  }
  const sid = request.cookies[SESSION_COOKIE];
  if (sid === undefined || sid === '') return null;
  const s = await services.sessions.verify(sid);
  if (s === null) return null;
  if (MUTATING.has(request.method) && !csrfMatches(s, request.headers[CSRF_HEADER])) {
    throw new HttpProblem(problem(403, `a change made with the session cookie needs the session's CSRF token in the ${CSRF_HEADER} header`, `headers.${CSRF_HEADER}`, 'csrf'));
  }
  return { kind: 'session', actor: s.username, scope: s.role, username: s.username, tokenId: null };
}

/** Installs the check on every route (including routes added later: it reads each route's own config). */
export function registerAuth(app: FastifyInstance, services: ServerServices): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const need = routeScope(request);
    // Unknown routes are 404 whoever asks (no probing for which paths exist needs a login... nor reveals any).
    if (request.routeOptions.url === undefined) return;
    if (need === 'public') {
      // A public route (health, login) answers whoever asks; a bad credential does not turn it into a 401.
      request.principal = await identify(request, services).catch(() => null);
      return;
    }
    const who = await identify(request, services);
    request.principal = who;
    if (who === null) throw new HttpProblem(problem(401, 'log in (session cookie) or send a token (Authorization: Bearer <token>)', null));
    if (!scopeAllows(who.scope, need)) throw new HttpProblem(problem(403, `this needs the ${need} scope; the ${who.kind} has ${who.scope}`, null));
  });
}

/** The principal of an authenticated route (set by the onRequest check). */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (p === null) throw new HttpProblem(problem(401, 'not logged in', null));
  return p;
}

/** How an operator command records who asked: `api: <user or token> from <address>`. */
export function requesterOf(request: FastifyRequest): string {
  return `api: ${principalOf(request).actor} from ${request.ip}`;
}
