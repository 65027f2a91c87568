// Audit checkpoints: the chain's head (entry count, last seq, last hash) written to a file that is kept
// away from the store (another machine, a printout, a ticket). Verifying against one proves that nothing
// up to it was rewritten and that no entry it saw has been removed from the tail.
import { z } from 'zod';
import type { AuditCheckpoint, AuditHead } from '../../store/audit/index.ts';
import type { Store } from '../../store/store.ts';
import { JsonFile } from '../dto/json-file.ts';

export const AUDIT_CHECKPOINT_FORMAT = 'sextant-audit-checkpoint';

export const AuditCheckpointSchema = z.strictObject({
  format: z.literal(AUDIT_CHECKPOINT_FORMAT),
  version: z.literal(1),
  /** Where the chain is (a folder or a redacted Postgres URL): informative. */
  store: z.string(),
  count: z.number().int().min(0),
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
  createdTime: z.iso.datetime(),
});
export type AuditCheckpointDto = z.infer<typeof AuditCheckpointSchema>;

export function checkpointOf(head: AuditHead, storeLocation: string, nowMs: number): AuditCheckpointDto {
  return { format: AUDIT_CHECKPOINT_FORMAT, version: 1, store: storeLocation, count: head.count, seq: head.seq, hash: head.hash, createdTime: new Date(nowMs).toISOString() };
}

/** The store's head now, as a checkpoint. */
export async function makeCheckpoint(store: Store, nowMs = Date.now()): Promise<AuditCheckpointDto> {
  return checkpointOf(await store.audit.head(), store.location, nowMs);
}

/** Reads a checkpoint file; a bad one is an InputError naming the file, line and field. */
export function readCheckpoint(file: string): AuditCheckpoint {
  const f = JsonFile.read(file, 'an audit checkpoint (sextant audit checkpoint --out <file>)', 'fromCheckpoint');
  const c = f.parse(AuditCheckpointSchema);
  if (c.count !== c.seq) f.fail(['count'], `must equal seq (${c.seq}): entries are numbered 1, 2, 3, ...`);
  return { count: c.count, seq: c.seq, hash: c.hash, createdMs: Date.parse(c.createdTime) };
}
