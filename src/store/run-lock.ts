// Run ownership on Postgres: one live owner per run. The owner holds a session-level advisory lock on a
// connection of its own (kept open while the run is), keyed by schema and run id; the owner's pid and host
// are written to settings under `run-owner:<run id>` so a refused process can name it. The server drops the
// lock by itself when the owner's connection ends (process killed, machine gone).
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClientConfig } from 'pg';
import { ConfigError } from '../core/errors.ts';
import type { SqlDriver } from './sql.ts';

export interface RunOwner {
  readonly pid: number;
  readonly host: string;
  readonly sinceMs: number;
}

/** A signed 64-bit advisory lock key (as text) from the schema and the run id. */
export function runLockKey(schema: string, runId: string): string {
  return createHash('sha256').update(`sextant-run\0${schema}\0${runId}`).digest().readBigInt64BE(0).toString();
}

export const ownerKey = (runId: string): string => `run-owner:${runId}`;

/** Takes the lock on a dedicated connection; resolves to the release (unlock, forget the owner, disconnect). */
export async function claimPostgresRun(config: ClientConfig, runId: string, where: string): Promise<() => Promise<void>> {
  // Loaded here, not with the module: every store reads run owners through this file, and an embedded one
  // never needs the Postgres client (a tenth of a second of every process start).
  const { default: pg } = await import('pg');
  const client = new pg.Client(config);
  // A lost connection loses the lock: nothing to crash over here; the owner's next store write reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const key = runLockKey(schema, runId);
    const got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows[0]!.ok;
    if (!got) {
      const row = await client.query<{ value: RunOwner }>('SELECT value FROM settings WHERE key = $1', [ownerKey(runId)]).catch(() => ({ rows: [] }));
      const o = row.rows[0]?.value;
      const who = o === undefined ? 'another process' : `process ${o.pid} on ${o.host} (since ${new Date(o.sinceMs).toISOString()})`;
      throw new ConfigError(
        `run "${runId}" is already running in ${who} on ${where}; one process owns a run at a time: stop that process first, or start another run with --run <new id>`,
        { field: '--run' },
      );
    }
    const owner: RunOwner = { pid: process.pid, host: hostname(), sinceMs: Date.now() };
    await client.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [ownerKey(runId), JSON.stringify(owner)],
    );
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await client.query('DELETE FROM settings WHERE key = $1', [ownerKey(runId)]);
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      } finally {
        await client.end().catch(() => undefined);
      }
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

/**
 * Who owns a run, asked of the server: the run's advisory lock is tried inside a transaction (released at its
 * end), so a lock held by a live owner's session says "owned" and a dead owner's (its session gone) does not.
 */
export async function postgresRunOwner(db: SqlDriver, runId: string): Promise<RunOwner | null> {
  return db.transaction(async (tx) => {
    const schema = (await tx.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const free = (await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS ok', [runLockKey(schema, runId)])).rows[0]!.ok;
    if (free) return null;
    const row = await tx.query<{ value: RunOwner }>('SELECT value FROM settings WHERE key = $1', [ownerKey(runId)]);
    return row.rows[0]?.value ?? { pid: 0, host: 'unknown', sinceMs: 0 };
  });
}
