import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, InvariantError } from '../core/errors.ts';
import { checksum, migrate } from './migrate.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import { openPglite } from './pglite-driver.ts';
import type { SqlDriver } from './sql.ts';

// One in-memory PGlite; every test works in a fresh schema of it.
let db: SqlDriver;
let n = 0;
beforeAll(async () => {
  db = await openPglite(undefined);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  n++;
  await db.exec(`CREATE SCHEMA m${n}; SET search_path TO m${n}`);
});

const tables = async (): Promise<string[]> =>
  (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)).rows.map((r) => r.t);

const a: Migration = { version: 1, name: 'a', sql: 'CREATE TABLE a (x int)' };
const b: Migration = { version: 2, name: 'b', sql: 'CREATE TABLE b (x int); INSERT INTO b VALUES (1)' };

describe('migrate', () => {
  it('applies migrations in order, records each with its checksum, and does nothing the second time', async () => {
    expect(await migrate(db, [a, b])).toEqual([1, 2]);
    expect(await migrate(db, [a, b])).toEqual([]);
    const rows = (await db.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;
    expect(rows).toEqual([{ version: 1, name: 'a', checksum: checksum(a.sql) }, { version: 2, name: 'b', checksum: checksum(b.sql) }]);
    expect(await tables()).toEqual(['a', 'b', 'schema_migrations']);
  });

  it('checks an up-to-date database with two reads: no transaction, no lock', async () => {
    await migrate(db, [a, b]);
    const calls: string[] = [];
    const spy: SqlDriver = {
      ...db,
      query: (text, params) => {
        calls.push(text);
        return db.query(text, params);
      },
      transaction: (fn) => {
        calls.push('transaction');
        return db.transaction(fn);
      },
    };
    expect(await migrate(spy, [a, b])).toEqual([]);
    expect(calls).toHaveLength(2);
    expect(calls).not.toContain('transaction');
    // A changed or a new migration still goes through the locked path.
    calls.length = 0;
    expect(await migrate(spy, [a, b, { version: 3, name: 'c', sql: 'CREATE TABLE c (x int)' }])).toEqual([3]);
    expect(calls).toContain('transaction');
  });

  it('applies only the new migrations when the list grows', async () => {
    await migrate(db, [a]);
    expect(await migrate(db, [a, b])).toEqual([2]);
  });

  it('rolls a failing migration back entirely and records nothing of it', async () => {
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE half (x int); SELECT no_such_function()' };
    await expect(migrate(db, [a, bad])).rejects.toThrow(/no_such_function/);
    expect(await tables()).toEqual(['a', 'schema_migrations']);
    expect((await db.query('SELECT version FROM schema_migrations')).rows).toEqual([{ version: 1 }]);
  });

  it('refuses a database whose applied migration text was edited', async () => {
    await migrate(db, [a]);
    await expect(migrate(db, [{ ...a, sql: 'CREATE TABLE a (x bigint)' }])).rejects.toThrow(InvariantError);
  });

  it('refuses a database migrated by a newer Sextant', async () => {
    await migrate(db, [a, b]);
    await expect(migrate(db, [a])).rejects.toThrow(ConfigError);
  });

  it('refuses migrations out of order', async () => {
    await expect(migrate(db, [b, a])).rejects.toThrow(InvariantError);
  });

  it('ships migrations with increasing versions that apply cleanly to an empty database', async () => {
    expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await tables()).toEqual(
      [
        'api_audit', 'api_tokens', 'audit', 'bots', 'broker_credentials', 'commands', 'equity_snapshots', 'fills', 'instruments', 'order_events', 'orders',
        'positions', 'risk_events', 'runs', 'schema_migrations', 'sessions', 'settings', 'strategies', 'strategy_state', 'users',
      ],
    );
  });
});
