// The security headers of every answer: the JSON API's (no content may load or frame, nothing is cached), the
// docs UI's (its own scripts and styles run) and the dashboard's pages (dashboard.ts's CSP). Set in onSend,
// so errors and not-found answers carry them too; one precomputed set per kind, added in one call.
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_CSP, isDashboardPath } from './dashboard.ts';

const COMMON: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** The headers of a JSON API answer (also the router's own refusals, which skip the hooks). */
export const API_HEADERS: Readonly<Record<string, string>> = { ...COMMON, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'cache-control': 'no-store' };
const DOCS_HEADERS: Readonly<Record<string, string>> = { ...COMMON, 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'" };
const DASHBOARD_HEADERS: Readonly<Record<string, string>> = { ...COMMON, 'content-security-policy': DASHBOARD_CSP };

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/docs')) reply.headers(DOCS_HEADERS);
    else if (isDashboardPath(request.url) && reply.statusCode < 400) reply.headers(DASHBOARD_HEADERS);
    else reply.headers(API_HEADERS);
    done(null, payload);
  });
}
