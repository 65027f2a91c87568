// Who is asking, and may they: every route declares the scope it needs (`config.scope`: public, read,
// trade, admin); a route that declares none needs admin (closed by default). A request proves itself with a
// Bearer token (scripts) or the session cookie (the dashboard); a cookie request that changes anything must
// also carry the session's CSRF token in `x-csrf-token`. Checked in onRequest, before the body is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { csrfMatches } from '../app/access/sessions.ts';
import { scopeAllows, type Scope } from '../app/access/scope.ts';
import type { ServerServices } from '../app/server-services.ts';
import type { TokenIdentity } from '../app/access/tokens.ts';
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

/** The bearer token of a request, or undefined. */
function bearerOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;

const tokenPrincipal = (t: TokenIdentity): Principal => ({ kind: 'token', actor: t.username ?? `token:${t.id}`, scope: t.scope, username: t.username, tokenId: t.id });

/** identify's answer for a bearer token the token service verified moments ago, without a promise; else undefined. */
function knownBearer(request: FastifyRequest, services: ServerServices): Principal | undefined {
  const auth = request.headers.authorization;
  if (typeof auth !== 'string' || auth === '') return undefined;
  const m = BEARER.exec(auth);
  const t = m === null ? undefined : services.tokens.cached(m[1]!);
  return t === undefined ? undefined : tokenPrincipal(t);
}

async function identify(request: FastifyRequest, services: ServerServices): Promise<Principal | null> {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth !== '') {
    const m = BEARER.exec(auth);
    if (m === null) throw new HttpProblem(problem(401, 'the Authorization header must be "Bearer <token>"', 'headers.authorization'));
    const t = await services.tokens.verify(m[1]!);
    if (t === null) throw new HttpProblem(problem(401, 'the token is unknown, revoked or expired', 'headers.authorization'));
    return tokenPrincipal(t);
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
/** Requests with a bad or missing credential an address may make per minute before it gets 429s. */
export const AUTH_FAILURES_PER_MINUTE = 600;

/** Counts failed authentications per client address in fixed one-minute windows (bounded: cleared when large). */
class FailureWindow {
  readonly #counts = new Map<string, { startMs: number; n: number }>();
  constructor(readonly limit: number) {}
  blocked(ip: string, nowMs = Date.now()): boolean {
    const c = this.#counts.get(ip);
    return c !== undefined && nowMs - c.startMs < 60_000 && c.n >= this.limit;
  }
  add(ip: string, nowMs = Date.now()): void {
    const c = this.#counts.get(ip);
    if (c === undefined || nowMs - c.startMs >= 60_000) {
      if (this.#counts.size >= 10_000) this.#counts.clear();
      this.#counts.set(ip, { startMs: nowMs, n: 1 });
    } else c.n++;
  }
}

export function registerAuth(app: FastifyInstance, services: ServerServices, failuresPerMinute = AUTH_FAILURES_PER_MINUTE): void {
  const failures = new FailureWindow(failuresPerMinute);
  app.decorateRequest('principal', null);
  /** The check of a request that the fast path below cannot settle (any credential but a recently verified token). */
  const check = async (request: FastifyRequest, need: RouteScope): Promise<void> => {
    if (need === 'public') {
      // A public route (health, login) answers whoever asks; a bad credential does not turn it into a 401.
      request.principal = await identify(request, services).catch(() => null);
      return;
    }
    // Failed credentials are limited per address before any store read: the rate limiter keys on a token,
    // and a flood of made-up ones would otherwise each cost a lookup. A token verified moments ago still
    // passes (a script's valid token is not locked out by a neighbour's bad ones behind the same address).
    if (failures.blocked(request.ip) && !services.tokens.isVerified(bearerOf(request))) throw new HttpProblem(problem(429, `too many requests with a bad or missing credential from ${request.ip}; retry in a minute`, null));
    const who = await identify(request, services).catch((e: unknown) => {
      failures.add(request.ip);
      throw e;
    });
    request.principal = who;
    if (who === null) {
      failures.add(request.ip);
      throw new HttpProblem(problem(401, 'log in (session cookie) or send a token (Authorization: Bearer <token>)', null));
    }
    const refused = scopeRefusal(who, need);
    if (refused !== null) throw refused;
  };
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    // Unknown routes are 404 whoever asks (no probing for which paths exist needs a login... nor reveals any).
    // (routeOptions is a new object at each read: read once.)
    const route = request.routeOptions;
    if (route.url === undefined) return done();
    const need = route.config.scope ?? 'admin';
    // Most requests: a script's token verified within the last moments (the token service keeps the answer),
    // settled here without a promise. It passes the failure limit as `check` would (a verified token does).
    const known = need === 'public' ? undefined : knownBearer(request, services);
    if (known === undefined || need === 'public') {
      check(request, need).then(() => done(), done);
      return;
    }
    request.principal = known;
    done(scopeRefusal(known, need) ?? undefined);
  });
}

/** The 403 of a principal whose scope is below the route's, or null. */
function scopeRefusal(who: Principal, need: Scope): HttpProblem | null {
  return scopeAllows(who.scope, need) ? null : new HttpProblem(problem(403, `this needs the ${need} scope; the ${who.kind} has ${who.scope}`, null));
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
