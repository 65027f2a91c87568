// `sextant audit verify` and GET /api/v1/audit/verify: the whole chain walked and checked, with progress.
import { verifyAuditChain, type AuditCheckpoint, type AuditRow, type AuditVerifyResult } from '../../store/audit/index.ts';
import type { Store } from '../../store/store.ts';

export interface VerifyAuditOptions {
  readonly checkpoint?: AuditCheckpoint;
  /** Called every `progressEvery` entries read (default 50 000) with the count so far. */
  readonly onProgress?: (entries: number) => void;
  readonly progressEvery?: number;
}

async function* counted(rows: AsyncIterable<AuditRow>, every: number, onProgress: (n: number) => void): AsyncGenerator<AuditRow> {
  let n = 0;
  for await (const r of rows) {
    yield r;
    if (++n % every === 0) onProgress(n);
  }
}

export function verifyAudit(store: Store, opts: VerifyAuditOptions = {}): Promise<AuditVerifyResult> {
  const rows = opts.onProgress === undefined ? store.audit.rows() : counted(store.audit.rows(), opts.progressEvery ?? 50_000, opts.onProgress);
  return verifyAuditChain(rows, opts.checkpoint);
}
