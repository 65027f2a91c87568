// A new embedded store is flushed to disk when it is made and when it closes, unless SEXTANT_STORE_FSYNC=off
// (the test suite runs with it off: vitest.config.ts). Counted at fsync itself, in this file's own process.
import { fsyncSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { storeFsyncFrom } from '../../src/store/store-fsync.ts';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, fsyncSync: vi.fn(fs.fsyncSync) };
});

const dir = mkdtempSync(join(tmpdir(), 'sextant-fsync-'));
const saved = process.env.SEXTANT_STORE_FSYNC;
afterAll(() => {
  if (saved === undefined) delete process.env.SEXTANT_STORE_FSYNC;
  else process.env.SEXTANT_STORE_FSYNC = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** fsync calls made while a new store at `name` is made, written to and closed. */
async function fsyncsOfNewStore(name: string, setting: string | undefined): Promise<number> {
  if (setting === undefined) delete process.env.SEXTANT_STORE_FSYNC;
  else process.env.SEXTANT_STORE_FSYNC = setting;
  vi.mocked(fsyncSync).mockClear();
  const store = await openStore({ dir: join(dir, name) });
  await store.putSetting('probe', { name });
  await store.close();
  return vi.mocked(fsyncSync).mock.calls.length;
}

describe('SEXTANT_STORE_FSYNC', () => {
  it('by default flushes every file of the cluster at creation and at close; "off" flushes none of them', async () => {
    const flushed = await fsyncsOfNewStore('default', undefined);
    // Two passes over the cluster's ~1,000 files and folders.
    expect(flushed).toBeGreaterThan(1000);
    // Off: at most the lock and marker files the store writes around the cluster.
    expect(await fsyncsOfNewStore('off', 'off')).toBeLessThan(10);
  }, 120_000);

  it('reads on, off or unset, and names the variable otherwise', () => {
    expect(storeFsyncFrom({})).toBe(true);
    expect(storeFsyncFrom({ SEXTANT_STORE_FSYNC: 'on' })).toBe(true);
    expect(storeFsyncFrom({ SEXTANT_STORE_FSYNC: 'off' })).toBe(false);
    expect(() => storeFsyncFrom({ SEXTANT_STORE_FSYNC: 'false' })).toThrow(/SEXTANT_STORE_FSYNC must be "on" or "off", got "false"/);
  });
});
