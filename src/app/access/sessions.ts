// Browser sessions of the dashboard: a random session id goes to the httpOnly cookie and only its sha256 is
// stored; each session has its own CSRF token, which the page echoes in a header on every mutating request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import type { AccessStore } from '../../store/access-store.ts';
import type { Scope } from './scope.ts';
import type { ServiceClock } from './users.ts';

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

export interface NewSession {
  /** For the cookie: shown once, never stored. */
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresMs: number;
}

export interface SessionIdentity {
  readonly username: string;
  readonly role: Scope;
  readonly csrfToken: string;
  readonly expiresMs: number;
}

const hashId = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');
const SESSION_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: SessionIdentity, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(session.csrfToken, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SessionService {
  readonly #store: AccessStore;
  readonly #now: () => number;

  constructor(store: AccessStore, opts: ServiceClock = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  /** A session for an existing user (unknown: InputError field 'session.username'). */
  async create(username: string, ttlMs = DEFAULT_SESSION_TTL_MS): Promise<NewSession> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new InputError('must be a positive whole number of milliseconds', { field: 'ttlMs' });
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.#now();
    await this.#store.createSession({ idHash: hashId(sessionId), username, csrf: csrfToken, createdMs: now, expiresMs: now + ttlMs });
    return { sessionId, csrfToken, expiresMs: now + ttlMs };
  }

  /** The session's user and CSRF token, or null when unknown or expired (an expired one is deleted). */
  async verify(sessionId: string): Promise<SessionIdentity | null> {
    if (typeof sessionId !== 'string' || !SESSION_SHAPE.test(sessionId)) return null;
    const s = await this.#store.getSession(hashId(sessionId));
    if (s === null) return null;
    if (s.expiresMs <= this.#now()) {
      await this.#store.deleteSession(s.idHash);
      return null;
    }
    const user = await this.#store.getUser(s.username);
    return user === null ? null : { username: s.username, role: user.role, csrfToken: s.csrf, expiresMs: s.expiresMs };
  }

  /** Logs out; true when the session existed. */
  async destroy(sessionId: string): Promise<boolean> {
    return typeof sessionId === 'string' && SESSION_SHAPE.test(sessionId) ? this.#store.deleteSession(hashId(sessionId)) : false;
  }

  /** Deletes every expired session; returns how many. */
  purgeExpired(): Promise<number> {
    return this.#store.deleteExpiredSessions(this.#now());
  }
}
