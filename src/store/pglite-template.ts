// initdb of a new embedded store takes about two seconds of CPU (more on a busy machine), every first start and
// every new state folder: the fresh cluster is the same each time (PGlite's initdb has no options here), so it
// is made once per machine and PGlite version and kept in the OS temp folder twice: as a tarball (what an
// in-memory store loads) and unpacked beside it (what a new store folder copies: a file copy instead of
// unpacking the tarball through PGlite, about 2 CPU-seconds less). Migrations still run on each new store. A
// cluster copied this way shares Postgres's system identifier with its siblings; nothing in Sextant uses it.
// Anything wrong with a template (unreadable, damaged, cut by a temp-folder cleaner, not writable) only costs
// the time saved: the caller falls back to a plain initdb, and the template is made again next time.
import { PGlite } from '@electric-sql/pglite';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** The unpacked template beside the tarball `file`. */
export function templateDir(file: string): string {
  return file.replace(/\.tar\.gz$/, '');
}

/** The manifest of an unpacked template: every file's path and size, written last. */
const MANIFEST = 'sextant-template.json';

function listFiles(root: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name === MANIFEST) continue;
    const path = join(e.parentPath, e.name);
    sizes[path.slice(root.length + 1)] = statSync(path).size;
  }
  return sizes;
}

/** True when every file the manifest lists is there with its size (a cleaner of old temp files may cut some). */
function intact(dir: string): boolean {
  try {
    const listed = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Record<string, number>;
    const entries = Object.entries(listed);
    return entries.length > 0 && entries.every(([path, size]) => statSync(join(dir, path)).size === size);
  } catch {
    return false;
  }
}

/**
 * Copies a fresh cluster into the empty folder `dest` from the unpacked template (made now from the tarball when
 * missing); false when there is no usable template, and `dest` is then left empty for a plain initdb.
 */
export async function copyFreshCluster(dest: string, file = templateFile()): Promise<boolean> {
  if (file === null) return false;
  const dir = templateDir(file);
  if (!intact(dir)) {
    rmSync(dir, { recursive: true, force: true });
    const tarball = await freshClusterTarball(file);
    if (tarball === null) return false;
    // Unpacked beside, then renamed: a process copying it never sees half a template.
    const tmp = `${dir}.${process.pid}.tmp`;
    try {
      rmSync(tmp, { recursive: true, force: true });
      const db = new PGlite(tmp, { loadDataDir: tarball });
      await db.waitReady;
      await db.close();
      writeFileSync(join(tmp, MANIFEST), JSON.stringify(listFiles(tmp)));
      renameSync(tmp, dir);
    } catch {
      // Damaged tarball, or another process renamed its template first (then that one is used).
      rmSync(tmp, { recursive: true, force: true });
      if (!intact(dir)) {
        forgetTemplate(file);
        return false;
      }
    }
  }
  try {
    cpSync(dir, dest, { recursive: true, filter: (src) => !src.endsWith(`/${MANIFEST}`) });
    return true;
  } catch {
    for (const e of readdirSync(dest)) rmSync(join(dest, e), { recursive: true, force: true });
    return false;
  }
}

/** A damaged template (the tarball and what was unpacked from it) is removed so the next new store makes a good one. */
export function forgetTemplate(file = templateFile()): void {
  if (file === null) return;
  rmSync(file, { force: true });
  rmSync(templateDir(file), { recursive: true, force: true });
}

/** Whether a template file or folder exists (for tests and diagnostics). */
export function templateExists(file = templateFile()): { tarball: boolean; unpacked: boolean } {
  return { tarball: file !== null && existsSync(file), unpacked: file !== null && intact(templateDir(file)) };
}
