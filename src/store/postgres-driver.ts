// A Postgres server through node-postgres: a small pool; transactions take one client.
import pg from 'pg';
import { ident, type SqlConn, type SqlDriver, type SqlResult } from './sql.ts';
import { redactUrl } from './redact.ts';
import { claimPostgresRun } from './run-lock.ts';

function wrap(c: pg.Pool | pg.PoolClient): SqlConn {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await c.query(text, params as unknown[]);
      return { rows: r.rows as R[] };
    },
    async exec(text: string): Promise<void> {
      await c.query(text);
    },
  };
}

export async function openPostgres(url: string, schema?: string): Promise<SqlDriver> {
  // Every connection (pooled, or the run owner's own) works inside the chosen schema.
  const config = { connectionString: url, ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }) };
  const pool = new pg.Pool({ ...config, max: 4 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    else await pool.query('SELECT 1');
  } catch (e) {
    await pool.end();
    throw e;
  }
  const conn = wrap(pool);
  let closed = false;
  return {
    kind: 'postgres',
    location: redactUrl(url),
    query: conn.query,
    exec: conn.exec,
    async transaction<T>(fn: (tx: SqlConn) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
    claimRun: (runId: string) => claimPostgresRun(config, runId, redactUrl(url)),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
