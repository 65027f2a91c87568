// API tokens for scripts (`Authorization: Bearer sxt_<id>_<secret>`): 32 random bytes, shown once at creation;
// the store keeps only their sha256, so a stolen database does not give working tokens. A token has a scope
// (read < trade < admin) and, when it belongs to a user, never does more than that user's current role.
import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import type { AccessStore, TokenRecord } from '../../store/access-store.ts';
import { minScope, scopeAllows, SCOPES, type Scope } from './scope.ts';
import { checkRole, checkUsername, type ServiceClock } from './users.ts';

export const TOKEN_PREFIX = 'sxt_';
const TOKEN_SHAPE = /^sxt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** last_used is written at most this often per token. */
export const TOUCH_INTERVAL_MS = 60_000;
export const MAX_TTL_DAYS = 3650;
const DAY_MS = 86_400_000;

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scope: Scope;
  readonly username: string | null;
  readonly createdMs: number;
  readonly expiresMs: number | null;
  readonly revokedMs: number | null;
  readonly lastUsedMs: number | null;
}

export interface CreatedToken extends TokenInfo {
  /** The bearer token: shown once, never stored. */
  readonly token: string;
}

export interface TokenIdentity {
  readonly id: string;
  readonly name: string;
  /** The token's scope, lowered to its user's current role. */
  readonly scope: Scope;
  readonly username: string | null;
}

export interface NewTokenRequest {
  readonly name: string;
  readonly scope: Scope;
  readonly username?: string;
  readonly ttlDays?: number;
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const info = (t: TokenRecord): TokenInfo => ({
  id: t.id, name: t.name, scope: t.scope, username: t.username, createdMs: t.createdMs, expiresMs: t.expiresMs, revokedMs: t.revokedMs, lastUsedMs: t.lastUsedMs,
});

export class TokenService {
  readonly #store: AccessStore;
  readonly #now: () => number;

  constructor(store: AccessStore, opts: ServiceClock = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  async create(r: NewTokenRequest): Promise<CreatedToken> {
    if (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 100) throw new InputError('must be 1 to 100 characters', { field: 'name' });
    const scope = checkRole(r.scope, 'scope');
    if (r.ttlDays !== undefined && !(typeof r.ttlDays === 'number' && Number.isFinite(r.ttlDays) && r.ttlDays > 0 && r.ttlDays <= MAX_TTL_DAYS)) {
      throw new InputError(`must be a number of days > 0 and <= ${MAX_TTL_DAYS}`, { field: 'ttlDays' });
    }
    if (r.username !== undefined) {
      const user = await this.#store.getUser(checkUsername(r.username));
      if (user === null) throw new InputError(`no user "${r.username}"`, { field: 'username' });
      if (!scopeAllows(user.role, scope)) throw new InputError(`user "${r.username}" has role ${user.role}: a token of theirs cannot have scope ${scope}`, { field: 'scope' });
    }
    const id = randomBytes(8).toString('hex');
    const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const rec = await this.#store.createToken({
      id, name: r.name, tokenHash: hashToken(token), scope, username: r.username ?? null, createdMs: now,
      expiresMs: r.ttlDays === undefined ? null : now + Math.round(r.ttlDays * DAY_MS),
    });
    return { ...info(rec), token };
  }

  /** Who a bearer token speaks for, or null when it is malformed, unknown, revoked, expired, or its user is gone. */
  async verify(token: string): Promise<TokenIdentity | null> {
    const m = typeof token === 'string' ? TOKEN_SHAPE.exec(token) : null;
    if (m === null) return null;
    const t = await this.#store.findToken(hashToken(token));
    const now = this.#now();
    if (t === null || t.id !== m[1] || t.revokedMs !== null || (t.expiresMs !== null && t.expiresMs <= now)) return null;
    let scope = t.scope;
    if (t.username !== null) {
      const user = await this.#store.getUser(t.username);
      if (user === null) return null;
      scope = minScope(scope, user.role);
    }
    if (t.lastUsedMs === null || now - t.lastUsedMs >= TOUCH_INTERVAL_MS) await this.#store.touchToken(t.id, now);
    return { id: t.id, name: t.name, scope, username: t.username };
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.#store.listTokens()).map(info);
  }

  /** Revokes a token (again: no change). Unknown id: InputError field 'id'. */
  async revoke(id: string): Promise<TokenInfo> {
    if (typeof id !== 'string' || (await this.#store.getToken(id)) === null) throw new InputError(`no token "${String(id)}"`, { field: 'id' });
    await this.#store.revokeToken(id, this.#now());
    return info((await this.#store.getToken(id))!);
  }
}

export { scopeAllows, SCOPES, type Scope };
