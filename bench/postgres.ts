// The Postgres server the store benches use (SEXTANT_BENCH_DATABASE_URL, DATABASE_URL, or the local test
// server), each in a schema of its own that is dropped afterwards; skipped with a note when none answers.
import pg from 'pg';
import type { BenchResult } from './types.ts';

export const PG_URL = process.env.SEXTANT_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Runs `measure` on a fresh schema `sextant_<label>_<pid>` of the bench server, or returns [] when there is none. */
export async function onBenchPostgres(label: string, measure: (url: string, schema: string) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  if (!(await pgReachable())) {
    console.error(`bench ${label}: no Postgres at ${PG_URL}; Postgres numbers skipped`);
    return [];
  }
  const schema = `sextant_${label}_${process.pid}`;
  try {
    return await measure(PG_URL, schema);
  } finally {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
  }
}
