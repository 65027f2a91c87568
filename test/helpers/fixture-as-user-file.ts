// A strategy fixture of test/fixtures/ as a user's JavaScript file, for tests that spawn `sextant paper` on it: its
// types stripped (esbuild, which tsx and vite bring) and its import of the package's sources ('../../src/index.ts')
// turned into `import ... from 'sextant'`, as a user writes it. The spawned process then loads the API it already
// runs (dist/ when built) and needs no TypeScript loader. Run as they are, the fixtures make each process start
// transpile the whole source tree through tsx for that one import (about 1.3 CPU-seconds); tsx alone costs 0.45.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { transformSync } from 'esbuild';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** Writes `dir`/<name>.js and returns its path (the strategy id when given to --strategy). */
export function fixtureAsUserFile(name: string, dir: string): string {
  const source = readFileSync(join(FIXTURES, name), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: name });
  const user = code.replace(/from ["']\.\.\/\.\.\/src\/index\.ts["']/g, "from 'sextant'");
  if (user === code || /from ["']\./.test(user)) throw new Error(`${name}: no import of '../../src/index.ts' to turn into 'sextant', or another relative import`);
  const path = join(dir, basename(name).replace(/\.ts$/, '.js'));
  writeFileSync(path, user);
  return path;
}
