// Walks a stored chain and names the first entry that is not what was written: the one edited,
// deleted, inserted or moved, or the first one missing from the tail a checkpoint saw.
import { canonicalJson } from '../../core/canonical-json.ts';
import type { JsonValue } from '../access-store.ts';
import { entryHash } from './chain.ts';
import { AUDIT_ACTOR_KINDS, GENESIS_HASH, type AuditActorKind, type AuditEntry, type AuditHead, type AuditRow } from './entry.ts';

export type AuditProblemKind = 'missing' | 'edited' | 'rewritten' | 'inserted' | 'deleted' | 'malformed' | 'truncated' | 'checkpoint-mismatch';

export interface AuditProblem {
  /** The entry the problem is at (the one edited, missing, inserted, ...). */
  readonly seq: number;
  readonly kind: AuditProblemKind;
  readonly message: string;
}

/** A head exported earlier and kept away from the store (`sextant audit checkpoint`). */
export interface AuditCheckpoint extends AuditHead {
  readonly createdMs?: number;
}

export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Entries read. */
  readonly entries: number;
  /** The last entry read (EMPTY for an empty log). */
  readonly head: AuditHead;
  /** The first problem, or null. */
  readonly problem: AuditProblem | null;
  /** Whether a checkpoint was given and the log still holds its head. */
  readonly checkpoint: 'none' | 'matched' | 'failed';
}

/** A parsed row, with its payload's stored text (canonical, so the hash can use it as it is). */
type Parsed = { ok: true; entry: AuditEntry; payloadText: string } | { ok: false; field: string; why: string };

const HEX64 = /^[0-9a-f]{64}$/;

function int(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'bigint' ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** A row read back into an entry, or the first column that cannot be one. */
export function parseAuditRow(r: AuditRow): Parsed {
  const seq = int(r.seq);
  const tsMs = int(r.ts_ms);
  const recordedMs = int(r.recorded_ms);
  if (seq === null || seq < 1) return { ok: false, field: 'seq', why: 'not a positive integer' };
  if (tsMs === null) return { ok: false, field: 'ts_ms', why: 'not an integer' };
  if (recordedMs === null) return { ok: false, field: 'recorded_ms', why: 'not an integer' };
  if (typeof r.actor_kind !== 'string' || !(AUDIT_ACTOR_KINDS as readonly string[]).includes(r.actor_kind)) return { ok: false, field: 'actor_kind', why: 'not an actor kind' };
  for (const f of ['actor', 'source', 'kind', 'payload'] as const) if (typeof r[f] !== 'string') return { ok: false, field: f, why: 'not text' };
  for (const f of ['run_id', 'symbol'] as const) if (r[f] !== null && typeof r[f] !== 'string') return { ok: false, field: f, why: 'not text or null' };
  if (typeof r.prev_hash !== 'string' || !HEX64.test(r.prev_hash)) return { ok: false, field: 'prev_hash', why: 'not a SHA-256 hex digest' };
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return { ok: false, field: 'hash', why: 'not a SHA-256 hex digest' };
  let payload: JsonValue;
  try {
    payload = JSON.parse(r.payload as string) as JsonValue;
  } catch {
    return { ok: false, field: 'payload', why: 'not JSON' };
  }
  if (canonicalJson(payload) !== r.payload) return { ok: false, field: 'payload', why: 'not in canonical form (edited by hand?)' };
  return {
    ok: true,
    entry: {
      seq, tsMs, recordedMs, actorKind: r.actor_kind as AuditActorKind, actor: r.actor as string, source: r.source as string, kind: r.kind as string,
      runId: r.run_id as string | null, symbol: r.symbol as string | null, payload, prevHash: r.prev_hash, hash: r.hash,
    },
    payloadText: r.payload as string,
  };
}

const selfConsistent = (e: AuditEntry, payloadText: string, seq = e.seq): boolean => entryHash({ ...e, seq }, payloadText) === e.hash;

/**
 * Checks rows read in ascending seq order. Per entry: the sequence has no gap, the entry's content
 * hashes to its hash, and its prevHash is the hash of the entry before. With a checkpoint, the log
 * must still hold the checkpoint's head with the same hash.
 */
export async function verifyAuditChain(rows: AsyncIterable<AuditRow> | Iterable<AuditRow>, checkpoint?: AuditCheckpoint): Promise<AuditVerifyResult> {
  let prev: AuditEntry | null = null;
  let entries = 0;
  let cp: AuditVerifyResult['checkpoint'] = checkpoint === undefined ? 'none' : 'failed';
  const head = (): AuditHead => (prev === null ? { count: 0, seq: 0, hash: GENESIS_HASH } : { count: entries, seq: prev.seq, hash: prev.hash });
  const fail = (problem: AuditProblem): AuditVerifyResult => ({ ok: false, entries, head: head(), problem, checkpoint: cp === 'matched' ? 'matched' : checkpoint === undefined ? 'none' : 'failed' });

  for await (const row of rows) {
    const expected = (prev?.seq ?? 0) + 1;
    const seqRead = int(row.seq);
    const parsed = parseAuditRow(row);
    if (!parsed.ok) return fail({ seq: seqRead ?? expected, kind: 'malformed', message: `entry ${seqRead ?? '?'}: column ${parsed.field} is ${parsed.why}: the entry was edited` });
    const e = parsed.entry;
    const text = parsed.payloadText;
    if (e.seq > expected) {
      // A gap: the missing entries were deleted, unless the entry here is one of them renumbered.
      return fail({ seq: expected, kind: 'missing', message: e.seq === expected + 1 ? `entry ${expected} is missing (deleted)` : `entries ${expected} to ${e.seq - 1} are missing (deleted)` });
    }
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const linked = e.prevHash === prevHash;
    if (!selfConsistent(e, text)) {
      if (!linked && prev !== null && selfConsistent(e, text, e.seq - 1)) {
        return fail({ seq: prev.seq, kind: 'inserted', message: `entry ${prev.seq} was inserted: the entry after it was written as entry ${prev.seq}` });
      }
      if (selfConsistent(e, text, e.seq + 1)) return fail({ seq: e.seq, kind: 'deleted', message: `entry ${e.seq} was deleted or moved: the entry now numbered ${e.seq} was written as entry ${e.seq + 1}` });
      return fail({ seq: e.seq, kind: 'edited', message: `entry ${e.seq} (${e.kind}) was edited: its content does not match its hash` });
    }
    if (!linked) {
      // This entry is as written, so the one before it is not the entry it followed.
      return fail({
        seq: expected - 1, kind: 'rewritten',
        message: `entry ${expected - 1} was replaced: entry ${e.seq} was chained to a different entry ${expected - 1} (hash ${e.prevHash.slice(0, 12)}…, found ${prevHash.slice(0, 12)}…)`,
      });
    }
    entries += 1;
    prev = e;
    if (checkpoint !== undefined && e.seq === checkpoint.seq) {
      if (e.hash !== checkpoint.hash) {
        return fail({ seq: e.seq, kind: 'checkpoint-mismatch', message: `entry ${e.seq} is not the entry the checkpoint saw (hash ${checkpoint.hash.slice(0, 12)}…, found ${e.hash.slice(0, 12)}…): entries up to ${e.seq} were rewritten` });
      }
      cp = 'matched';
    }
  }
  if (checkpoint !== undefined && checkpoint.seq > 0 && cp !== 'matched') {
    const last = prev?.seq ?? 0;
    return fail({
      seq: last + 1, kind: 'truncated',
      message: `the log ends at entry ${last} but the checkpoint saw ${checkpoint.seq} entries: ${checkpoint.seq === last + 1 ? `entry ${last + 1} was` : `entries ${last + 1} to ${checkpoint.seq} were`} removed`,
    });
  }
  return { ok: true, entries, head: head(), problem: null, checkpoint: cp };
}
