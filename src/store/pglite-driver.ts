// PGlite (Postgres compiled to WASM) in this process: a folder on disk, or memory for tests.
// Only one process may open a folder at a time; a lock file holding the owner's pid guards it.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { ident, type SqlConn, type SqlDriver, type SqlResult } from './sql.ts';

function wrap(q: PGlite | Transaction): SqlConn {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      const r = await q.query<R>(text, params as unknown[]);
      return { rows: r.rows };
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
    },
  };
}

/** Opens PGlite in memory (`dir` undefined) or in `<dir>/pgdata`, creating the folder as needed. */
export async function openPglite(dir: string | undefined, schema?: string): Promise<SqlDriver> {
  let lock: string | null = null;
  let db: PGlite;
  if (dir === undefined) {
    db = new PGlite();
  } else {
    const root = resolve(dir);
    mkdirSync(root, { recursive: true });
    lock = acquireLock(join(root, 'lock'));
    try {
      db = new PGlite(join(root, 'pgdata'));
      await db.waitReady;
    } catch (e) {
      releaseLock(lock);
      throw e;
    }
  }
  await db.waitReady;
  if (schema !== undefined) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; SET search_path TO ${ident(schema)}`);
  }
  const conn = wrap(db);
  let closed = false;
  return {
    kind: 'pglite',
    location: dir === undefined ? 'memory://' : resolve(dir),
    query: conn.query,
    exec: conn.exec,
    transaction: <T>(fn: (tx: SqlConn) => Promise<T>): Promise<T> => db.transaction((tx) => fn(wrap(tx))),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await db.close();
        // PGlite's file system turns fsync into a no-op; after the shutdown checkpoint, push the
        // whole folder to stable storage ourselves so a cleanly closed store survives power loss.
        if (dir !== undefined) syncTree(join(resolve(dir), 'pgdata'));
      } finally {
        if (lock !== null) releaseLock(lock);
      }
    },
  };
}

/** fsync every file and directory under `root` (children before their directory). */
export function syncTree(root: string): void {
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, e.name);
    if (e.isDirectory()) syncTree(path);
    else if (e.isFile()) fsyncPath(path);
  }
  fsyncPath(root);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function acquireLock(path: string): string {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      const who = owner === process.pid ? 'this process' : `process ${owner}`;
      throw new ConfigError(
        `the database folder is already open in ${who}; PGlite allows one process per folder ` +
          `(use DATABASE_URL=postgres://... to share a database, or remove ${path} if that process is gone)`,
        { file: path },
      );
    }
    // Left behind by a process that died: take it over.
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new ConfigError('could not take the database lock', { file: path });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseLock(path: string): void {
  try {
    if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
