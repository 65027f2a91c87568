// `npm test`'s static checks (type-check, lint, layer check) run side by side: each is mostly one thread, so on
// a machine with two or more cores together they take about as long as the slowest. Each one's output is
// printed whole when it ends, in a fixed order; any failure fails the whole (exit 1).
import { spawn } from 'node:child_process';

const CHECKS = [
  ['typecheck', ['run', '--silent', 'typecheck']],
  ['lint', ['run', '--silent', 'lint']],
  ['depcheck', ['run', '--silent', 'depcheck']],
];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const results = await Promise.all(
  CHECKS.map(([name, args]) => new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(npm, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', (e) => resolve({ name, code: 1, out: `${out}${e.message}\n`, seconds: (Date.now() - t0) / 1000 }));
    child.on('close', (code) => resolve({ name, code: code ?? 1, out, seconds: (Date.now() - t0) / 1000 }));
  })),
);
for (const r of results) {
  process.stdout.write(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)\n`);
  if (r.out.trim() !== '') process.stdout.write(`${r.out.trimEnd()}\n`);
}
process.stdout.write(`checks: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
