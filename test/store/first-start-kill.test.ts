// A first start killed (SIGKILL) at any moment while it creates the embedded store (initdb takes seconds)
// must never leave a folder the next start refuses: each start resumes the creation, and the store ends
// up empty and usable. Kills land from before the folder exists to after the database is renamed in.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const openModule = pathToFileURL(join(root, 'src/store/open.ts')).href;

/**
 * Starts a process that opens (creating) the store in `dir` and kills it after `delayMs`. Meanwhile the
 * folder is listed every millisecond: each listing seen is a state a kill could leave behind.
 */
function openAndKill(dir: string, delayMs: number): Promise<{ killed: boolean; stderr: string; seen: Set<string> }> {
  const code = `const m = await import(${JSON.stringify(openModule)}); const s = await m.openStore({ dir: ${JSON.stringify(dir)}, env: {} }); await s.close();`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), delayMs);
    const seen = new Set<string>();
    const watch = setInterval(() => seen.add(listing(dir)), 1);
    p.on('error', reject);
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      resolve({ killed: signal === 'SIGKILL', stderr, seen });
    });
  });
}

function listing(dir: string): string {
  try {
    return readdirSync(dir).sort().join(',');
  } catch {
    return '(absent)';
  }
}

describe('a first start killed while it creates the embedded store', () => {
  it('leaves nothing the next start refuses, whenever the kill lands', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sextant-first-kill-')), 'db');
    let killed = 0;
    const seen = new Set<string>();
    // Then later kills while no start has reached the creation yet (a busy machine boots tsx slowly).
    const delays = [250, 500, 700, 900, 1100, 1400, 1700, 2100];
    for (let i = 0; i < delays.length; i++) {
      const delay = delays[i]!;
      if (i === delays.length - 1 && !seen.has('lock,pgdata.creating') && delay < 30_000) delays.push(Math.round(delay * 1.5));
      const r = await openAndKill(dir, delay);
      // A start that outran its kill must have succeeded, not refused the folder.
      expect(r.stderr, `start killed at ${delay} ms`).not.toMatch(/Error/);
      if (r.killed) killed++;
      for (const s of r.seen) seen.add(s);
    }
    expect(killed).toBeGreaterThanOrEqual(4);
    // Kills land in windows of milliseconds only by chance; the states themselves are checked: a lock file
    // alone is what a removed store leaves, and the next start refuses it.
    expect([...seen].filter((s) => s === 'lock')).toEqual([]);
    expect(seen).toContain('lock,pgdata.creating');
    const store = await openStore({ dir, env: {} });
    try {
      expect(await store.listRuns()).toEqual([]);
    } finally {
      await store.close();
    }
    expect(readdirSync(dir).sort()).toEqual(['pgdata', 'sextant-store.json']);
  }, 120_000);
});
