// The audit trail's use cases: verify, show, export and checkpoint (docs/compliance.md).
export { AUDIT_CHECKPOINT_FORMAT, AuditCheckpointSchema, checkpointOf, makeCheckpoint, readCheckpoint, type AuditCheckpointDto } from './checkpoint.ts';
export { AUDIT_CSV_COLUMNS, auditCsvRow, auditJsonLine, exportAudit, type AuditExportFormat } from './export-audit.ts';
export { verifyAudit, type VerifyAuditOptions } from './verify-audit.ts';
export { AuditCheckpointLog, type CheckpointLogOptions, type CheckpointSource } from './checkpoint-log.ts';
