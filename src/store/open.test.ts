import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_STORE_DIR, openStore, resolveStoreTarget } from './open.ts';

describe('resolveStoreTarget', () => {
  it('uses Postgres for a postgres:// or postgresql:// url option', () => {
    expect(resolveStoreTarget({ url: 'postgres://u@h:5432/d', env: {} })).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/d' });
    expect(resolveStoreTarget({ url: 'postgresql://u@h/d', env: {} }).kind).toBe('postgres');
  });

  it('uses DATABASE_URL when no url option is given, even when a folder is', () => {
    expect(resolveStoreTarget({ dir: '/x', env: { DATABASE_URL: 'postgres://h/d' } })).toEqual({ kind: 'postgres', url: 'postgres://h/d' });
  });

  it('lets the url option win over DATABASE_URL', () => {
    expect(resolveStoreTarget({ url: 'memory://', env: { DATABASE_URL: 'postgres://h/d' } })).toEqual({ kind: 'pglite', dir: undefined });
  });

  it('falls back to the folder option, then ./.sextant/db', () => {
    expect(resolveStoreTarget({ dir: '/data/db', env: {} })).toEqual({ kind: 'pglite', dir: '/data/db' });
    expect(resolveStoreTarget({ env: { DATABASE_URL: '' } })).toEqual({ kind: 'pglite', dir: DEFAULT_STORE_DIR });
  });

  it('rejects an unknown URL scheme as a ConfigError without echoing the password', () => {
    expect(() => resolveStoreTarget({ env: { DATABASE_URL: 'mysql://u:secret@h/d' } })).toThrow(ConfigError);
    expect(() => resolveStoreTarget({ env: { DATABASE_URL: 'mysql://u:secret@h/d' } })).toThrow(/DATABASE_URL/);
    expect(() => resolveStoreTarget({ env: { DATABASE_URL: 'mysql://u:secret@h/d' } })).not.toThrow(/secret/);
  });
});

describe('openStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'sextant-open-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the folder, and refuses a second open of the same folder while the first is open', async () => {
    const dir = join(root, 'nested', 'db');
    const store = await openStore({ dir, env: {} });
    try {
      expect(store.kind).toBe('pglite');
      expect(store.location).toBe(dir);
      await expect(openStore({ dir, env: {} })).rejects.toThrow(/already open in this process/);
    } finally {
      await store.close();
    }
    // Closing releases the folder.
    const again = await openStore({ dir, env: {} });
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = join(root, 'nested', 'db');
    writeFileSync(join(dir, 'lock'), '2147483646');
    const store = await openStore({ dir, env: {} });
    await store.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('reports an unreachable Postgres server as a ConfigError naming DATABASE_URL', async () => {
    await expect(openStore({ env: { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' } })).rejects.toThrow(ConfigError);
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(openStore({ url: 'memory://', schema: 'x; DROP TABLE runs' })).rejects.toThrow(ConfigError);
  });
});

describe('openStore on Postgres with mustExist', () => {
  const url = process.env.SEXTANT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  it('refuses a schema without a store and creates no tables there', async () => {
    const schema = `sextant_none_${process.pid}`;
    const e = await openStore({ url, schema, mustExist: true }).then(() => null, (x: unknown) => x);
    if (e instanceof ConfigError && /cannot open Postgres/.test(e.message) && process.env.CI !== 'true') return; // no server here
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(new RegExp(`no Sextant store in .* \\(schema ${schema}\\)`));
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const t = await c.query<{ n: string }>('SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(t.rows[0]!.n).toBe('0');
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });
});
