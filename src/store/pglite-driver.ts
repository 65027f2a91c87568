// PGlite (Postgres compiled to WASM) in this process: a folder on disk, or memory for tests.
// Only one process may open a folder at a time; a lock file holding the owner's pid guards it.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { copyFreshCluster, forgetTemplate, freshClusterTarball } from './pglite-template.ts';
import { CREATING_DIR, inspectStoreFolder, LOCK_FILE, markStore, restoreHint, storeFault } from './safety.ts';
import { ident, type SqlConn, type SqlDriver, type SqlResult } from './sql.ts';
import { isProcessAlive } from '../core/pid.ts';
import { storeFsyncFrom } from './store-fsync.ts';
import { useWasmTier, wasmTierFrom } from './wasm-tier.ts';

/**
 * PostgreSQL's shared buffers in a store's process: 32 MB instead of initdb's 128 MB. PGlite is one process with
 * one connection, reading through the OS file cache, and the shared buffers are memory it touches at every start:
 * an open took 0.66 instead of 1.0 CPU-seconds and 150 instead of 254 MB of memory (2-core machine).
 */
const SHARED_BUFFERS = '32MB';
const START_PARAMS = [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`];

/** Every database error passes storeFault: damaged files become a ConfigError naming the folder. */
function wrap(q: PGlite | Transaction, where: string): SqlConn {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
      try {
        const r = await q.query<R>(text, params as unknown[]);
        return { rows: r.rows };
      } catch (e) {
        throw storeFault(e, where);
      }
    },
    async exec(text: string): Promise<void> {
      try {
        await q.exec(text);
      } catch (e) {
        throw storeFault(e, where);
      }
    },
  };
}

export interface PgliteOpenOptions {
  /** Create a new store when the folder is absent or empty (default true); false: a ConfigError instead. */
  readonly create?: boolean;
  /** The field a missing store is reported under when `create` is false. */
  readonly missingField?: string;
}

/**
 * Opens PGlite in memory (`dir` undefined) or in `<dir>/pgdata`. A new store is created only in an absent or
 * empty folder; a folder whose store is missing, incomplete or damaged is a ConfigError (safety.ts).
 */
export async function openPglite(dir: string | undefined, schema?: string, opts: PgliteOpenOptions = {}): Promise<SqlDriver> {
  useWasmTier(wasmTierFrom());
  const flush = storeFsyncFrom();
  let lock: string | null = null;
  let db: PGlite;
  const where = dir === undefined ? 'memory://' : resolve(dir);
  if (dir === undefined) {
    db = await memoryCluster();
  } else {
    const root = where;
    if (opts.create === false && inspectStoreFolder(root) !== 'store') {
      throw new ConfigError(`no store at ${root} (a paper run creates one)`, { field: opts.missingField ?? 'dir' });
    }
    // A folder holding nothing but a lock left behind once had an owner: its store was removed (or never
    // finished being created). Not an empty folder, so no new store is made there silently.
    const before = existsSync(root) && statSync(root).isDirectory() ? readdirSync(root) : null;
    const onlyLock = before !== null && before.join('/') === LOCK_FILE;
    if (onlyLock && !lockHeld(join(root, LOCK_FILE))) {
      // Left untouched (the lock file too), so the next start says the same.
      throw new ConfigError(
        `${root} holds only a lock file left by a process that is gone, and no database: the store that was there was removed ` +
          `(or a first start died before creating it); ${restoreHint(root)}`,
      );
    }
    try {
      mkdirSync(root, { recursive: true });
      // A new folder gets its "creation under way" folder before the lock file, so no kill leaves a lock alone.
      if (before === null || before.length === 0) mkdirSync(join(root, CREATING_DIR), { recursive: true });
      lock = acquireLock(join(root, LOCK_FILE));
    } catch (e) {
      throw storeFault(e, root);
    }
    try {
      // Checked under the lock: nobody else creates or removes the store meanwhile.
      const state = inspectStoreFolder(root);
      if (state === 'store') {
        checkWritable(root);
        db = new PGlite(join(root, 'pgdata'), { startParams: START_PARAMS });
        await db.waitReady;
      } else db = await createAndOpen(root);
      markStore(root);
    } catch (e) {
      releaseLock(lock);
      throw storeFault(e, root);
    }
  }
  await db.waitReady;
  const conn = wrap(db, where);
  if (schema !== undefined) {
    try {
      await conn.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; SET search_path TO ${ident(schema)}`);
    } catch (e) {
      await db.close().catch(() => undefined);
      if (lock !== null) releaseLock(lock);
      throw e;
    }
  }
  let closed = false;
  return {
    kind: 'pglite',
    location: dir === undefined ? 'memory://' : resolve(dir),
    query: conn.query,
    exec: conn.exec,
    transaction: <T>(fn: (tx: SqlConn) => Promise<T>): Promise<T> => db.transaction((tx) => fn(wrap(tx, where))).catch((e: unknown) => { throw storeFault(e, where); }),
    // The folder lock already makes this process the only one using the store, hence every run in it.
    claimRun: () => Promise.resolve(() => Promise.resolve()),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await db.close();
        // PGlite's file system turns fsync into a no-op; after the shutdown checkpoint, push the
        // whole folder to stable storage ourselves so a cleanly closed store survives power loss.
        if (dir !== undefined && flush) syncTree(join(resolve(dir), 'pgdata'));
      } finally {
        if (lock !== null) releaseLock(lock);
      }
    },
  };
}

/**
 * initdb takes seconds: a process killed meanwhile must not leave a half-made `pgdata` that the next start
 * would (rightly) refuse as damaged. The database is made in `pgdata.creating`, closed, then renamed into
 * place; a leftover of an interrupted creation never held data and is removed first.
 */
async function createAtomically(root: string, fromTemplate: boolean): Promise<void> {
  const tmp = join(root, CREATING_DIR);
  // Emptied, never removed: between the two a kill would leave the lock file alone in the folder, which
  // the next start rightly refuses as a store that was removed.
  mkdirSync(tmp, { recursive: true });
  for (const e of readdirSync(tmp)) rmSync(join(tmp, e), { recursive: true, force: true });
  await initdb(tmp, fromTemplate);
  const flush = storeFsyncFrom();
  if (flush) syncTree(tmp);
  // Only a cluster made by this call and never opened is there to replace (see createAndOpen).
  rmSync(join(root, 'pgdata'), { recursive: true, force: true });
  renameSync(tmp, join(root, 'pgdata'));
  if (flush) fsyncPath(root);
}

/**
 * A new store: created (from the template when there is one) and opened. A cluster copied from a template that
 * does not open (damaged in a way its manifest of sizes did not show) never held data: it is made again by
 * initdb, and the template is removed so the next new store makes a good one.
 */
async function createAndOpen(root: string): Promise<PGlite> {
  await createAtomically(root, true);
  try {
    const db = new PGlite(join(root, 'pgdata'), { startParams: START_PARAMS });
    await db.waitReady;
    return db;
  } catch {
    forgetTemplate();
    await createAtomically(root, false);
    const db = new PGlite(join(root, 'pgdata'), { startParams: START_PARAMS });
    await db.waitReady;
    return db;
  }
}

/**
 * A fresh cluster in `dir`: copied from the kept template of one (pglite-template.ts; checked by the store's first
 * open, createAndOpen), else by PGlite's own initdb.
 */
async function initdb(dir: string, fromTemplate: boolean): Promise<void> {
  if (fromTemplate && (await copyFreshCluster(dir))) return;
  const fresh = new PGlite(dir);
  await fresh.waitReady;
  await fresh.close();
}

/** A database in memory (tests, `memory://`): from the kept fresh-cluster tarball too, else by initdb. */
async function memoryCluster(): Promise<PGlite> {
  const tarball = await freshClusterTarball();
  if (tarball !== null) {
    try {
      const db = new PGlite({ loadDataDir: tarball, startParams: START_PARAMS });
      await db.waitReady;
      return db;
    } catch {
      forgetTemplate();
    }
  }
  return new PGlite({ startParams: START_PARAMS });
}

/** PGlite fails deep inside WASM on a read-only folder: say so first (root can write anyway). */
function checkWritable(root: string): void {
  for (const path of [root, join(root, 'pgdata'), join(root, 'pgdata', 'global', 'pg_control')]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      throw storeFault(e, root);
    }
  }
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

export function acquireLock(path: string): string {
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
    if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) {
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

/** A lock file whose process is alive (an unreadable one counts as held: acquireLock reports it). */
function lockHeld(path: string): boolean {
  try {
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(owner) && owner > 0 && isProcessAlive(owner);
  } catch {
    return true;
  }
}


export function releaseLock(path: string): void {
  try {
    if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
