// The SQL of `store.access` (access-store.ts, migration 4), shared by PGlite and Postgres. Values are checked
// at the boundary (a bad one is an InputError naming the field); bigint columns come back as numbers.
import { InputError } from '../core/errors.ts';
import {
  BOT_DESIRED, ROLES,
  type AccessStore, type BotDesired, type BotRecord, type CredentialInfo, type CredentialRecord,
  type JsonValue, type NewBot, type NewToken, type NewUser, type Role, type SessionRecord, type TokenRecord, type UserRecord,
} from './access-store.ts';
import type { SqlConn } from './sql.ts';
import { epochMs, jsonText, oneOf, text } from './validate.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const optMs = (v: number | null | undefined, field: string): number | null => (v === undefined || v === null ? null : epochMs(v, field));
/** Postgres: a unique or primary key violated. */
const isDuplicate = (e: unknown): boolean => (e as { code?: string }).code === '23505' || /duplicate key/i.test((e as Error).message ?? '');

const toUser = (x: Row): UserRecord => ({
  username: String(x.username), passwordHash: String(x.password_hash), role: x.role as Role, createdMs: num(x.created_ms), updatedMs: num(x.updated_ms),
});
const toSession = (x: Row): SessionRecord => ({
  idHash: String(x.id_hash), username: String(x.username), csrf: String(x.csrf), createdMs: num(x.created_ms), expiresMs: num(x.expires_ms),
});
const toToken = (x: Row): TokenRecord => ({
  id: String(x.id), name: String(x.name), tokenHash: String(x.token_hash), scope: x.scope as Role,
  username: x.username === null || x.username === undefined ? null : String(x.username), createdMs: num(x.created_ms),
  expiresMs: numOrNull(x.expires_ms), revokedMs: numOrNull(x.revoked_ms), lastUsedMs: numOrNull(x.last_used_ms),
});
const toInfo = (x: Row): CredentialInfo => ({
  id: String(x.id), venue: String(x.venue), label: String(x.label), mask: (x.mask ?? {}) as Record<string, string>, createdMs: num(x.created_ms),
});
const toCredential = (x: Row): CredentialRecord => ({ ...toInfo(x), ciphertext: String(x.ciphertext), iv: String(x.iv), tag: String(x.tag) });
const toBot = (x: Row): BotRecord => ({
  id: String(x.id), config: x.config as JsonValue, desired: x.desired as BotDesired, createdMs: num(x.created_ms), updatedMs: num(x.updated_ms),
});
function maskJson(mask: unknown): string {
  if (typeof mask !== 'object' || mask === null || Array.isArray(mask)) throw new InputError('must be an object of strings', { field: 'credential.mask' });
  for (const [k, v] of Object.entries(mask)) {
    if (typeof v !== 'string') throw new InputError(`must be a string, got ${typeof v}`, { field: `credential.mask.${k}` });
  }
  return JSON.stringify(mask);
}

/** `store.access` over a connection; `guard` throws once the store is closed. */
export function accessSql(db: SqlConn, guard: () => void): AccessStore {
  const q = (sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }> => {
    guard();
    return db.query(sql, params);
  };
  return {
    async createUser(u: NewUser) {
      const username = text(u.username, 'username', 64);
      const hash = text(u.passwordHash, 'passwordHash', 1000);
      const role = oneOf(u.role, ROLES, 'role');
      const now = epochMs(u.nowMs, 'nowMs');
      const r = await q(
        `INSERT INTO users (username, password_hash, role, created_ms, updated_ms) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (username) DO NOTHING RETURNING *`,
        [username, hash, role, now],
      );
      if (r.rows[0] === undefined) throw new InputError(`user "${username}" already exists`, { field: 'username' });
      return toUser(r.rows[0]);
    },
    async getUser(username) {
      const r = await q('SELECT * FROM users WHERE username = $1', [username]);
      return r.rows[0] === undefined ? null : toUser(r.rows[0]);
    },
    async listUsers() {
      return (await q('SELECT * FROM users ORDER BY username')).rows.map(toUser);
    },
    async setUserPassword(username, passwordHash, nowMs) {
      const r = await q('UPDATE users SET password_hash = $2, updated_ms = $3 WHERE username = $1 RETURNING username', [
        username, text(passwordHash, 'passwordHash', 1000), epochMs(nowMs, 'nowMs'),
      ]);
      return r.rows.length > 0;
    },
    async setUserRole(username, role, nowMs) {
      const r = await q('UPDATE users SET role = $2, updated_ms = $3 WHERE username = $1 RETURNING username', [username, oneOf(role, ROLES, 'role'), epochMs(nowMs, 'nowMs')]);
      return r.rows.length > 0;
    },
    async deleteUser(username) {
      return (await q('DELETE FROM users WHERE username = $1 RETURNING username', [username])).rows.length > 0;
    },

    async createSession(s) {
      const created = epochMs(s.createdMs, 'session.createdMs');
      const expires = epochMs(s.expiresMs, 'session.expiresMs');
      if (expires <= created) throw new InputError(`must be after createdMs (${created})`, { field: 'session.expiresMs' });
      const r = await q(
        `INSERT INTO sessions (id_hash, username, csrf, created_ms, expires_ms) SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM users WHERE username = $2)
         RETURNING id_hash`,
        [text(s.idHash, 'session.idHash', 200), text(s.username, 'session.username', 64), text(s.csrf, 'session.csrf', 200), created, expires],
      );
      if (r.rows.length === 0) throw new InputError(`no user "${s.username}"`, { field: 'session.username' });
    },
    async getSession(idHash) {
      const r = await q('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
      return r.rows[0] === undefined ? null : toSession(r.rows[0]);
    },
    async deleteSession(idHash) {
      return (await q('DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash', [idHash])).rows.length > 0;
    },
    async deleteExpiredSessions(nowMs) {
      return (await q('DELETE FROM sessions WHERE expires_ms <= $1 RETURNING id_hash', [epochMs(nowMs, 'nowMs')])).rows.length;
    },

    async createToken(t: NewToken) {
      const params = [
        text(t.id, 'token.id', 100), text(t.name, 'token.name', 200), text(t.tokenHash, 'token.tokenHash', 200), oneOf(t.scope, ROLES, 'token.scope'),
        t.username === undefined || t.username === null ? null : text(t.username, 'token.username', 64),
        epochMs(t.createdMs, 'token.createdMs'), optMs(t.expiresMs, 'token.expiresMs'),
      ];
      try {
        const r = await q(
          `INSERT INTO api_tokens (id, name, token_hash, scope, username, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          params,
        );
        return toToken(r.rows[0]!);
      } catch (e) {
        if (isDuplicate(e)) throw new InputError(`token "${t.id}" (or its hash) already exists`, { field: 'token.id' });
        throw e;
      }
    },
    async findToken(tokenHash) {
      const r = await q('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
      return r.rows[0] === undefined ? null : toToken(r.rows[0]);
    },
    async getToken(id) {
      const r = await q('SELECT * FROM api_tokens WHERE id = $1', [id]);
      return r.rows[0] === undefined ? null : toToken(r.rows[0]);
    },
    async listTokens() {
      return (await q('SELECT * FROM api_tokens ORDER BY created_ms, id')).rows.map(toToken);
    },
    async revokeToken(id, nowMs) {
      const r = await q('UPDATE api_tokens SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL RETURNING id', [id, epochMs(nowMs, 'nowMs')]);
      return r.rows.length > 0;
    },
    async touchToken(id, nowMs) {
      await q('UPDATE api_tokens SET last_used_ms = $2 WHERE id = $1 AND (last_used_ms IS NULL OR last_used_ms < $2)', [id, epochMs(nowMs, 'nowMs')]);
    },

    async putCredential(c: CredentialRecord) {
      await q(
        `INSERT INTO broker_credentials (id, venue, label, ciphertext, iv, tag, mask, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
         ON CONFLICT (id) DO UPDATE SET venue = EXCLUDED.venue, label = EXCLUDED.label, ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv,
           tag = EXCLUDED.tag, mask = EXCLUDED.mask, created_ms = EXCLUDED.created_ms`,
        [
          text(c.id, 'credential.id', 100), text(c.venue, 'credential.venue', 100), text(c.label, 'credential.label', 200),
          text(c.ciphertext, 'credential.ciphertext', 100_000), text(c.iv, 'credential.iv', 100), text(c.tag, 'credential.tag', 100),
          maskJson(c.mask), epochMs(c.createdMs, 'credential.createdMs'),
        ],
      );
    },
    async listCredentials() {
      return (await q('SELECT id, venue, label, mask, created_ms FROM broker_credentials ORDER BY created_ms, id')).rows.map(toInfo);
    },
    async getCredential(id) {
      const r = await q('SELECT * FROM broker_credentials WHERE id = $1', [id]);
      return r.rows[0] === undefined ? null : toCredential(r.rows[0]);
    },
    async deleteCredential(id) {
      return (await q('DELETE FROM broker_credentials WHERE id = $1 RETURNING id', [id])).rows.length > 0;
    },

    async putBot(b: NewBot) {
      const r = await q(
        `INSERT INTO bots (id, config, desired, created_ms, updated_ms) VALUES ($1, $2::jsonb, $3, $4, $4)
         ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, desired = EXCLUDED.desired, updated_ms = EXCLUDED.updated_ms RETURNING *`,
        [text(b.id, 'bot.id', 200), jsonText(b.config, 'bot.config'), oneOf(b.desired, BOT_DESIRED, 'bot.desired'), epochMs(b.nowMs, 'nowMs')],
      );
      return toBot(r.rows[0]!);
    },
    async getBot(id) {
      const r = await q('SELECT * FROM bots WHERE id = $1', [id]);
      return r.rows[0] === undefined ? null : toBot(r.rows[0]);
    },
    async listBots() {
      return (await q('SELECT * FROM bots ORDER BY created_ms, id')).rows.map(toBot);
    },
    async setBotDesired(id, desired, nowMs) {
      const r = await q('UPDATE bots SET desired = $2, updated_ms = $3 WHERE id = $1 RETURNING *', [id, oneOf(desired, BOT_DESIRED, 'desired'), epochMs(nowMs, 'nowMs')]);
      return r.rows[0] === undefined ? null : toBot(r.rows[0]);
    },
    async deleteBot(id) {
      return (await q('DELETE FROM bots WHERE id = $1 RETURNING id', [id])).rows.length > 0;
    },
  };
}
