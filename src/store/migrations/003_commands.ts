// Migration 3: operator commands to a running node (kill, halt, resume, cancel-all, flatten, stop). A command
// is requested (pending), taken by the node that owns its run (acknowledged), and ends done, failed or expired,
// with the node's answer as JSON. Rows stay after the fact: they are the audit trail of operator actions.

export const version = 3;
export const name = 'commands';

export const sql = `
CREATE TABLE commands (
  id               text PRIMARY KEY,
  run_id           text NOT NULL REFERENCES runs (id),
  kind             text NOT NULL,
  args             jsonb NOT NULL DEFAULT '{}'::jsonb,
  requester        text NOT NULL,
  requested_ms     bigint NOT NULL,
  expires_ms       bigint NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'acknowledged', 'done', 'failed', 'expired')),
  result           jsonb,
  node_pid         integer,
  node_host        text,
  acknowledged_ms  bigint,
  finished_ms      bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commands_run ON commands (run_id, requested_ms);
CREATE INDEX commands_pending ON commands (run_id) WHERE status = 'pending';
`;
