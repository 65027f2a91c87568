// `npm run build` (and `prepare`, so `npm install` builds): dist/ from src/ with tsc (JS + .d.ts, no
// tests), the dashboard from web/ with Vite into dist/web, plus the plain-JavaScript files that run as they are (worker and hook modules), copied
// beside the compiled code that loads them by URL. dist/ is rebuilt from scratch, so no file of a
// deleted source lingers.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Files under src/ that are not compiled but needed at run time. */
const COPIED = /\.(mjs|cjs|json|sql|html|css|txt|tmpl)$/;

const startedMs = Date.now();
rmSync(dist, { recursive: true, force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('sextant build: TypeScript is not installed (a devDependency): run `npm install` without --omit=dev / --production.');
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('sextant build: tsc failed (see above); dist/ is incomplete.');
  process.exit(r.status ?? 1);
}
let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COPIED.test(entry.name)) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name); // .path before Node 20.12
  cpSync(from, join(dist, relative(src, from)));
  copied++;
}
// The web dashboard (web/, React + Vite) into dist/web, which `sextant serve` serves.
let vite;
try {
  vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
} catch {
  vite = null;
}
if (vite === null) console.error('sextant build: Vite is not installed (a devDependency): the dashboard is not built; the API works without it.');
else {
  const w = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '-c', join(root, 'web/vite.config.ts')], { stdio: 'inherit' });
  if (w.status !== 0) {
    console.error('sextant build: the dashboard build (vite) failed (see above).');
    process.exit(w.status ?? 1);
  }
}
// When this build started: bin/sextant.js warns when a source file in a checkout changed after it.
writeFileSync(join(dist, '.build-started'), `${startedMs}\n`);
console.log(`sextant build: dist/ compiled from src/ (+${copied} runtime files copied)${vite === null ? '' : ', dashboard in dist/web'}`);
