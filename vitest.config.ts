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

/**
 * Unit files that change what the whole process shares (environment variables, fake timers, the wasm tier) or
 * need a process to themselves for long (training runs): run isolated, like the integration tests.
 */
const PROCESS_WIDE = ['src/store/pglite-template.test.ts', 'src/store/safety.test.ts', 'src/engine/long-timer.test.ts', 'src/ml/rl/ppo-cartpole.test.ts', 'src/store/wasm-tier.test.ts'];

export default defineConfig({
  // User strategy files import the API as 'sextant'. Outside vitest a Node resolve hook maps it
  // (src/app/sextant-hooks.mjs); vitest resolves imports itself, so the same mapping is an alias here:
  // the sources' entry, the same module instances the engine under test uses.
  resolve: {
    alias: [{ find: /^sextant$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    // Tests that spawn `node bin/sextant.js` run the sources under test, or dist/ when it is built from them.
    // Every store the suite opens (and the processes it spawns, which inherit the environment) runs PostgreSQL's
    // WebAssembly on V8's baseline code: most live seconds, too short to earn back optimizing it (docs/store.md).
    // Their stores are thrown away, so they are not flushed to disk (SEXTANT_STORE_FSYNC=off, docs/store.md):
    // a SIGKILLed process loses nothing either way, which is what the crash tests prove.
    env: { SEXTANT_FROM_SOURCE: distIsFresh() ? 'auto' : '1', SEXTANT_WASM_TIER: 'baseline', SEXTANT_STORE_FSYNC: 'off' },
    // Vitest's default is one worker per CPU less one: a single worker on a 2-core machine, where most of the
    // suite's wall time is spent waiting on spawned processes, replays and timers rather than computing.
    // Four workers overlap that waiting (three took 12.7 min once the 50-kill crash tests came); every test
    // isolates what it shares (temp folders, Postgres schemas and Redis queues named per process).
    maxWorkers: 4,
    // Longest files first (test/durations.json), so no slow file starts last and runs alone at the end.
    sequence: { sequencer: LongestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll returns as soon as its condition holds; its default 1 s is too short for a page or a process on
    // a CI machine running four test files, a type-check and a lint on two cores (a dashboard test failed so).
    expect: { poll: { timeout: 20_000 } },
    projects: [
      {
        // The unit tests beside the sources: in threads that keep their modules from one file to the next,
        // instead of a new process and a new import of the whole module graph per file (half the CPU).
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: PROCESS_WIDE, pool: 'threads', isolate: false },
      },
      {
        // Everything under test/, and the unit files that change what the whole process shares: a process each.
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts', ...PROCESS_WIDE], pool: 'forks', isolate: true },
      },
    ],
  },
});
