import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
    // Tests that spawn `node bin/sextant.js` run the sources under test, not a possibly stale dist/.
    env: { SEXTANT_FROM_SOURCE: '1' },
    // Vitest's default is one worker per CPU less one: a single worker on a 2-core machine, where most of the
    // suite's wall time is spent waiting on spawned processes, replays and timers rather than computing.
    // Four workers overlap that waiting (three took 12.7 min once the 50-kill crash tests came); every test
    // isolates what it shares (temp folders, Postgres schemas and Redis queues named per process).
    maxWorkers: 4,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
