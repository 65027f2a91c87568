// New embedded stores start from a kept tarball of a fresh cluster: made on first need, reused after, and a
// damaged one costs only time (a plain initdb, the tarball removed and made again next time).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open.ts';
import { templateDir, templateExists, templateFile } from './pglite-template.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-tpl-'));
const saved = process.env.SEXTANT_PGLITE_TEMPLATE_DIR;
process.env.SEXTANT_PGLITE_TEMPLATE_DIR = join(dir, 'templates');
afterAll(() => {
  if (saved === undefined) delete process.env.SEXTANT_PGLITE_TEMPLATE_DIR;
  else process.env.SEXTANT_PGLITE_TEMPLATE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A new store at `name` that takes a write; with `reopen`, reopened from its folder to read it back. The
 * reopen is checked once per way a store is made (a copy of the unpacked template; initdb, here where it replaced
 * a copy that did not open): the other new stores are made the same way as one already reopened.
 */
async function roundTrip(name: string, reopen: boolean): Promise<void> {
  const store = await openStore({ dir: join(dir, name, 'db') });
  try {
    await store.putSetting('probe', { name });
    expect(await store.getSetting('probe')).toEqual({ name });
  } finally {
    await store.close();
  }
  if (!reopen) return;
  // Reopened from its folder: what was written is there.
  const again = await openStore({ dir: join(dir, name, 'db') });
  expect(await again.getSetting('probe')).toEqual({ name });
  await again.close();
}

describe('new embedded stores from a fresh-cluster tarball', () => {
  it('makes the tarball on the first new store, reuses it, and falls back to initdb when it is damaged', async () => {
    mkdirSync(join(dir, 'templates'));
    const file = templateFile()!;
    expect(file.startsWith(join(dir, 'templates'))).toBe(true);
    expect(existsSync(file)).toBe(false);
    // Both damaged (a tarball that does not unpack, no unpacked template beside it): the store is still made
    // (by initdb; a store made so is reopened in 'fourth') and works; the bad templates are gone. Checked first,
    // so that the next new store's initdb, which makes the templates again, is also the one that makes them the
    // first time (one initdb fewer).
    writeFileSync(file, 'not a tarball');
    expect(templateExists()).toEqual({ tarball: true, unpacked: false });
    await roundTrip('damaged', false);
    expect(templateExists()).toEqual({ tarball: false, unpacked: false });
    // Made again (here: the first time) by the next new store, which copies it (reopened below, in 'third').
    await roundTrip('first', false);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    // New store folders copy the unpacked template, made beside the tarball.
    expect(templateExists()).toEqual({ tarball: true, unpacked: true });
    const made = statSync(file).mtimeMs;
    const unpacked = statSync(join(templateDir(file), 'PG_VERSION')).mtimeMs;
    await roundTrip('second', false);
    expect(statSync(file).mtimeMs).toBe(made);
    expect(statSync(join(templateDir(file), 'PG_VERSION')).mtimeMs).toBe(unpacked);
    // Cut (a cleaner of old temp files removed one): the store is made from the tarball again (the tarball is
    // kept as it was), and works.
    rmSync(join(templateDir(file), 'global', 'pg_control'));
    expect(templateExists().unpacked).toBe(false);
    await roundTrip('third', true);
    expect(templateExists()).toEqual({ tarball: true, unpacked: true });
    expect(statSync(file).mtimeMs).toBe(made);
    // Damaged where its manifest of sizes cannot see (pg_control zeroed): the copy fails to open, the store is
    // made again by initdb, and the templates are removed.
    const control = join(templateDir(file), 'global', 'pg_control');
    writeFileSync(control, Buffer.alloc(statSync(control).size));
    expect(templateExists().unpacked).toBe(true);
    await roundTrip('fourth', true);
    expect(templateExists()).toEqual({ tarball: false, unpacked: false });
  }, 300_000);
});
