#!/usr/bin/env node
// Entry point of `sextant` (`npx sextant`, `npm start`): runs the compiled package in dist/, which
// `npm install` builds (the "prepare" script). SEXTANT_FROM_SOURCE=1 runs the TypeScript sources
// through tsx instead (development: `npm run dev -- <args>`; vitest sets it so that tests spawning
// the CLI run the sources under test).
/* global process, console, URL */
import { existsSync } from 'node:fs';

let main;
if (process.env.SEXTANT_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  const built = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(built)) {
    console.error('sextant: the package is not built (dist/cli/main.js is missing).\nRun `npm install` (it builds) or `npm run build` in the sextant folder, then try again.');
    process.exit(1);
  }
  ({ main } = await import(built.href));
}
process.exitCode = await main(process.argv.slice(2));
