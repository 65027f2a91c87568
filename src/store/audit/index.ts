// The audit trail: entries, the hash chain, verification and the store's SQL (docs/compliance.md).
export { appendAuditEntries } from './audit-sql.ts';
export { AUDIT_ENCODING_VERSION, chainEntries, entryHash, hashedContent, sha256Hex } from './chain.ts';
export { denialCode } from './derive.ts';
export { AUDIT_ACTOR_KINDS, EMPTY_HEAD, GENESIS_HASH, type AuditActorKind, type AuditEntry, type AuditFilter, type AuditHead, type AuditInput, type AuditRow, type AuditTrailStore } from './entry.ts';
export { parseAuditRow, verifyAuditChain, type AuditCheckpoint, type AuditProblem, type AuditProblemKind, type AuditVerifyResult } from './verify.ts';
