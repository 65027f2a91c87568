// Access control of the API server: users and passwords, sessions, API tokens, the credential vault and the
// audit trail (docs/security.md, "Users, tokens and keys"). The server uses these, never the store directly.
export type { AccessStore, BotDesired, BotRecord, CredentialInfo, JsonValue, Role } from '../../store/access-store.ts';
export { actorOf, AuditLog, redactPayload, REDACTED, type Mutation } from './audit-log.ts';
export { accessServices, withAccess, type AccessServices, type AccessStoreRequest } from './open.ts';
export { checkPassword, generatePassword, hashPassword, MIN_PASSWORD_LENGTH, needsRehash, SCRYPT_PARAMS, verifyPassword } from './passwords.ts';
export { minScope, scopeAllows, SCOPES, type Scope } from './scope.ts';
export { csrfMatches, DEFAULT_SESSION_TTL_MS, SessionService, type NewSession, type SessionIdentity } from './sessions.ts';
export { hashToken, TOKEN_PREFIX, TokenService, type CreatedToken, type NewTokenRequest, type TokenIdentity, type TokenInfo } from './tokens.ts';
export { checkRole, checkUsername, USERNAME_RULE, UserService, type AddedUser, type UserInfo } from './users.ts';
export { CredentialVault, KEY_FILE_NAME, loadMasterKey, MASTER_KEY_ENV, maskSecret, parseKey, type LoadedKey, type RevealedCredential } from './vault.ts';
