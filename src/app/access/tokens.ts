// API tokens for scripts (`Authorization: Bearer sxt_<id>_<secret>`): 32 random bytes, shown once at creation;
// the store keeps only their sha256, so a stolen database does not give working tokens. A token has a scope
// (read < trade < admin) and, when it belongs to a user, never does more than that user's current role.
import * as crypto from 'node:crypto';
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
/** How long a verified token is taken without reading the store again. */
export const VERIFY_CACHE_MS = 2000;
const VERIFY_CACHE_SIZE = 1000;
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

// Every request with a token hashes it: crypto.hash (Node >= 20.12), the one-shot form, costs a third of a
// createHash object's update and digest; the same sha256 hex either way.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;
export const hashToken: (token: string) => string = typeof oneShot === 'function'
  ? (token) => oneShot('sha256', token, 'hex')
  : (token) => createHash('sha256').update(token, 'utf8').digest('hex');

const info = (t: TokenRecord): TokenInfo => ({
  id: t.id, name: t.name, scope: t.scope, username: t.username, createdMs: t.createdMs, expiresMs: t.expiresMs, revokedMs: t.revokedMs, lastUsedMs: t.lastUsedMs,
});

export class TokenService {
  readonly #store: AccessStore;
  readonly #now: () => number;
  readonly #verified = new Map<string, { identity: TokenIdentity; untilMs: number; expiresMs: number | null }>();

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

  /**
   * Who a bearer token speaks for, or null when it is malformed, unknown, revoked, expired, or its user is gone.
   * A valid answer is kept for VERIFY_CACHE_MS (a busy script sends many requests a second, each otherwise a
   * store read): a revocation through this service takes effect at once, one made by another process (the
   * CLI on Postgres) or a user's removal within that time.
   */
  async verify(token: string): Promise<TokenIdentity | null> {
    const m = typeof token === 'string' ? TOKEN_SHAPE.exec(token) : null;
    if (m === null) return null;
    const hash = hashToken(token);
    const now = this.#now();
    const hit = this.#fresh(hash, now);
    if (hit !== undefined) return hit;
    const found = await this.#verify(hash, m[1]!, now);
    if (found === null) {
      this.#verified.delete(hash);
      return null;
    }
    if (this.#verified.size >= VERIFY_CACHE_SIZE) this.#verified.clear();
    this.#verified.set(hash, { identity: found.identity, untilMs: now + VERIFY_CACHE_MS, expiresMs: found.expiresMs });
    return found.identity;
  }

  /**
   * verify's answer for a token it found valid within VERIFY_CACHE_MS (and not expired since), without a
   * promise; undefined when only verify can tell (never cached, stale, revoked here, or not a token at all).
   */
  cached(token: string, now = this.#now()): TokenIdentity | undefined {
    // Only well-formed tokens are ever cached (verify checks the shape first), so no shape check is needed.
    return typeof token === 'string' ? this.#fresh(hashToken(token), now) : undefined;
  }

  #fresh(hash: string, now: number): TokenIdentity | undefined {
    const hit = this.#verified.get(hash);
    return hit !== undefined && hit.untilMs > now && (hit.expiresMs === null || hit.expiresMs > now) ? hit.identity : undefined;
  }

  async #verify(hash: string, id: string, now: number): Promise<{ identity: TokenIdentity; expiresMs: number | null } | null> {
    const t = await this.#store.findToken(hash);
    if (t === null || t.id !== id || t.revokedMs !== null || (t.expiresMs !== null && t.expiresMs <= now)) return null;
    let scope = t.scope;
    if (t.username !== null) {
      const user = await this.#store.getUser(t.username);
      if (user === null) return null;
      scope = minScope(scope, user.role);
    }
    if (t.lastUsedMs === null || now - t.lastUsedMs >= TOUCH_INTERVAL_MS) await this.#store.touchToken(t.id, now);
    return { identity: { id: t.id, name: t.name, scope, username: t.username }, expiresMs: t.expiresMs };
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.#store.listTokens()).map(info);
  }

  /** Revokes a token (again: no change). Unknown id: InputError field 'id'. */
  /** True when `token` was found valid within the last minute (a known caller, not a guess). */
  isVerified(token: string | undefined, now = this.#now()): boolean {
    if (token === undefined || TOKEN_SHAPE.exec(token) === null) return false;
    const hit = this.#verified.get(hashToken(token));
    return hit !== undefined && hit.untilMs - VERIFY_CACHE_MS > now - 60_000;
  }

  /** Forgets the cached answers for a user's tokens (the user was removed or their role changed in this process). */
  forgetUser(username: string): void {
    for (const [hash, v] of this.#verified) if (v.identity.username === username) this.#verified.delete(hash);
  }

  async revoke(id: string): Promise<TokenInfo> {
    if (typeof id !== 'string' || (await this.#store.getToken(id)) === null) throw new InputError(`no token "${String(id)}"`, { field: 'id' });
    await this.#store.revokeToken(id, this.#now());
    // Refused from now on in this process (not after the verify cache's time).
    for (const [hash, v] of this.#verified) if (v.identity.id === id) this.#verified.delete(hash);
    return info((await this.#store.getToken(id))!);
  }
}

export { scopeAllows, SCOPES, type Scope };
