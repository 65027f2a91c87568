// The access-control part of the Store (`store.access`, migration 4): users, browser sessions, API tokens,
// encrypted broker credentials and the server's bot definitions (the audit trail is `store.audit`). The store holds
// what it is given (hashes, ciphertext); hashing, encryption and policy live in src/app/access/.

/** JSON as stored in jsonb: the same shape as store.ts's JsonValue (declared again so the two files import one way only). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type Role = 'read' | 'trade' | 'admin';
export const ROLES: readonly Role[] = ['read', 'trade', 'admin'];
export type BotDesired = 'running' | 'stopped';
export const BOT_DESIRED: readonly BotDesired[] = ['running', 'stopped'];

export interface UserRecord {
  readonly username: string;
  /** Self-describing hash string (src/app/access/passwords.ts). */
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly nowMs: number;
}

export interface SessionRecord {
  /** sha256 (hex) of the session id the browser holds. */
  readonly idHash: string;
  readonly username: string;
  readonly csrf: string;
  readonly createdMs: number;
  readonly expiresMs: number;
}

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  /** sha256 (hex) of the whole token. */
  readonly tokenHash: string;
  readonly scope: Role;
  readonly username: string | null;
  readonly createdMs: number;
  readonly expiresMs: number | null;
  readonly revokedMs: number | null;
  readonly lastUsedMs: number | null;
}

export interface NewToken {
  readonly id: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly scope: Role;
  readonly username?: string | null;
  readonly createdMs: number;
  readonly expiresMs?: number | null;
}

/** A credential as listed: never its secret parts. */
export interface CredentialInfo {
  readonly id: string;
  readonly venue: string;
  readonly label: string;
  /** Display form of each secret, e.g. { apiKey: "…1234" }. */
  readonly mask: Readonly<Record<string, string>>;
  readonly createdMs: number;
}

/** The stored form: AES-256-GCM ciphertext, iv and tag, base64. */
export interface CredentialRecord extends CredentialInfo {
  readonly ciphertext: string;
  readonly iv: string;
  readonly tag: string;
}

export interface BotRecord {
  readonly id: string;
  readonly config: JsonValue;
  readonly desired: BotDesired;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface NewBot {
  readonly id: string;
  readonly config: JsonValue;
  readonly desired: BotDesired;
  readonly nowMs: number;
}

export interface AccessStore {
  /** A duplicate username is an InputError with field 'username'. */
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(username: string): Promise<UserRecord | null>;
  /** By username. */
  listUsers(): Promise<UserRecord[]>;
  /** False when there is no such user. */
  setUserPassword(username: string, passwordHash: string, nowMs: number): Promise<boolean>;
  setUserRole(username: string, role: Role, nowMs: number): Promise<boolean>;
  /** True if it existed (its sessions go with it). */
  deleteUser(username: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | null>;
  deleteSession(idHash: string): Promise<boolean>;
  /** Deletes sessions with expiresMs <= nowMs; returns how many. */
  deleteExpiredSessions(nowMs: number): Promise<number>;

  /** A duplicate id or hash is an InputError with field 'token.id'. */
  createToken(token: NewToken): Promise<TokenRecord>;
  findToken(tokenHash: string): Promise<TokenRecord | null>;
  getToken(id: string): Promise<TokenRecord | null>;
  /** Oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** False when unknown or already revoked. */
  revokeToken(id: string, nowMs: number): Promise<boolean>;
  touchToken(id: string, nowMs: number): Promise<void>;

  /** Inserts or replaces by id. */
  putCredential(credential: CredentialRecord): Promise<void>;
  listCredentials(): Promise<CredentialInfo[]>;
  getCredential(id: string): Promise<CredentialRecord | null>;
  deleteCredential(id: string): Promise<boolean>;

  /** Upsert: a new bot keeps nowMs as createdMs; an existing one keeps its createdMs. */
  putBot(bot: NewBot): Promise<BotRecord>;
  getBot(id: string): Promise<BotRecord | null>;
  listBots(): Promise<BotRecord[]>;
  /** Null when there is no such bot. */
  setBotDesired(id: string, desired: BotDesired, nowMs: number): Promise<BotRecord | null>;
  deleteBot(id: string): Promise<boolean>;

}
