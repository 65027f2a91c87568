// `npm test`: the static checks (scripts/checks.mjs: type-check, lint, layer check) and the test suite (vitest)
// run at the same time. The checks run at a lower CPU priority, so they take the time the suite leaves idle
// (it waits on spawned processes, timers and replays much of the time) instead of adding ~70 s in front of
// it on a 2-core machine. The suite prints as it goes; the checks' output is printed whole when both have
// ended, then one line per part. Exit 1 when either fails. Extra arguments go to vitest.
/* global process */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

function finished(child) {
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: 1, error: e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, at: seconds() }));
  });
}

const checks = spawn(process.execPath, [join(root, 'scripts/checks.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let checksOut = '';
checks.stdout.on('data', (b) => (checksOut += b));
checks.stderr.on('data', (b) => (checksOut += b));
try {
  // Children inherit the priority (tsc, eslint and depcheck are its grandchildren).
  if (checks.pid !== undefined) setPriority(checks.pid, 10);
} catch {
  // Not permitted on some systems: the checks then share the CPU evenly, which is only slower.
}
const checksDone = finished(checks);

const vitest = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const forward = (signal) => {
  vitest.kill(signal);
  checks.kill(signal);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

const [c, v] = await Promise.all([checksDone, finished(vitest)]);
process.stdout.write(`\n${checksOut.trimEnd()}\n`);
process.stdout.write(`npm test: checks ${c.code === 0 ? 'passed' : 'FAILED'} (done at ${c.at ?? '?'} s), tests ${v.code === 0 ? 'passed' : 'FAILED'} (done at ${v.at ?? '?'} s); ${seconds()} s in all\n`);
process.exit(c.code === 0 && v.code === 0 ? 0 : 1);
