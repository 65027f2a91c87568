// A store (and its backup) from before a migration: `sextant backup` of a store an upgraded Sextant has not
// migrated yet (no paper start since the upgrade) must not call it incomplete, and a backup made at an older
// schema version restores into this Sextant (then migrated), with its rows.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBackup } from '../../src/store/backup.ts';
import { migrate } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { openDriver, openStore } from '../../src/store/open.ts';
import { restoreStore } from '../../src/store/restore.ts';

describe('backup and restore across a migration', () => {
  it('backs up a store at migration 2 (no commands table) and restores it into a store at the current version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-old-schema-'));
    const old = await openDriver({ dir: join(dir, 'old'), env: {} });
    const file = join(dir, 'old.backup');
    try {
      await migrate(old, MIGRATIONS.slice(0, 2));
      await old.query("INSERT INTO runs (id, kind, config, status, started_ms) VALUES ('r1', 'paper', '{}', 'stopped', 1)");
      const summary = await writeBackup(old, file);
      expect(summary.header.migrations.map((m) => m.version)).toEqual([1, 2]);
      expect(Object.keys(summary.rows)).not.toContain('commands');
    } finally {
      await old.close();
    }
    expect(readFileSync(file, 'utf8')).not.toContain('#table commands');
    await restoreStore({ dir: join(dir, 'new'), env: {} }, file, false);
    const store = await openStore({ dir: join(dir, 'new'), env: {}, mustExist: true });
    try {
      expect((await store.migrations()).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect((await store.getRun('r1'))?.status).toBe('stopped');
      expect(await store.listCommands('r1')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 180_000);
});
