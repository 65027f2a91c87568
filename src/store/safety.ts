// The store never resets itself silently: what a PGlite folder holds is checked before PGlite touches it,
// and the database's own failures (damaged files, WASM aborts, schema problems) become a ConfigError
// naming the folder, the problem and the way back (restore from a backup), never a raw stack trace.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.ts';

/** Written next to `pgdata` once a store exists: its absence with `pgdata` gone tells "deleted" from "new". */
export const MARKER_FILE = 'sextant-store.json';
/** The pid lock file of pglite-driver.ts: left behind by a dead process, it alone does not make a store. */
export const LOCK_FILE = 'lock';
/** Where a new database is made before it is renamed to pgdata: a leftover never held data. */
export const CREATING_DIR = 'pgdata.creating';

export type FolderState = 'absent' | 'empty' | 'store';

/** How to get the data back, appended to every "damaged" message. */
export function restoreHint(root: string): string {
  // A paper state folder keeps its store in <state dir>/db: name the state folder restore takes.
  const how = basename(root) === 'db' ? `sextant restore --from <backup> --state-dir ${dirname(root)} --force` : 'sextant restore --from <backup> --force';
  const fresh = /^postgres(ql)?:/i.test(root) ? 'or drop its schema to start a new, empty store' : 'or move the folder away to start a new, empty store';
  return `restore it from a backup (${how}), ${fresh}`;
}

/**
 * What a PGlite store folder holds. `absent` or `empty` (nothing, or only a stale lock file): a new store may
 * be created there. `store`: a database to open. Anything else is a ConfigError naming the problem.
 */
export function inspectStoreFolder(root: string): FolderState {
  if (!existsSync(root)) return 'absent';
  if (!statSync(root).isDirectory()) throw new ConfigError(`the store folder ${root} is a file, not a folder`);
  const entries = readdirSync(root).filter((e) => e !== LOCK_FILE && e !== CREATING_DIR);
  if (entries.length === 0) return 'empty';
  const pgdata = join(root, 'pgdata');
  const marked = entries.includes(MARKER_FILE);
  if (!entries.includes('pgdata')) {
    if (marked) throw new ConfigError(`the store in ${root} is missing: its database folder pgdata was deleted; ${restoreHint(root)}`);
    throw new ConfigError(`${root} holds files that are not a Sextant store (${entries.slice(0, 5).join(', ')}); use an empty or new folder`);
  }
  if (!statSync(pgdata).isDirectory()) throw new ConfigError(`the store in ${root} is damaged: pgdata is not a folder; ${restoreHint(root)}`);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    const what = readdirSync(pgdata).length === 0 ? 'its database folder pgdata is empty' : 'pgdata/PG_VERSION is missing (the database is incomplete)';
    throw new ConfigError(
      `the store in ${root} is ${marked ? 'damaged' : 'incomplete'}: ${what}; ${restoreHint(root)}` +
        (marked ? '' : ' (if a first start was interrupted before the store was created, delete the folder)'),
    );
  }
  return 'store';
}

/** Records that a store lives in `root` (idempotent; adopts stores created before the marker existed). */
export function markStore(root: string): void {
  const path = join(root, MARKER_FILE);
  if (!existsSync(path)) writeFileSync(path, JSON.stringify({ format: 'sextant-pglite-store', createdMs: Date.now() }) + '\n');
}

const CORRUPTION_CODES = new Set(['XX001', 'XX002', '58P01', '58030', 'XX000']);

/**
 * A database error that means the store's files are damaged (or the embedded engine died), as a ConfigError
 * naming `where`; any other error is returned unchanged.
 */
export function storeFault(e: unknown, where: string): unknown {
  if (e instanceof ConfigError) return e;
  const err = e as { name?: string; message?: string; code?: string };
  const msg = String(err?.message ?? e);
  if (err?.name === 'RuntimeError' || /Aborted\(\)|failed to initialize/i.test(msg)) {
    return new ConfigError(`the store in ${where} is damaged: the embedded database stopped (${firstLine(msg)}); ${restoreHint(where)}`);
  }
  if (typeof err?.code === 'string' && CORRUPTION_CODES.has(err.code) || /invalid page|could not (read|open|access) (block|file)|corrupt/i.test(msg)) {
    return new ConfigError(`the store in ${where} is damaged: ${firstLine(msg)}; ${restoreHint(where)}`);
  }
  if (typeof err?.code === 'string' && (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EPERM')) {
    return new ConfigError(`the store folder ${where} is not writable (${err.code}): Sextant needs to write there; check its permissions and the disk`);
  }
  return e;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}
