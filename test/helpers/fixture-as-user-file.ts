// A strategy fixture of test/fixtures/ as a user's plain JavaScript file, for tests that start `sextant paper` or
// `sextant live` as processes: its types stripped (esbuild, which tsx and vite bring; nothing else changes) and
// its import of the package's sources ('../../src/index.ts') turned into `import ... from 'sextant'`, as a user
// writes it. The spawned process then loads the API it already runs (dist/ when built) and needs no TypeScript
// loader: run as they are, the fixtures make each process start transpile the whole source tree through tsx for
// that one import (1.3 to 1.7 CPU-seconds on a 2-core machine). The fixture stays the one source of the strategy.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { transformSync } from 'esbuild';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** The fixture's source and its user-file JavaScript. */
function userCode(name: string): { source: string; code: string } {
  const source = readFileSync(join(FIXTURES, name), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: name });
  const user = code.replace(/from ["']\.\.\/\.\.\/src\/index\.ts["']/g, "from 'sextant'");
  if (user === code || /from ["']\./.test(user)) throw new Error(`${name}: no import of '../../src/index.ts' to turn into 'sextant', or another relative import`);
  return { source, code: user };
}

/** Writes `dir`/<name>.js and returns its path (the strategy id <name> when given to --strategy). */
export function fixtureAsUserFile(name: string, dir: string): string {
  const path = join(dir, basename(name).replace(/\.ts$/, '.js'));
  writeFileSync(path, userCode(name).code);
  return path;
}

/**
 * The same file made once per fixture version (its name holds a hash of the fixture) in the temp folder and reused
 * by every later test file and run, for tests that start many processes on it. Returns its path.
 */
export function fixtureAsJsFile(name: string): string {
  const source = readFileSync(join(FIXTURES, name), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `sextant-fixture-${basename(name, '.ts')}-${hash}.mjs`);
  if (existsSync(path)) return path;
  // Written whole under another name, then renamed: a test file running at the same time never reads half of it.
  const part = `${path}.${process.pid}.part`;
  writeFileSync(part, userCode(name).code);
  renameSync(part, path);
  return path;
}
