// New embedded stores start from a kept tarball of a fresh cluster: made on first need, reused after, and a
// damaged one costs only time (a plain initdb, the tarball removed and made again next time).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open.ts';
import { templateFile } from './pglite-template.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-tpl-'));
const saved = process.env.SEXTANT_PGLITE_TEMPLATE_DIR;
process.env.SEXTANT_PGLITE_TEMPLATE_DIR = join(dir, 'templates');
afterAll(() => {
  if (saved === undefined) delete process.env.SEXTANT_PGLITE_TEMPLATE_DIR;
  else process.env.SEXTANT_PGLITE_TEMPLATE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function roundTrip(name: string): Promise<void> {
  const store = await openStore({ dir: join(dir, name, 'db') });
  try {
    await store.putSetting('probe', { name });
    expect(await store.getSetting('probe')).toEqual({ name });
  } finally {
    await store.close();
  }
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
    await roundTrip('first');
    expect(statSync(file).size).toBeGreaterThan(100_000);
    const made = statSync(file).mtimeMs;
    await roundTrip('second');
    expect(statSync(file).mtimeMs).toBe(made);
    // Damaged: the store is still made (by initdb) and works; the bad tarball is gone.
    writeFileSync(file, 'not a tarball');
    await roundTrip('third');
    expect(existsSync(file)).toBe(false);
    await roundTrip('fourth');
    expect(statSync(file).size).toBeGreaterThan(100_000);
  }, 120_000);
});
