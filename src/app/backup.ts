// `sextant backup` / `sextant restore`: the store of a state folder (or DATABASE_URL) to and from a backup
// file (format and limits: docs/operations.md, src/store/backup.ts).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { BackupSummary } from '../store/backup.ts';
import { backupStore, restoreStore, type RestoreResult } from '../store/restore.ts';
import { DEFAULT_STATE_DIR } from './state-dir.ts';

export interface BackupRequest {
  /** A file to create, or an existing folder to create `sextant-<time>.backup` in. */
  readonly out: string;
  readonly stateDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '');

/**
 * The file a backup goes to: `out` itself, or `sextant-<time>.backup` in `out` when it is a folder (an
 * existing one, or a path ending in a slash, created). Never an existing file.
 */
export function backupFile(out: string, nowMs = Date.now()): string {
  if (out === '') throw new ConfigError('--out must not be empty', { field: '--out' });
  const folder = /[\\/]$/.test(out) || (existsSync(out) && statSync(out).isDirectory());
  if (folder) mkdirSync(out, { recursive: true });
  const file = folder ? join(out, `sextant-${stamp(nowMs)}.backup`) : out;
  if (existsSync(file)) throw new ConfigError(`${file} already exists; choose a new file name (a backup never overwrites one)`, { field: '--out' });
  if (!existsSync(dirname(file))) throw new ConfigError(`the folder ${dirname(file)} does not exist`, { field: '--out' });
  return file;
}

export function runBackup(r: BackupRequest): Promise<BackupSummary> {
  const file = backupFile(r.out);
  return backupStore({ dir: join(r.stateDir ?? DEFAULT_STATE_DIR, 'db'), existingField: '--state-dir', ...(r.env ? { env: r.env } : {}) }, file);
}

export interface RestoreRequest {
  readonly from: string;
  readonly stateDir?: string;
  readonly force?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function runRestore(r: RestoreRequest): Promise<RestoreResult> {
  return restoreStore({ dir: join(r.stateDir ?? DEFAULT_STATE_DIR, 'db'), ...(r.env ? { env: r.env } : {}) }, r.from, r.force === true);
}
