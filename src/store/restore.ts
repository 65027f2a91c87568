// `sextant backup` / `sextant restore` on the store the options point at. PGlite: the backup needs the
// folder lock (one process per folder), and a restore builds the new store in a sibling folder and swaps
// it in, keeping the old folder. Postgres: the backup is one snapshot transaction while writers go on;
// a restore replaces Sextant's tables in one transaction, refused while a process owns a run.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { loadBackup, verifyBackup, writeBackup, type BackupSummary, type VerifiedBackup } from './backup.ts';
import { openDriver, resolveStoreTarget, type OpenStoreOptions } from './open.ts';
import { inspectStoreFolder, LOCK_FILE } from './safety.ts';

/** The pid holding a PGlite folder's lock, if that process is alive. */
function lockHolder(root: string): number | null {
  const path = join(root, LOCK_FILE);
  if (!existsSync(path)) return null;
  const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
  if (!(Number.isInteger(pid) && pid > 0) || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Snapshot of an existing store into `file`. */
export async function backupStore(opts: OpenStoreOptions, file: string): Promise<BackupSummary> {
  const target = resolveStoreTarget(opts);
  if (target.kind === 'pglite' && target.dir !== undefined) {
    const pid = lockHolder(resolve(target.dir));
    if (pid !== null) {
      throw new ConfigError(
        `the store in ${resolve(target.dir)} is open in process ${pid}; an embedded (PGlite) store is backed up while no process uses it: ` +
          'stop that process (Ctrl-C, or SIGTERM) and run the backup again, or use Postgres (DATABASE_URL) for backups while trading',
        { field: '--state-dir' },
      );
    }
  }
  const db = await openDriver({ ...opts, mustExist: true });
  try {
    return await writeBackup(db, file);
  } finally {
    await db.close();
  }
}

export interface RestoreResult {
  readonly backup: VerifiedBackup;
  readonly location: string;
  /** Where the replaced PGlite folder was moved (null when there was none, or on Postgres). */
  readonly keptAs: string | null;
}

/** Verifies `from` completely, then restores it into the store the options point at. */
export async function restoreStore(opts: OpenStoreOptions, from: string, force: boolean, nowMs = Date.now()): Promise<RestoreResult> {
  const backup = verifyBackup(from);
  const target = resolveStoreTarget(opts);
  if (target.kind === 'postgres') return restorePostgres(opts, backup, force);
  if (target.dir === undefined) throw new ConfigError('restore needs a folder or a Postgres URL, not memory://', { field: '--state-dir' });
  const root = resolve(target.dir);
  let state: string;
  try {
    state = inspectStoreFolder(root);
  } catch {
    state = 'damaged';
  }
  if ((state === 'store' || state === 'damaged') && !force) {
    throw new ConfigError(`${root} already holds a ${state === 'damaged' ? 'damaged ' : ''}store; add --force to replace it (the old folder is kept beside it)`, { field: '--force' });
  }
  const pid = lockHolder(root);
  if (pid !== null) throw new ConfigError(`the store in ${root} is open in process ${pid}; stop that process before restoring`, { field: '--state-dir' });
  const { acquireLock, openPglite, releaseLock } = await import('./pglite-driver.ts');
  const lock = existsSync(root) ? acquireLock(join(root, LOCK_FILE)) : null;
  const tmp = `${root}.restoring-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let keptAs: string | null = null;
  try {
    const db = await openPglite(tmp);
    try {
      await loadBackup(db, backup, false);
    } finally {
      await db.close();
    }
    if (existsSync(root)) {
      keptAs = `${root}.replaced-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`;
      renameSync(root, keptAs);
      if (lock !== null) releaseLock(join(keptAs, LOCK_FILE));
    }
    renameSync(tmp, root);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (lock !== null && keptAs === null) releaseLock(lock);
    throw e;
  }
  return { backup, location: root, keptAs };
}

async function restorePostgres(opts: OpenStoreOptions, backup: VerifiedBackup, force: boolean): Promise<RestoreResult> {
  const db = await openDriver(opts);
  const releases: (() => Promise<void>)[] = [];
  try {
    const r = await db.query<{ m: string | null; runs: string | null }>("SELECT to_regclass('schema_migrations')::text AS m, to_regclass('runs')::text AS runs");
    const exists = r.rows[0]?.m != null || r.rows[0]?.runs != null;
    if (exists && !force) {
      throw new ConfigError(`${db.location} already holds a Sextant store in this schema; add --force to replace it (back it up first: its rows are dropped)`, { field: '--force' });
    }
    if (exists) {
      // No process may own a run while its rows are replaced: claiming each owned run fails naming its owner.
      const owned = await db.query<{ key: string }>("SELECT key FROM settings WHERE key LIKE 'run-owner:%'").catch(() => ({ rows: [] as { key: string }[] }));
      for (const o of owned.rows) releases.push(await db.claimRun(o.key.slice('run-owner:'.length)));
    }
    await loadBackup(db, backup, exists);
    return { backup, location: db.location, keptAs: null };
  } finally {
    for (const release of releases) await release().catch(() => undefined);
    await db.close();
  }
}
