// Every authenticated mutation (POST, PUT, DELETE) is recorded after it is answered: who (user or token),
// from where (client address), what (method and route, the route's parameters, the body with secrets
// redacted) and how it ended (status), as `api.<METHOD> <route>` entries of the hash-chained audit trail
// (docs/compliance.md).
import type { FastifyInstance } from 'fastify';
import type { ServerServices } from '../app/server-services.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function registerAudit(app: FastifyInstance, services: ServerServices): void {
  // A plain callback hook: a read answers without a promise; a mutation's hook ends when its entry is written.
  app.addHook('onResponse', (request, reply, done) => {
    if (!MUTATING.has(request.method) || request.principal === null || request.routeOptions.url === undefined) return done();
    // Logins audit themselves (with the username tried); the password is never in an entry.
    if (request.routeOptions.url.endsWith('/auth/login')) return done();
    const params = (request.params ?? {}) as Record<string, unknown>;
    services.audit.recordMutation({
      actor: request.principal.actor, source: request.ip, action: `${request.method} ${request.routeOptions.url}`,
      target: typeof params.id === 'string' ? params.id : typeof params.name === 'string' ? params.name : '',
      payload: { params, body: request.body ?? null, status: reply.statusCode, via: request.principal.kind },
    }).catch((err: unknown) => request.log.error({ err }, 'audit write failed')).finally(() => done());
  });
}
