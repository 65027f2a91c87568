// bin/sextant.js in a checkout whose dist/ was never built (installed with --ignore-scripts, or cloned
// without an install) says what to do instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
