import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.ts';

/**
 * True when dist/ was built after every change to src/ (CI: `npm ci` has just built it). Tests that spawn
 * `node bin/sextant.js` then run the built package, as users do, which starts in a fraction of the time
 * tsx needs to transpile the sources; while sources change (development) they run the sources.
 */
function distIsFresh(): boolean {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const stamp = join(root, 'dist/.build-started');
  if (!existsSync(stamp) || !existsSync(join(root, 'dist/cli/main.js'))) return false;
  const builtMs = Number(readFileSync(stamp, 'utf8'));
  for (const e of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > builtMs) return false;
  }
  return true;
}

export default defineConfig({
  // User strategy files import the API as 'sextant'. Outside vitest a Node resolve hook maps it
  // (src/app/sextant-hooks.mjs); vitest resolves imports itself, so the same mapping is an alias here:
  // the sources' entry, the same module instances the engine under test uses.
  resolve: {
    alias: [{ find: /^sextant$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    // Tests that spawn `node bin/sextant.js` run the sources under test, or dist/ when it is built from them.
    env: { SEXTANT_FROM_SOURCE: distIsFresh() ? 'auto' : '1' },
    // Vitest's default is one worker per CPU less one: a single worker on a 2-core machine, where most of the
    // suite's wall time is spent waiting on spawned processes, replays and timers rather than computing.
    // Four workers overlap that waiting (three took 12.7 min once the 50-kill crash tests came); every test
    // isolates what it shares (temp folders, Postgres schemas and Redis queues named per process).
    maxWorkers: 4,
    // Longest files first (test/durations.json), so no slow file starts last and runs alone at the end.
    sequence: { sequencer: LongestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
