// Migration 2: one strategy's own state per run (Strategy.onSave / onLoad), so a restarted paper or
// live node resumes a strategy exactly where it stopped. One row per (run, strategy); a save replaces it.

export const version = 2;
export const name = 'strategy_state';

export const sql = `
CREATE TABLE strategy_state (
  run_id       text NOT NULL REFERENCES runs (id),
  strategy_id  text NOT NULL,
  state        jsonb NOT NULL,
  ts_ms        bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, strategy_id)
);
`;
