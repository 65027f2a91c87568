// `npm run bench`: runs every bench module (or those named on the command line) and prints JSON lines.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.ts', 'types.ts', 'random-walk.ts', 'postgres.ts']);
const only = process.argv.slice(2);
const modules = readdirSync(here).filter((f) => f.endsWith('.ts') && !skip.has(f) && (only.length === 0 || only.some((o) => f.startsWith(o))));
let failed = false;
for (const file of modules.sort()) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== 'function') continue;
  try {
    for (const r of await mod.run()) console.log(JSON.stringify({ ...r, rate: Math.round(r.rate * 100) / 100 }));
  } catch (e) {
    failed = true;
    console.error(`bench ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exitCode = failed ? 1 : 0;
