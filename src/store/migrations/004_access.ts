// Migration 4: access control of the API server (issue 15). Users (scrypt password hashes), browser
// sessions and API tokens (only sha256 hashes of their secrets), broker credentials (AES-256-GCM ciphertext
// and a display mask, never the secret), the server's bot definitions, and `api_audit`: who changed what,
// when and from where. The audit table is append-only in the database itself: a trigger refuses UPDATE,
// DELETE and TRUNCATE whoever asks (DROP TABLE, as a restore does, still works).

export const version = 4;
export const name = 'access';

export const sql = `
CREATE TABLE users (
  username       text PRIMARY KEY,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('read', 'trade', 'admin')),
  created_ms     bigint NOT NULL,
  updated_ms     bigint NOT NULL
);

CREATE TABLE sessions (
  id_hash     text PRIMARY KEY,
  username    text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  csrf        text NOT NULL,
  created_ms  bigint NOT NULL,
  expires_ms  bigint NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_ms);

CREATE TABLE api_tokens (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  scope         text NOT NULL CHECK (scope IN ('read', 'trade', 'admin')),
  username      text,
  created_ms    bigint NOT NULL,
  expires_ms    bigint,
  revoked_ms    bigint,
  last_used_ms  bigint
);

CREATE TABLE broker_credentials (
  id          text PRIMARY KEY,
  venue       text NOT NULL,
  label       text NOT NULL,
  ciphertext  text NOT NULL,
  iv          text NOT NULL,
  tag         text NOT NULL,
  mask        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_ms  bigint NOT NULL
);

CREATE TABLE bots (
  id          text PRIMARY KEY,
  config      jsonb NOT NULL,
  desired     text NOT NULL CHECK (desired IN ('running', 'stopped')),
  created_ms  bigint NOT NULL,
  updated_ms  bigint NOT NULL
);

CREATE TABLE api_audit (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts_ms    bigint NOT NULL,
  actor    text NOT NULL,
  source   text NOT NULL,
  action   text NOT NULL,
  target   text NOT NULL,
  payload  jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE OR REPLACE FUNCTION api_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'api_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER api_audit_no_update BEFORE UPDATE OR DELETE ON api_audit FOR EACH ROW EXECUTE FUNCTION api_audit_append_only();
CREATE TRIGGER api_audit_no_truncate BEFORE TRUNCATE ON api_audit FOR EACH STATEMENT EXECUTE FUNCTION api_audit_append_only();
`;
