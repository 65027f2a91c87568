// Access-control records as the API returns them (src/app/access/): users without their hashes, tokens without
// their hashes (the bearer token itself only in the answer that creates it), sessions, masked broker
// credentials, bot definitions and audit entries. Times are epoch milliseconds (`...Ms`).
import { z } from 'zod';

const ms = z.number().int();
export const RoleSchema = z.enum(['read', 'trade', 'admin']);

export const UserSchema = z.object({ username: z.string(), role: RoleSchema, createdMs: ms, updatedMs: ms });
export type UserDto = z.infer<typeof UserSchema>;

export const AddedUserSchema = z.object({ username: z.string(), role: RoleSchema, password: z.string(), generated: z.boolean() });
export type AddedUserDto = z.infer<typeof AddedUserSchema>;

export const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: RoleSchema,
  username: z.string().nullable(),
  createdMs: ms,
  expiresMs: ms.nullable(),
  revokedMs: ms.nullable(),
  lastUsedMs: ms.nullable(),
});
export type TokenDto = z.infer<typeof TokenSchema>;

export const CreatedTokenSchema = TokenSchema.extend({ token: z.string() });
export type CreatedTokenDto = z.infer<typeof CreatedTokenSchema>;

export const TokenIdentitySchema = z.object({ id: z.string(), name: z.string(), scope: RoleSchema, username: z.string().nullable() });
export type TokenIdentityDto = z.infer<typeof TokenIdentitySchema>;

export const SessionIdentitySchema = z.object({ username: z.string(), role: RoleSchema, csrfToken: z.string(), expiresMs: ms });
export type SessionIdentityDto = z.infer<typeof SessionIdentitySchema>;

export const CredentialSchema = z.object({ id: z.string(), venue: z.string(), label: z.string(), mask: z.record(z.string(), z.string()), createdMs: ms });
export type CredentialDto = z.infer<typeof CredentialSchema>;

const JsonValue = z.json();
// Any JSON value, checked by z.json() but documented as any value ({}): z.json() is recursive, and the
// OpenAPI document of a recursive schema had a $ref to a component that is not in it (fastify-type-provider-zod).
const JsonSchema = z.custom<z.infer<typeof JsonValue>>((v) => JsonValue.safeParse(v).success, 'must be a JSON value');

/** One entry of the tamper-evident audit trail (docs/compliance.md). */
export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  tsMs: ms,
  recordedMs: ms,
  actorKind: z.enum(['user', 'token', 'strategy', 'system']),
  actor: z.string(),
  source: z.string(),
  kind: z.string(),
  runId: z.string().nullable(),
  symbol: z.string().nullable(),
  payload: JsonSchema,
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;

/** What `audit verify` found: ok, or the first problem at its entry. */
export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().min(0),
  head: z.object({ count: z.number().int().min(0), seq: z.number().int().min(0), hash: z.string() }),
  problem: z.object({
    seq: z.number().int().min(0),
    kind: z.enum(['missing', 'edited', 'rewritten', 'inserted', 'deleted', 'malformed', 'truncated', 'checkpoint-mismatch']),
    message: z.string(),
  }).nullable(),
  checkpoint: z.enum(['none', 'matched', 'failed']),
});
export type AuditVerifyDto = z.infer<typeof AuditVerifySchema>;
