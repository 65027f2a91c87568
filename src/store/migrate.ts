// Applies the versioned migrations in order, each in its own transaction, and records them in
// schema_migrations with a checksum. Safe to run on every open and from several processes at once
// (a transaction-scoped advisory lock serializes them).
import { createHash } from 'node:crypto';
import { ConfigError, InvariantError } from '../core/errors.ts';
import { restoreHint } from './safety.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { SqlConn, SqlDriver } from './sql.ts';
import type { AppliedMigration } from './store.ts';

/** Arbitrary constant shared by every Sextant process: "sext" in ASCII. */
const LOCK_KEY = 0x73657874;

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  created_at  timestamptz NOT NULL DEFAULT now()
)`;

/**
 * True when every migration is already applied with its checksum and nothing newer is recorded: one
 * read instead of a locked transaction per migration (the common case, every open after the first).
 */
async function upToDate(db: SqlDriver, migrations: readonly Migration[]): Promise<boolean> {
  const present = await db.query<{ t: string | null; runs: string | null }>("SELECT to_regclass('schema_migrations')::text AS t, to_regclass('runs')::text AS runs");
  if (present.rows[0]?.t == null) {
    // Tables without their migration record: re-running migration 1 would fail half-way ("relation already
    // exists"); the store was damaged (or edited by hand), so stop and say so.
    if (present.rows[0]?.runs != null) {
      throw new ConfigError(
        `the store in ${db.location} is damaged: its tables exist but the schema_migrations table that records their version is missing; ${restoreHint(db.location)}`,
      );
    }
    return false;
  }
  const rows = await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  const stored = new Map(rows.rows.map((r) => [Number(r.version), r.checksum]));
  const known = migrations.at(-1)?.version ?? 0;
  return stored.size === migrations.length && migrations.every((m) => stored.get(m.version) === checksum(m.sql)) && [...stored.keys()].every((v) => v <= known);
}

/** Creates schema_migrations and applies `migrations` inside the caller's transaction (restore into an empty schema). */
export async function applyInTransaction(tx: SqlConn, migrations: readonly Migration[]): Promise<void> {
  checkOrdered(migrations);
  await tx.exec(CREATE_TABLE);
  for (const m of migrations) {
    await tx.exec(m.sql);
    await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, checksum(m.sql)]);
  }
}

/** Applies what is missing; returns the versions applied by this call. */
export async function migrate(db: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  checkOrdered(migrations);
  if (await upToDate(db, migrations)) return [];
  const applied: number[] = [];
  for (const m of migrations) {
    const sum = checksum(m.sql);
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.exec(CREATE_TABLE);
      const done = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [m.version]);
      const prior = done.rows[0];
      if (prior !== undefined) {
        if (prior.checksum !== sum) {
          throw new InvariantError(`migration ${m.version} (${m.name}) was changed after it was applied to this database; add a new migration instead`);
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, sum]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  const known = migrations.at(-1)?.version ?? 0;
  const newest = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const v = newest.rows[0]?.v ?? 0;
  if (v > known) {
    throw new ConfigError(`the database schema is at version ${v}, newer than this Sextant understands (${known}); upgrade Sextant`);
  }
  return applied;
}

export async function appliedMigrations(db: SqlDriver): Promise<AppliedMigration[]> {
  const r = await db.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return r.rows.map((x) => ({ version: Number(x.version), name: x.name, checksum: x.checksum }));
}

function checkOrdered(ms: readonly Migration[]): void {
  let prev = 0;
  for (const m of ms) {
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new InvariantError(`migrations must have increasing integer versions; ${m.version} (${m.name}) follows ${prev}`);
    }
    prev = m.version;
  }
}
