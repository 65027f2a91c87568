// `store.audit`: the tamper-evident trail of one store (docs/compliance.md). Trading rows are audited by
// the store's own batch writes; everything else (API mutations, logins, commands, ...) is appended here.
import type { SqlDriver } from '../sql.ts';
import { allAuditRows, auditHead, listAuditEntries, type AuditAppender } from './audit-sql.ts';
import type { AuditTrailStore } from './entry.ts';

export type { AuditTrailStore } from './entry.ts';

export function auditStore(db: SqlDriver, appender: AuditAppender, guard: () => void, now: () => number = Date.now): AuditTrailStore {
  return {
    append(entries) {
      guard();
      return db.transaction((tx) => appender.append(tx, entries, now())).catch((e: unknown) => {
        appender.forget();
        throw e;
      });
    },
    head() {
      guard();
      return auditHead(db);
    },
    rows() {
      guard();
      return allAuditRows(db);
    },
    list(filter) {
      guard();
      return listAuditEntries(db, filter);
    },
  };
}
