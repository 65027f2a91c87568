// Mutations and logins on the audit trail (store.audit, docs/compliance.md): who, from where, what, on what.
// Payload fields that name a secret (password, token, apiKey, secret, ...) are replaced by "[redacted]"
// before anything is written.
import type { JsonValue } from '../../store/access-store.ts';
import type { AuditActorKind, AuditEntry } from '../../store/audit/entry.ts';
import type { AuditFilter, AuditTrailStore } from '../../store/audit/entry.ts';
import { verifyAuditChain, type AuditVerifyResult } from '../../store/audit/verify.ts';
import { checkpointOf, type AuditCheckpointDto } from '../audit/checkpoint.ts';
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
  /** Who: a username, `token:<id>`, or the OS user of a CLI command (`user@host`). */
  readonly actor: string;
  /** From where: the client IP, or `cli`. */
  readonly source: string;
  /** What: e.g. `user.add`, `POST /api/v1/bots/:id/start`. */
  readonly action: string;
  /** On what: the id or name acted on. */
  readonly target: string;
  readonly payload?: unknown;
}

/** `token:<id>` is a token, `system` the server itself, anything else a user. */
export function actorOf(actor: string): { readonly actorKind: AuditActorKind; readonly actor: string } {
  if (actor.startsWith('token:')) return { actorKind: 'token', actor: actor.slice('token:'.length) || actor };
  if (actor === 'system') return { actorKind: 'system', actor: 'server' };
  return { actorKind: 'user', actor };
}

/** An HTTP mutation's kind is `api.<METHOD> <route>`; other actions keep their name (`user.add`, `auth.login`). */
const kindOf = (action: string): string => (/^[A-Z]+ \//.test(action) ? `api.${action}` : action);

export class AuditLog {
  readonly #trail: AuditTrailStore;
  readonly #now: () => number;

  readonly #location: string;

  constructor(trail: AuditTrailStore, opts: ServiceClock & { readonly location?: string } = {}) {
    this.#trail = trail;
    this.#location = opts.location ?? 'store';
    this.#now = opts.now ?? Date.now;
  }

  /** Appends one entry (secrets redacted); returns its sequence number. */
  async recordMutation(m: Mutation): Promise<number> {
    const payload = redactPayload(m.payload === undefined ? {} : m.payload);
    const head = await this.#trail.append([{
      tsMs: this.#now(), ...actorOf(m.actor), source: m.source, kind: kindOf(m.action),
      payload: { target: m.target === '' ? null : m.target, ...(typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : { value: payload }) },
    }]);
    return head.seq;
  }

  /** Entries matching the filter, oldest first. */
  list(q: AuditFilter): Promise<AuditEntry[]> {
    return this.#trail.list(Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as unknown as AuditFilter);
  }

  /** The whole chain walked (admin: GET /api/v1/audit/verify). */
  verify(): Promise<AuditVerifyResult> {
    return verifyAuditChain(this.#trail.rows());
  }

  /** The head now, as a checkpoint document. */
  async checkpoint(): Promise<AuditCheckpointDto> {
    return checkpointOf(await this.#trail.head(), this.#location, this.#now());
  }
}
