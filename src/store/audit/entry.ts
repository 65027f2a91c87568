// An audit entry: what happened, who did it, from where, and the hash that chains it to the entry
// before. docs/compliance.md, "The audit trail", describes the fields and the hash.
import type { JsonValue } from '../access-store.ts';

/** Who acted: a user (login name), an API token (its id), a strategy (its id), or the system itself. */
export type AuditActorKind = 'user' | 'token' | 'strategy' | 'system';
export const AUDIT_ACTOR_KINDS: readonly AuditActorKind[] = ['user', 'token', 'strategy', 'system'];

/** What a writer hands the store; the store gives it its sequence number, recording time and hashes. */
export interface AuditInput {
  /** When it happened, epoch ms (engine time for a replayed or back-dated event). */
  readonly tsMs: number;
  readonly actorKind: AuditActorKind;
  /** The user name, token id, strategy id, or the system part (`risk`, `venue`, `engine`, `node`, `store`). */
  readonly actor: string;
  /** From where: a client address, `cli`, `run:<id>`. */
  readonly source: string;
  /** What: `order.intent`, `order.filled`, `fill`, `risk.breaker-trip`, `api.POST /api/v1/bots`, `user.add`, ... */
  readonly kind: string;
  readonly runId?: string | null;
  readonly symbol?: string | null;
  /** The details; secrets are redacted before an entry is made. */
  readonly payload?: JsonValue;
}

/** A stored entry: the input with everything the chain adds. */
export interface AuditEntry {
  /** 1, 2, 3, ... without gaps: the chain's order. */
  readonly seq: number;
  readonly tsMs: number;
  /** When the store wrote it, epoch ms (wall clock). */
  readonly recordedMs: number;
  readonly actorKind: AuditActorKind;
  readonly actor: string;
  readonly source: string;
  readonly kind: string;
  readonly runId: string | null;
  readonly symbol: string | null;
  readonly payload: JsonValue;
  /** The previous entry's hash (64 zeros before entry 1). */
  readonly prevHash: string;
  /** SHA-256 (lower-case hex) of the entry's canonical encoding, prevHash included. */
  readonly hash: string;
}

/**
 * An entry as the table holds it: payload as its canonical text, numbers possibly as strings (bigint
 * columns). Verification reads these, so an edit to any column, even one that breaks its type, is seen.
 */
export interface AuditRow {
  readonly seq: unknown;
  readonly ts_ms: unknown;
  readonly recorded_ms: unknown;
  readonly actor_kind: unknown;
  readonly actor: unknown;
  readonly source: unknown;
  readonly kind: unknown;
  readonly run_id: unknown;
  readonly symbol: unknown;
  readonly payload: unknown;
  readonly prev_hash: unknown;
  readonly hash: unknown;
}

/** The head of a chain: how many entries, and the last one's sequence number and hash. */
export interface AuditHead {
  readonly count: number;
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const EMPTY_HEAD: AuditHead = { count: 0, seq: 0, hash: GENESIS_HASH };

/** What `sextant audit show` and the API filter on; every field optional. */
export interface AuditFilter {
  readonly afterSeq?: number;
  readonly fromMs?: number;
  /** Exclusive. */
  readonly toMs?: number;
  /** A user name, token id, strategy id or system part. */
  readonly actor?: string;
  /** A kind, or a prefix ending in '.' or '*' (`order.`, `api.*`). */
  readonly kind?: string;
  readonly symbol?: string;
  readonly runId?: string;
  /** 1..100 000. */
  readonly limit: number;
}

/** `store.audit`: the tamper-evident trail of one store (audit-store.ts implements it over SQL). */
export interface AuditTrailStore {
  /** Appends in one transaction; returns the new head (its seq is the last entry's). */
  append(entries: readonly AuditInput[]): Promise<AuditHead>;
  head(): Promise<AuditHead>;
  /** Every row in chain order, as stored (for `verify`). */
  rows(): AsyncIterable<AuditRow>;
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}
