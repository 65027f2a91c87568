// The dashboard as a user feels it (`npm run bench -- web`):
// - web-bundle: a production build of web/ (Vite), the gzipped size of the JavaScript the first page loads (the
//   entry script and its preloaded chunks, as index.html names them), of all JavaScript and of the CSS.
//   Target (issue 16): initial JavaScript ≤ 300 kB gzipped.
// - web-first-page: Debian's Chromium, a fresh browser context each time (no cache), against `sextant serve` on
//   loopback (in-memory store, the demo bot trading): from navigation to the login form ready for typing, and
//   from pressing "Log in" to the overview showing the bot's equity. Median and worst of 7. Target: the first
//   page interactive ≤ 1 s from a local server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from '../src/server/serve.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const RUNS = Number(process.env.WEB_BENCH_RUNS ?? 7);
const kb = (n: number): number => Math.round(n / 102.4) / 10;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function buildInto(out: string): number {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error', '-c', join(root, 'web/vite.config.ts'), '--outDir', out, '--emptyOutDir'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function bundle(out: string, buildSeconds: number): BenchResult {
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const files = readdirSync(join(out, 'assets')).map((f) => join('assets', f));
  const gz = (f: string): number => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
  const sum = (fs: string[]): number => fs.reduce((a, f) => a + gz(f), 0);
  const js = files.filter((f) => f.endsWith('.js'));
  const css = files.filter((f) => f.endsWith('.css'));
  return {
    name: 'web-bundle', work: `${js.length} JS files, ${css.length} CSS`, seconds: buildSeconds, rate: 0, peakRssMb: peakRssMb(),
    initialJsGzipKb: kb(sum(initial)), allJsGzipKb: kb(sum(js)), cssGzipKb: kb(sum(css)),
    allJsRawKb: kb(js.reduce((a, f) => a + statSync(join(out, f)).size, 0)),
  };
}

async function firstPage(dir: string): Promise<BenchResult> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sextant-webbench-'));
  const lines: string[] = [];
  const server = await serve({ url: 'memory://', port: 0, stateDir, demoBot: true, dashboardDir: `${dir}/`, say: (l) => lines.push(l) });
  const password = /with password (\S+)/.exec(lines.join('\n'))![1]!;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const ready: number[] = [];
  const loggedIn: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      const t0 = performance.now();
      await page.goto(server.url, { waitUntil: 'commit' });
      await page.getByLabel('Password').waitFor({ state: 'visible' });
      ready.push(performance.now() - t0);
      await page.getByLabel('Password').fill(password);
      const t1 = performance.now();
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('bot-demo').getByTestId('equity').filter({ hasText: /\d/ }).waitFor();
      loggedIn.push(performance.now() - t1);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return {
    name: 'web-first-page', work: `${RUNS} cold page loads in Chromium (fresh context each)`, seconds: median(ready) / 1000, rate: 0, peakRssMb: peakRssMb(),
    loginFormReadyMsMedian: Math.round(median(ready)), loginFormReadyMsMax: Math.round(Math.max(...ready)),
    overviewAfterLoginMsMedian: Math.round(median(loggedIn)), overviewAfterLoginMsMax: Math.round(Math.max(...loggedIn)),
    load: `${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const out = mkdtempSync(join(tmpdir(), 'sextant-webbench-build-'));
  try {
    const built = bundle(out, buildInto(out));
    return [built, await firstPage(out)];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
