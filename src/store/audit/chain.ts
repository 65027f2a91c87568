// The hash chain: entry n's hash is SHA-256 over the canonical JSON (RFC 8785) of its content, which
// includes entry n-1's hash. Changing, removing, inserting or reordering any entry breaks the chain at
// that entry; removing the newest entries is caught against a checkpoint kept elsewhere.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { JsonValue } from '../access-store.ts';
import type { AuditEntry, AuditHead, AuditInput } from './entry.ts';

/** Version of the hashed encoding; a different layout would be version 2. */
export const AUDIT_ENCODING_VERSION = 1;

/** The object whose canonical JSON is hashed: every column but the hash itself. */
export function hashedContent(e: Omit<AuditEntry, 'hash'>): Record<string, JsonValue> {
  return {
    v: AUDIT_ENCODING_VERSION,
    seq: e.seq,
    tsMs: e.tsMs,
    recordedMs: e.recordedMs,
    actorKind: e.actorKind,
    actor: e.actor,
    source: e.source,
    kind: e.kind,
    runId: e.runId,
    symbol: e.symbol,
    payload: e.payload,
    prevHash: e.prevHash,
  };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * canonicalJson(hashedContent(e)) written directly: the top-level keys are fixed, so their RFC 8785 order
 * is known (actor, actorKind, kind, payload, prevHash, recordedMs, runId, seq, source, symbol, tsMs, v),
 * and the payload's canonical text, made once, is reused for the stored column. A test holds the two equal.
 */
export function hashedText(e: Omit<AuditEntry, 'hash'>, payloadText: string = canonicalJson(e.payload)): string {
  const s = JSON.stringify;
  return `{"actor":${s(e.actor)},"actorKind":${s(e.actorKind)},"kind":${s(e.kind)},"payload":${payloadText},"prevHash":${s(e.prevHash)},"recordedMs":${canonicalJson(e.recordedMs)},"runId":${e.runId === null ? 'null' : s(e.runId)},"seq":${canonicalJson(e.seq)},"source":${s(e.source)},"symbol":${e.symbol === null ? 'null' : s(e.symbol)},"tsMs":${canonicalJson(e.tsMs)},"v":${AUDIT_ENCODING_VERSION}}`;
}

export function entryHash(e: Omit<AuditEntry, 'hash'>, payloadText?: string): string {
  return sha256Hex(hashedText(e, payloadText));
}

/** An entry with the canonical text of its payload (what the table stores), made once. */
export interface ChainedEntry extends AuditEntry {
  readonly payloadText: string;
}

/** Chains `inputs` after `head`: their sequence numbers, the recording time and each hash. */
export function chainEntries(head: AuditHead, inputs: readonly AuditInput[], recordedMs: number): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let seq = head.seq;
  let prev = head.hash;
  for (const x of inputs) {
    seq += 1;
    const body = {
      seq, tsMs: x.tsMs, recordedMs, actorKind: x.actorKind, actor: x.actor, source: x.source, kind: x.kind,
      runId: x.runId ?? null, symbol: x.symbol ?? null, payload: x.payload ?? {}, prevHash: prev,
    };
    const payloadText = canonicalJson(body.payload);
    const hash = entryHash(body, payloadText);
    out.push({ ...body, hash, payloadText });
    prev = hash;
  }
  return out;
}
