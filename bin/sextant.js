#!/usr/bin/env node
// Entry point of `sextant` (`npx sextant`, `npm start`): runs the compiled package in dist/, which
// `npm install` builds (the "prepare" script). SEXTANT_FROM_SOURCE=1 runs the TypeScript sources
// through tsx instead (development: `npm run dev -- <args>`; vitest sets it so that tests spawning
// the CLI run the sources under test).
/* global process, console, URL */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * In a checkout (src/ beside dist/), a source edited after the last build would run as it was built:
 * say so on stderr (about 4 ms for the whole tree). An installed package has no src/ and skips this.
 */
function warnIfStale(srcUrl, stampUrl) {
  if (!existsSync(srcUrl)) return;
  const builtMs = existsSync(stampUrl) ? Number(readFileSync(stampUrl, 'utf8')) : 0;
  const src = fileURLToPath(srcUrl);
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath ?? e.path, e.name);
    if (statSync(file).mtimeMs > builtMs) {
      console.error(`sextant: warning: ${file} changed after the last build, which is what runs now; run \`npm run build\` (or \`npm run dev -- <command>\` to run the sources)`);
      return;
    }
  }
}

let main;
const built = new URL('../dist/cli/main.js', import.meta.url);
// 'auto' (set by the test runner when dist/ was built from the current sources): the build, or the
// sources if the build has gone meanwhile (something rebuilding dist/ while tests run).
const fromSource = process.env.SEXTANT_FROM_SOURCE === '1' || (process.env.SEXTANT_FROM_SOURCE === 'auto' && !existsSync(built));
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  if (!existsSync(built)) {
    console.error('sextant: the package is not built (dist/cli/main.js is missing).\nRun `npm install` (it builds) or `npm run build` in the sextant folder, then try again.');
    process.exit(1);
  }
  warnIfStale(new URL('../src/', import.meta.url), new URL('../dist/.build-started', import.meta.url));
  ({ main } = await import(built.href));
}
process.exitCode = await main(process.argv.slice(2));
