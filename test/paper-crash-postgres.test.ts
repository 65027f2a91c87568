// Crash safety of paper trading on Postgres (127.0.0.1:5432): CRASH_KILLS SIGKILLs (default 2) while three strategies trade a
// replay (test/helpers/paper-crash.ts says what is checked). The embedded store: paper-crash-pglite.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.ts';
import { assertConsistent, crashAndRecover, KILLS } from './helpers/paper-crash.ts';

const PG_ADMIN = process.env.SEXTANT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('paper trading survives SIGKILL', () => {
  const dbName = `sextant_crash_${process.pid}`;
  let admin: pg.Client | null = null;
  afterAll(async () => {
    if (admin !== null) {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  });

  it(`loses and duplicates nothing across ${KILLS} kills on Postgres`, async () => {
    admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${dbName}`;
    const dir = mkdtempSync(join(tmpdir(), 'sextant-crash-pg-'));
    const { killed } = await crashAndRecover(dir, { ...process.env, DATABASE_URL: url.toString() });
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const store = await openStore({ url: url.toString() });
    try {
      await assertConsistent(store);
    } finally {
      await store.close();
    }
  }, 900_000);
});
