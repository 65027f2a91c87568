// Helpers for tests of the built package (dist/): whether a current build exists, and an environment
// in which `node bin/sextant.js` runs it (other tests run the sources, or dist/ when it is built from them: vitest.config.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BUILT_MAIN = join(ROOT, 'dist/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Why the build cannot be tested ('' when it can): missing, or older than a source file. */
export function buildProblem(): string {
  if (!existsSync(BUILT_MAIN)) return 'dist/ is missing: run `npm run build`';
  if (statSync(BUILT_MAIN).mtimeMs < newestSource(join(ROOT, 'src'))) return 'dist/ is older than src/: run `npm run build`';
  return '';
}

/** process.env without SEXTANT_FROM_SOURCE and npm's per-script variables. */
export function builtEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'SEXTANT_FROM_SOURCE' && !k.startsWith('npm_')) env[k] = v;
  return env;
}
