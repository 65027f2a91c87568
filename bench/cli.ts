// Whole-process wall times of the command line as a user meets it: each case spawns a fresh
// `node bin/sextant.js ...` (cold: new process, nothing cached in it), RUNS times, and reports the
// median with p10/p90. Backtests with --json also report the engine's own `runSeconds` (median).
// The 200k-bar case runs on a seeded random walk written to a temp dir (the same file every time).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toIso } from '../src/core/time.ts';
import { randomWalk } from './random-walk.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, 'bin', 'sextant.js');
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 10);
const ORCL = join(root, '..', 'shared', 'data', 'orcl-1995-2014.txt');
const WALK_BARS = 200_000;

interface Timing {
  readonly seconds: number;
  readonly p10: number;
  readonly p90: number;
  readonly runs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summary(xs: readonly number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { seconds: r(quantile(s, 0.5)), p10: r(quantile(s, 0.1)), p90: r(quantile(s, 0.9)), runs: s.length };
}

/** Runs the CLI once and returns its wall time; throws with its output when it does not exit 0. */
function timeOnce(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`sextant ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return seconds;
}

function timeRuns(args: readonly string[], after?: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    out.push(timeOnce(args));
    after?.();
  }
  return out;
}

/** A random-walk CSV of `bars` one-minute bars, prices written in full (shortest round-trip digits). */
function writeWalkCsv(path: string, bars: number): void {
  const s = randomWalk('RW', bars, 42);
  const lines = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < s.length; i++) lines.push(`${toIso(s.time[i]!)},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Spawns `paper` on an existing store and resolves with the seconds until its first status line. */
function paperFirstLine(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = -1;
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('utf8');
      if (seen < 0 && /paper run|equity /.test(text)) {
        seen = (performance.now() - t0) / 1000;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (seen >= 0) resolve(seen);
      else reject(new Error(`paper exited ${code} before a status line: ${text.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js')) && process.env.SEXTANT_FROM_SOURCE !== '1') {
    throw new Error('bench cli: the package is not built (run `npm run build` first, or set SEXTANT_FROM_SOURCE=1 to time the sources via tsx)');
  }
  const mode = process.env.SEXTANT_FROM_SOURCE === '1' ? 'sources via tsx' : 'compiled dist/';
  const out: BenchResult[] = [];
  const push = (name: string, work: string, t: Timing, extra: Record<string, unknown> = {}): void => {
    // peakRssMb is this bench process's (Node does not report a child's); the children are not measured.
    out.push({ name, work: `${work}; ${t.runs} cold processes (${mode})`, ...t, rate: 1 / t.seconds, unit: 'runs/s', peakRssMb: peakRssMb(), rssOf: 'bench process', ...extra });
  };

  push('cli.help', 'sextant --help', summary(timeRuns(['--help'])), { target: '<= 0.3 s' });
  push('cli.backtest-help', 'sextant backtest --help', summary(timeRuns(['backtest', '--help'])), { target: '<= 0.3 s' });

  if (existsSync(ORCL)) {
    push('cli.backtest.orcl', 'sextant backtest --strategy sma-cross --data csv:orcl-1995-2014.txt (4,783 daily bars)', summary(timeRuns(['backtest', '--strategy', 'sma-cross', '--data', `csv:${ORCL}`])), {
      target: '<= 0.6 s',
    });
  } else {
    out.push({ name: 'cli.backtest.orcl', work: `skipped: ${ORCL} is absent`, seconds: 0, rate: 0, peakRssMb: peakRssMb() });
  }

  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-cli-'));
  try {
    const csv = join(dir, 'RW.csv');
    writeWalkCsv(csv, WALK_BARS);
    const json = join(dir, 'out.json');
    const runSeconds: number[] = [];
    let trades = 0;
    const walls = timeRuns(['backtest', '--strategy', 'sma-cross', '--data', `csv:${csv}`, '--param', 'fast=10', '--param', 'slow=30', '--commission', '0.001', '--json', json], () => {
      const r = JSON.parse(readFileSync(json, 'utf8')) as { runSeconds: number; trades: unknown[] };
      runSeconds.push(r.runSeconds);
      trades = r.trades.length;
    });
    const engine = summary(runSeconds);
    push('cli.backtest.200k-json', `sma-cross fast=10 slow=30 --commission 0.001 on ${WALK_BARS.toLocaleString('en-US')} random-walk bars, ${trades} trades, --json`, summary(walls), {
      target: '<= 1.2 s', runSeconds: engine.seconds, runSecondsP10: engine.p10, runSecondsP90: engine.p90, engineBarsPerSecond: Math.round(WALK_BARS / engine.seconds),
      runSecondsTarget: '<= 0.04 s',
    });

    // Paper on an existing store: a two-second live run creates it, then each start resumes that run.
    const state = join(dir, 'state');
    const base = ['paper', '--state-dir', state, '--run', 'bench'];
    const first = spawnSync(process.execPath, [BIN, ...base, '--strategy', 'sma-cross', '--symbols', 'BTC-USD', '--duration', '2', '--quiet'], { encoding: 'utf8' });
    if (first.status !== 0) throw new Error(`paper setup run exited ${first.status}: ${(first.stderr || first.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    const firstLine: number[] = [];
    for (let i = 0; i < RUNS; i++) firstLine.push(await paperFirstLine(base));
    push('cli.paper.first-status', 'sextant paper (live synthetic market) on an existing PGlite store: start to first status line', summary(firstLine), { target: '<= 1 s' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
