// `sextant audit export` and `audit show`: entries as JSON lines (one entry, as stored, per line: what an
// outside verifier needs to recompute every hash) or CSV (RFC 4180, payload as its JSON text).
import { canonicalJson } from '../../core/canonical-json.ts';
import { parseAuditRow, type AuditEntry } from '../../store/audit/index.ts';
import type { Store } from '../../store/store.ts';
import { InputError } from '../../core/errors.ts';
import { csvRow } from '../reports/csv-table.ts';

export type AuditExportFormat = 'jsonl' | 'csv';

export const AUDIT_CSV_COLUMNS = ['seq', 'time', 'ts_ms', 'recorded_ms', 'actor_kind', 'actor', 'source', 'kind', 'run_id', 'symbol', 'payload', 'prev_hash', 'hash'] as const;

export function auditCsvRow(e: AuditEntry): string {
  return csvRow([e.seq, new Date(e.tsMs).toISOString(), e.tsMs, e.recordedMs, e.actorKind, e.actor, e.source, e.kind, e.runId, e.symbol, canonicalJson(e.payload), e.prevHash, e.hash]);
}

/** One line per entry, fields in the hashed content's names plus `hash`. */
export function auditJsonLine(e: AuditEntry): string {
  return JSON.stringify(e);
}

/** Every entry in chain order, as lines of the format (the CSV header first). A malformed row is an InputError naming it. */
export async function* exportAudit(store: Store, format: AuditExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(AUDIT_CSV_COLUMNS);
  for await (const row of store.audit.rows()) {
    const p = parseAuditRow(row);
    if (!p.ok) throw new InputError(`audit entry ${String(row.seq)} is malformed (column ${p.field} is ${p.why}); run \`sextant audit verify\``, { field: 'audit' });
    yield format === 'csv' ? auditCsvRow(p.entry) : auditJsonLine(p.entry);
  }
}
