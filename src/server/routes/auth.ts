// Log in (a session cookie for the dashboard: httpOnly, SameSite=Strict, with a CSRF token the page sends
// back on every change), log out, and who am I. Login attempts are rate-limited per client address and
// audited, successful or not (never with the password).
import { z } from 'zod';
import { principalOf, SESSION_COOKIE } from '../auth.ts';
import { HttpProblem, problem, ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

const LoginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const SessionSchema = z.object({ username: z.string(), role: z.enum(['read', 'trade', 'admin']), csrfToken: z.string(), expiresTime: z.string() });
const MeSchema = z.object({
  actor: z.string(), username: z.string().nullable(), scope: z.enum(['read', 'trade', 'admin']), via: z.enum(['session', 'token']), tokenId: z.string().nullable(),
  /** A session's CSRF token and end, so a reloaded dashboard page can go on changing things (null for a token). */
  csrfToken: z.string().nullable(),
  expiresTime: z.string().nullable(),
});

export function authRoutes(app: ZApp, ctx: RouteContext): void {
  const { services } = ctx;
  app.post('/api/v1/auth/login', {
    config: { scope: 'public', rateLimit: { max: ctx.loginPerMinute, timeWindow: 60_000, keyGenerator: (request) => `login:${request.ip}` } },
    schema: { tags: ['auth'], summary: 'Log in: sets the session cookie, returns the CSRF token', security: [], body: LoginSchema, response: { 200: SessionSchema, 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema } },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const user = await services.users.authenticate(username, password);
    await services.audit.recordMutation({ actor: user?.username ?? 'anonymous', source: request.ip, action: user === null ? 'auth.login-failed' : 'auth.login', target: username.slice(0, 64) });
    if (user === null) throw new HttpProblem(problem(401, 'wrong username or password', null));
    const s = await services.sessions.create(user.username);
    reply.setCookie(SESSION_COOKIE, s.sessionId, { httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, path: '/', expires: new Date(s.expiresMs) });
    return { username: user.username, role: user.role, csrfToken: s.csrfToken, expiresTime: new Date(s.expiresMs).toISOString() };
  });

  app.post('/api/v1/auth/logout', {
    config: { scope: 'read' },
    schema: { tags: ['auth'], summary: 'Log out: ends the session and clears its cookie', response: { 200: z.object({ loggedOut: z.boolean() }), 401: ProblemSchema, 403: ProblemSchema } },
  }, async (request, reply) => {
    const sid = request.cookies[SESSION_COOKIE];
    const ended = sid !== undefined && (await services.sessions.destroy(sid));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { loggedOut: ended };
  });

  app.get('/api/v1/auth/me', {
    config: { scope: 'read' },
    schema: { tags: ['auth'], summary: 'Who the request is authenticated as, with which scope', response: { 200: MeSchema, 401: ProblemSchema } },
  }, async (request) => {
    const p = principalOf(request);
    const sid = request.cookies[SESSION_COOKIE];
    // Same-origin only (SameSite=Strict cookie, no CORS wildcard): another site can neither send nor read this.
    const s = p.kind === 'session' && sid !== undefined ? await services.sessions.verify(sid) : null;
    return { actor: p.actor, username: p.username, scope: p.scope, via: p.kind, tokenId: p.tokenId, csrfToken: s?.csrfToken ?? null, expiresTime: s === null ? null : new Date(s.expiresMs).toISOString() };
  });
}
