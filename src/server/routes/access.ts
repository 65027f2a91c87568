// Users, API tokens and the audit of mutations (admin scope): the same operations as `sextant user` and
// `sextant token`, for the dashboard's settings pages and scripts.
import { z } from 'zod';
import { AuditCheckpointSchema } from '../../app/audit/checkpoint.ts';
import { AddedUserSchema, AuditEntrySchema, AuditVerifySchema, CreatedTokenSchema, RoleSchema, TokenSchema, UserSchema } from '../../app/dto/access.ts';
import { ProblemSchema } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const admin = { scope: 'admin' as const };

export function accessRoutes(app: ZApp, ctx: RouteContext): void {
  const { users, tokens, audit } = ctx.services;

  app.get('/api/v1/users', { config: admin, schema: { tags: ['access'], summary: 'Users (no password hashes)', response: { 200: z.array(UserSchema), ...errors } } }, () => users.list());
  app.post('/api/v1/users', {
    config: admin,
    schema: { tags: ['access'], summary: 'Add a user (a password is generated and shown once when none is given)', body: z.strictObject({ username: z.string().min(1).max(64), role: RoleSchema, password: z.string().min(1).max(1024).optional() }), response: { 201: AddedUserSchema, ...errors } },
  }, async (request, reply) => reply.code(201).send(await users.add(request.body.username, request.body.role, request.body.password)));
  app.delete('/api/v1/users/:username', {
    config: admin, schema: { tags: ['access'], summary: 'Remove a user (their sessions end)', params: z.object({ username: z.string().min(1).max(64) }), response: { 200: z.object({ deleted: z.string() }), ...errors } },
  }, async (request) => {
    await users.remove(request.params.username);
    tokens.forgetUser(request.params.username);
    return { deleted: request.params.username };
  });

  app.get('/api/v1/tokens', { config: admin, schema: { tags: ['access'], summary: 'API tokens (never the token itself)', response: { 200: z.array(TokenSchema), ...errors } } }, () => tokens.list());
  app.post('/api/v1/tokens', {
    config: admin,
    schema: { tags: ['access'], summary: 'Create a token: shown once in the answer, stored only as a hash', body: z.strictObject({ name: z.string().min(1).max(100), scope: RoleSchema, username: z.string().min(1).max(64).optional(), ttlDays: z.number().int().min(1).max(3650).optional() }), response: { 201: CreatedTokenSchema, ...errors } },
  }, async (request, reply) => reply.code(201).send(await tokens.create(request.body)));
  app.delete('/api/v1/tokens/:id', {
    config: admin, schema: { tags: ['access'], summary: 'Revoke a token', params: z.object({ id: z.string().min(1).max(100) }), response: { 200: TokenSchema, ...errors } },
  }, (request) => tokens.revoke(request.params.id));

  const AuditQuery = z.strictObject({
    afterSeq: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(200),
    fromMs: z.coerce.number().int().optional(),
    toMs: z.coerce.number().int().optional(),
    actor: z.string().min(1).max(200).optional(),
    kind: z.string().min(1).max(200).optional(),
    symbol: z.string().min(1).max(200).optional(),
    runId: z.string().min(1).max(200).optional(),
  });
  app.get('/api/v1/audit', {
    config: admin,
    schema: { tags: ['access'], summary: 'Entries of the tamper-evident audit trail, oldest first, filtered (kind may be a prefix ending in "." or "*")', querystring: AuditQuery, response: { 200: z.array(AuditEntrySchema), ...errors } },
  }, async (request) => (await audit.list(request.query)) as z.infer<typeof AuditEntrySchema>[]);
  app.get('/api/v1/audit/verify', {
    config: admin,
    schema: { tags: ['access'], summary: 'Walk the audit hash chain: the first entry edited, deleted, inserted or moved, or ok', response: { 200: AuditVerifySchema, ...errors } },
  }, () => audit.verify());
  app.get('/api/v1/audit/checkpoint', {
    config: admin,
    schema: { tags: ['access'], summary: "The chain's head as a checkpoint file to keep elsewhere (sextant audit verify --from-checkpoint)", response: { 200: AuditCheckpointSchema, ...errors } },
  }, () => audit.checkpoint());
}
