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

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  tsMs: ms,
  actor: z.string(),
  source: z.string(),
  action: z.string(),
  target: z.string(),
  payload: JsonSchema,
});
export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;
