// initdb of a new embedded store takes about two seconds of CPU (more on a busy machine), every first start and
// every new state folder: the fresh cluster is the same each time (PGlite's initdb has no options here), so it
// is made once per machine and PGlite version, kept as a tarball in the OS temp folder, and new stores start
// from it (about half a second). Migrations still run on each new store, as before. A cluster copied this way
// shares Postgres's system identifier with its siblings; nothing in Sextant uses it (no replication).
// Anything wrong with the tarball (unreadable, damaged, not writable) only costs the time saved: the caller
// falls back to a plain initdb.
import { PGlite } from '@electric-sql/pglite';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function pgliteVersion(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** Where the tarball of a fresh cluster is kept; null when the PGlite version is unknown (no template). */
export function templateFile(dir = process.env.SEXTANT_PGLITE_TEMPLATE_DIR ?? tmpdir()): string | null {
  const v = pgliteVersion();
  return v === null ? null : join(dir, `sextant-pglite-initdb-${v}.tar.gz`);
}

/** The fresh cluster's tarball: read, or made now (in memory) and kept for next time; null if neither works. */
export async function freshClusterTarball(file = templateFile()): Promise<Blob | null> {
  if (file === null) return null;
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // Not made yet (or unreadable): make it.
  }
  try {
    const db = new PGlite();
    await db.waitReady;
    const blob = await db.dumpDataDir('gzip');
    await db.close();
    // Written beside, then renamed: a process reading it never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
    return blob;
  } catch {
    return null;
  }
}

/** A damaged tarball is removed so the next new store makes a good one. */
export function forgetTemplate(file = templateFile()): void {
  if (file !== null) rmSync(file, { force: true });
}
