// The API audit trail: every mutation (who, from where, what, on what) appended to the append-only table
// `api_audit` (the database refuses UPDATE, DELETE and TRUNCATE on it). Payload fields that name a secret
// (password, token, apiKey, secret, ...) are replaced by "[redacted]" before anything is written.
import type { AccessStore, AuditRecord, JsonValue } from '../../store/access-store.ts';
import type { ServiceClock } from './users.ts';

export const REDACTED = '[redacted]';
/** Key names whose values are secrets, whatever their case or separators (apiKey, api_key, X-Api-Key, ...). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|api.?key|private.?key|credential|authorization|cookie|csrf|session|signature/i;

/** A copy of `v` with every secret-named field's value replaced (at any depth), and bearer tokens masked. */
export function redactPayload(v: unknown, depth = 0): JsonValue {
  if (depth > 32) return REDACTED;
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return /\bsxt_[0-9a-f]{16}_/.test(v) ? REDACTED : v;
  if (Array.isArray(v)) return v.map((x) => redactPayload(x, depth + 1));
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).map(([k, x]) => [k, SECRET_KEY.test(k) ? REDACTED : redactPayload(x, depth + 1)]));
  }
  return null;
}

export interface Mutation {
  /** Who: a username, `token:<id>`, or the OS user of a CLI command. */
  readonly actor: string;
  /** From where: the client IP, or `cli`. */
  readonly source: string;
  /** What: e.g. `user.add`, `bot.start`. */
  readonly action: string;
  /** On what: the id or name acted on. */
  readonly target: string;
  readonly payload?: unknown;
}

export class AuditLog {
  readonly #store: AccessStore;
  readonly #now: () => number;

  constructor(store: AccessStore, opts: ServiceClock = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  /** Appends one entry; returns its sequence number. */
  recordMutation(m: Mutation): Promise<number> {
    return this.#store.appendAudit({
      tsMs: this.#now(), actor: m.actor, source: m.source, action: m.action, target: m.target === '' ? '-' : m.target,
      payload: m.payload === undefined ? {} : redactPayload(m.payload),
    });
  }

  /** Entries after `afterSeq`, oldest first. */
  list(q: { readonly afterSeq?: number; readonly limit: number }): Promise<AuditRecord[]> {
    return this.#store.listAudit(q);
  }
}
