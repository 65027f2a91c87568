// Crash safety of paper trading on the embedded store (PGlite): CRASH_KILLS SIGKILLs (default 2) while three strategies trade
// a replay (test/helpers/paper-crash.ts says what is checked). Postgres: paper-crash-postgres.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.ts';
import { assertConsistent, crashAndRecover, KILLS } from './helpers/paper-crash.ts';

describe('paper trading survives SIGKILL', () => {
  it(`loses and duplicates nothing across ${KILLS} kills on the embedded store (PGlite)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-crash-pglite-'));
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const { killed } = await crashAndRecover(dir, env);
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const store = await openStore({ dir: join(dir, 'db'), env: {} });
    try {
      await assertConsistent(store);
    } finally {
      await store.close();
    }
  }, 900_000);
});
