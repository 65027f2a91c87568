// The Postgres server the store tests use (this machine and CI run one at 127.0.0.1:5432, database `test`),
// and one check of whether it answers: on CI a missing server fails the test file, elsewhere it skips.
import pg from 'pg';

export const TEST_PG_URL = process.env.SEXTANT_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** True when the test server answers; false (with a warning) when not, except under CI=true, where it throws. */
export async function postgresForTests(suite: string, url: string = TEST_PG_URL): Promise<boolean> {
  if (await reachable(url)) return true;
  if (process.env.CI === 'true') throw new Error(`${suite}: no Postgres server at ${url} (CI requires one)`);
  console.warn(`${suite}: no Postgres server at ${url}; the Postgres cases are SKIPPED`);
  return false;
}
