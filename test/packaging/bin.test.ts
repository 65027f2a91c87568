// bin/sextant.js in a checkout whose dist/ was never built (installed with --ignore-scripts, or cloned
// without an install) says what to do instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { builtEnv, ROOT } from './built.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('asks for npm install (or npm run build) and exits 1 when dist/ is missing', () => {
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/sextant.js'), join(dir, 'bin/sextant.js'));
  const r = spawnSync(process.execPath, [join(dir, 'bin/sextant.js'), '--help'], { encoding: 'utf8', env: builtEnv() });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('the package is not built (dist/cli/main.js is missing)');
  expect(r.stderr).toContain('Run `npm install` (it builds) or `npm run build`');
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

it('in a checkout, warns on stderr when a source changed after the build that runs, and not before', () => {
  const co = join(dir, 'checkout');
  mkdirSync(join(co, 'bin'), { recursive: true });
  mkdirSync(join(co, 'dist/cli'), { recursive: true });
  mkdirSync(join(co, 'src'), { recursive: true });
  copyFileSync(join(ROOT, 'bin/sextant.js'), join(co, 'bin/sextant.js'));
  // A stand-in build: the bin only needs dist/cli/main.js to export main().
  writeFileSync(join(co, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(co, 'dist/cli/main.js'), 'export async function main() { console.log("ran"); return 0; }\n');
  writeFileSync(join(co, 'src/a.ts'), 'export {};\n');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(co, 'src/a.ts'), old, old);
  writeFileSync(join(co, 'dist/.build-started'), `${Date.now() - 30_000}\n`);
  const run = (): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [join(co, 'bin/sextant.js')], { encoding: 'utf8', env: builtEnv() });
  const fresh = run();
  expect([fresh.status, fresh.stdout, fresh.stderr]).toEqual([0, 'ran\n', '']);
  writeFileSync(join(co, 'src/a.ts'), 'export const edited = 1;\n');
  const stale = run();
  expect([stale.status, stale.stdout]).toEqual([0, 'ran\n']);
  expect(stale.stderr).toMatch(/warning: .*src\/a\.ts changed after the last build.*npm run build/);
});
