// Migration 5: the tamper-evident audit trail (issue 17, docs/compliance.md). One hash chain over every
// entry: seq is gap-free and given by the writer under an advisory lock, payload is the canonical JSON
// (RFC 8785) text that was hashed, prev_hash/hash chain the entries. The table is append-only in the
// database itself: triggers refuse UPDATE, DELETE and TRUNCATE whoever asks, and the privileges to do
// them are revoked from PUBLIC. (api_audit of migration 4 stays as it was, read-only history.)

export const version = 5;
export const name = 'audit';

export const sql = `
CREATE TABLE audit (
  seq          bigint PRIMARY KEY CHECK (seq > 0),
  ts_ms        bigint NOT NULL,
  recorded_ms  bigint NOT NULL,
  actor_kind   text NOT NULL,
  actor        text NOT NULL,
  source       text NOT NULL,
  kind         text NOT NULL,
  run_id       text,
  symbol       text,
  payload      text NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL
);
-- One index besides the key: time ranges narrow every query; filters by kind, actor, run or symbol scan
-- within them (each more index cost a third of the append rate on PGlite).
CREATE INDEX audit_ts ON audit (ts_ms);

CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;
`;
