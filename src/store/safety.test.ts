// The store never silently resets: every way an existing PGlite folder can be missing, incomplete or damaged
// is reproduced on a copy of a real store and must end in a ConfigError naming the folder and the problem
// (and, for damage, how to restore from a backup), with nothing created or reset.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { openDriver, openStore } from './open.ts';
import { MARKER_FILE } from './safety.ts';
import { createSqlStore } from './sql-store.ts';

const root = mkdtempSync(join(tmpdir(), 'sextant-safety-'));
const base = join(root, 'base');
let runsFile = '';

beforeAll(async () => {
  // One opening makes the store (what openStore does: the driver, then the migrated store over it) and finds
  // the file of the runs table through the same driver.
  const d = await openDriver({ dir: base, env: {} });
  const s = await createSqlStore(d);
  await s.startRun({ id: 'r1', kind: 'paper', startedMs: 1 });
  runsFile = (await d.query<{ p: string }>("SELECT pg_relation_filepath('runs') AS p")).rows[0]!.p;
  await s.close();
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the good store, damaged by `damage`. */
function damaged(name: string, damage: (dir: string) => void): string {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  damage(dir);
  return dir;
}

function overwrite(path: string, bytes: number, at = 0): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(bytes, 0x5a), 0, bytes, at);
  closeSync(fd);
}

async function openError(dir: string): Promise<ConfigError> {
  const e = await openStore({ dir, env: {} }).then(async (s) => { await s.close(); return null; }, (x: unknown) => x);
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('opening a PGlite folder', () => {
  it('opens the good store (and marks it)', async () => {
    const s = await openStore({ dir: base, env: {} });
    expect((await s.listRuns()).map((r) => r.id)).toEqual(['r1']);
    await s.close();
    expect(existsSync(join(base, MARKER_FILE))).toBe(true);
  });

  it('PG_VERSION deleted: damaged, names the file and the restore, creates nothing', async () => {
    const dir = damaged('no-version', (d) => unlinkSync(join(d, 'pgdata', 'PG_VERSION')));
    const e = await openError(dir);
    expect(e.message).toContain(dir);
    expect(e.message).toMatch(/PG_VERSION is missing/);
    expect(e.message).toMatch(/sextant restore --from/);
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);
  });

  it('pgdata emptied with a stale lock left behind: damaged, not a new store', async () => {
    const dir = damaged('emptied', (d) => {
      rmSync(join(d, 'pgdata'), { recursive: true });
      mkdirSync(join(d, 'pgdata'));
      writeFileSync(join(d, 'lock'), '2147483646');
    });
    expect((await openError(dir)).message).toMatch(/pgdata is empty/);
    expect(readdirSync(join(dir, 'pgdata'))).toEqual([]);
  });

  it('pgdata deleted: the marker left says a store was there', async () => {
    const dir = damaged('deleted', (d) => rmSync(join(d, 'pgdata'), { recursive: true }));
    expect((await openError(dir)).message).toMatch(/store in .* is missing: its database folder pgdata was deleted/);
    expect(existsSync(join(dir, 'pgdata'))).toBe(false);
  });

  it('a folder of other files is not taken for a store', async () => {
    const dir = join(root, 'other');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect((await openError(dir)).message).toMatch(/not a Sextant store \(notes\.txt\)/);
  });

  it('damaged pg_control: a message, not "PGlite failed to initialize"', async () => {
    const dir = damaged('control', (d) => overwrite(join(d, 'pgdata', 'global', 'pg_control'), 512));
    const e = await openError(dir);
    expect(e.message).toMatch(new RegExp(`the store in ${dir} is damaged`));
    expect(e.message).toMatch(/sextant restore/);
  });

  it('damaged WAL: a message, not "RuntimeError: Aborted()"', async () => {
    const dir = damaged('wal', (d) => {
      const wal = join(d, 'pgdata', 'pg_wal');
      const seg = readdirSync(wal).find((f) => /^[0-9A-F]{24}$/.test(f))!;
      overwrite(join(wal, seg), 65_536);
    });
    expect((await openError(dir)).message).toMatch(/is damaged: the embedded database stopped/);
  });

  it('a damaged table: a message naming the damage', async () => {
    const dir = damaged('table', (d) => overwrite(join(d, 'pgdata', runsFile), 8192));
    expect((await openError(dir)).message).toMatch(/is damaged: .*(invalid page|block)/);
  });

  it('a dropped migration table: a message, not "relation instruments already exists"', async () => {
    const dir = damaged('nomig', () => undefined);
    const d = await openDriver({ dir, env: {} });
    await d.exec('DROP TABLE schema_migrations');
    await d.close();
    const e = await openError(dir);
    expect(e.message).toMatch(/schema_migrations table that records their version is missing/);
    expect(e.message).not.toMatch(/already exists/);
  });

  it('a read-only folder: a message naming it (run as an unprivileged user when root)', () => {
    const dir = damaged('readonly', () => undefined);
    const chmodTree = (p: string, mode: number): void => {
      chmodSync(p, statSync(p).isDirectory() ? mode | 0o111 : mode);
      if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chmodTree(join(p, e), mode);
    };
    chmodTree(dir, 0o444);
    chmodSync(root, 0o755);
    const script = `import('${join(import.meta.dirname, 'open.ts')}').then((m) => m.openStore({ dir: ${JSON.stringify(dir)}, env: {} }))` +
      `.then(() => console.log('OPENED'), (e) => console.log(e.constructor.name + ': ' + e.message))`;
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: process.cwd(), ...asUser, env: { ...process.env, HOME: tmpdir() } });
    chmodTree(dir, 0o755);
    expect(r.stdout).toMatch(new RegExp(`ConfigError: the store folder ${dir} is not writable \\(EACCES\\)`));
  }, 60_000);

  it('an absent or empty folder gets a new store', async () => {
    for (const name of ['absent', 'empty']) {
      const dir = join(root, name);
      if (name !== 'absent') mkdirSync(dir);
      const s = await openStore({ dir, env: {} });
      expect(await s.listRuns()).toEqual([]);
      await s.close();
      expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
    }
  }, 60_000);

  it('a first start killed while creating the store (initdb takes seconds) leaves nothing the next start refuses', async () => {
    const dir = join(root, 'interrupted');
    mkdirSync(join(dir, 'pgdata.creating', 'base'), { recursive: true });
    writeFileSync(join(dir, 'pgdata.creating', 'postgresql.conf'), '# half made');
    writeFileSync(join(dir, 'lock'), '2147483646');
    const s = await openStore({ dir, env: {} });
    expect(await s.listRuns()).toEqual([]);
    await s.close();
    expect(readdirSync(dir).sort()).toEqual(['pgdata', MARKER_FILE]);
  }, 60_000);

  it('a folder emptied but for a stale lock file: not taken for an empty one', async () => {
    const dir = damaged('lock-only', (d) => {
      for (const e of readdirSync(d)) rmSync(join(d, e), { recursive: true });
      writeFileSync(join(d, 'lock'), '2147483646');
    });
    expect((await openError(dir)).message).toMatch(/holds only a lock file left by a process that is gone, and no database/);
    expect(readdirSync(dir)).toEqual(['lock']);
  });

  it('mustExist (status, kill) never creates a store, not even a folder', async () => {
    const dir = join(root, 'typo', 'db');
    await expect(openStore({ dir, env: {}, mustExist: true, existingField: '--state-dir' })).rejects.toThrow(/no store at .*typo/);
    expect(existsSync(join(root, 'typo'))).toBe(false);
  });
});
