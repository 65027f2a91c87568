// The paper watchdog (issue 13): the node runs in a worker thread under a supervisor, so strategy code
// that never returns cannot take the process with it. A strategy stuck for --strategy-timeout is
// stopped: the node's thread is terminated (the store is as after a kill -9), its locks released, and
// the node restarts on the same run with that strategy failed while the others trade to the end (exit 3).
// With no strategy left the run stops. SIGTERM during an endless loop still ends the process in seconds.
// A backtest with a user strategy file gets a watcher thread that ends a stuck run with a message.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.ts';
import { writeWalkCsv } from './helpers/bars.ts';
import { fixtureAsUserFile } from './helpers/fixture-as-user-file.ts';
import { cli } from './helpers/in-process-cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/sextant.js');
const dir = mkdtempSync(join(tmpdir(), 'sextant-watchdog-'));
// The fixtures as a user's JavaScript files (importing 'sextant'): a process (or a restarted node thread) that loads
// them needs no TypeScript loader and no second copy of the sources.
const LOOPS = fixtureAsUserFile('loops-forever.ts', dir);
const FLIP_FLOP = fixtureAsUserFile('flip-flop.ts', dir);
const T0 = Date.UTC(2000, 0, 3);
/** 200 daily bars for the backtests; the paper runs replay the first 60 (a watchdog restart does not need more). */
const bars = writeWalkCsv(join(dir, 'bars.csv'), 200, 3, T0);
const paperBars = writeWalkCsv(join(dir, 'paper-bars.csv'), 60, 3, T0);
/**
 * The paper runs share one state folder (a run each): a new store costs about a CPU-second more than opening one,
 * and what each test checks is its own run and that the folder's lock was released.
 */
const stateDir = join(dir, 'paper');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

function start(args: readonly string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<Exit>((res) => child.on('exit', (code, signal) => res({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000 })));
  return { child, exit };
}

describe('paper: the watchdog over strategy code', () => {
  it('a strategy stuck in an endless loop is stopped after --strategy-timeout; the node restarts and the others trade to the end', async () => {
    const r = await start(['paper', '--strategy', `${LOOPS}:50000`, '--strategy', `${FLIP_FLOP}:50000`, '--replay', `csv:${paperBars}`, '--speed', 'max', '--run', 'w', '--state-dir', stateDir, '--strategy-timeout', '1', '--quiet']).exit;
    expect(r.stderr).toMatch(/error: strategy .*loops-forever\.js was stopped by the watchdog: its code had not returned for 1\.\d s \(limit --strategy-timeout 1 s\); the node restarts on run "w" with that strategy stopped, the others trade on/);
    expect(r.stderr).toMatch(/error: strategy .*loops-forever\.js failed at .* and was stopped: .*stopped by the watchdog/);
    expect(r.code).toBe(3);
    expect(existsSync(join(stateDir, 'db', 'lock'))).toBe(false);
    expect(existsSync(join(stateDir, 'paper.pid'))).toBe(false);

    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    try {
      expect((await store.getRun('w'))?.status).toBe('completed');
      const fills = await store.loadFills('w');
      const last = Math.max(...fills.filter((f) => f.strategyId === FLIP_FLOP).map((f) => f.tsMs));
      // flip-flop traded to the last bars of the replay (60 daily bars from 2000-01-03).
      expect(last).toBeGreaterThan(T0 + 50 * 86_400_000);
      expect(Math.max(...fills.filter((f) => f.strategyId === LOOPS).map((f) => f.tsMs))).toBeLessThan(T0 + 21 * 86_400_000);
    } finally {
      await store.close();
    }
    const st = await cli(['status', '--state-dir', stateDir, '--run', 'w']);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/FAILED strategy .*loops-forever\.js .*stopped by the watchdog/);
  }, 120_000);

  it('with no strategy left the run stops: exit 3, lock released, the store opens elsewhere', async () => {
    const r = await start(['paper', '--strategy', LOOPS, '--param', 'at=40', '--replay', `csv:${paperBars}`, '--speed', 'max', '--run', 'a', '--state-dir', stateDir, '--strategy-timeout', '1', '--quiet']).exit;
    expect(r.stderr).toMatch(/was stopped by the watchdog: .*; no strategy is left to trade, so the run stops/);
    expect(r.code).toBe(3);
    expect(existsSync(join(stateDir, 'db', 'lock'))).toBe(false);
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    const fills = await store.loadFills('a');
    await store.close();
    expect(fills.length).toBeGreaterThan(10);
  }, 120_000);

  it('SIGTERM during an endless loop ends the process within seconds (graceful stop asked, then the thread is stopped)', async () => {
    const { child, exit } = start(['paper', '--strategy', LOOPS, '--param', 'at=40', '--replay', `csv:${paperBars}`, '--speed', 'max', '--run', 't', '--state-dir', stateDir, '--strategy-timeout', '600']);
    // The start line is printed once the run is restored; the loop starts a few milliseconds later.
    await new Promise<void>((res) => child.stdout!.on('data', (b: Buffer) => /paper run/.test(b.toString()) && res()));
    await new Promise((res) => setTimeout(res, 500));
    const sentMs = Date.now();
    child.kill('SIGTERM');
    const r = await exit;
    expect((Date.now() - sentMs) / 1000).toBeLessThan(10);
    expect(r.stderr).toMatch(/error: the node did not stop within 5\.0 s of the stop request \(its thread is busy\); it was stopped/);
    expect(r.code).toBe(3);
    expect(existsSync(join(stateDir, 'db', 'lock'))).toBe(false);
  }, 120_000);
});

describe('backtest: the watchdog over user strategy code', () => {
  it('a user strategy stuck in an endless loop ends the backtest after --strategy-timeout with a message (killed: status 137)', async () => {
    const r = await start(['backtest', '--strategy', LOOPS, '--param', 'at=40', '--data', `csv:${bars}`, '--strategy-timeout', '1']).exit;
    expect(r.stderr).toMatch(/sextant backtest: error: strategy .*loops-forever\.js was stopped by the watchdog: its code had not returned for 1\.\d s \(limit --strategy-timeout 1 s\); the backtest ends here with no result/);
    expect(r.code).toBeNull();
    expect(r.signal).toBe('SIGKILL');
  }, 60_000);

  it('a user strategy that returns runs to the end under the watchdog, with the result of an unwatched run', async () => {
    // `sextant backtest` in this process (its watcher thread and wrapped strategy class as on the command line; the
    // process boundary is the previous test's point): the JSON of the watched run, and the same backtest unwatched.
    const json = join(dir, 'watched.json');
    const watched = await cli(['backtest', '--strategy', FLIP_FLOP, '--data', `csv:${bars}`, '--json', json, '--quiet']);
    expect(watched.code).toBe(0);
    const { runBacktest } = await import('../src/app/backtest.ts');
    const plain = await runBacktest({ strategy: FLIP_FLOP, data: [`csv:${bars}`] });
    const report = JSON.parse(readFileSync(json, 'utf8')) as { finalValue: number; fills: unknown[] };
    expect(report.fills.length).toBe(plain.fills.length);
    expect(report.fills.length).toBeGreaterThan(50);
    expect(report.finalValue).toBe(plain.finalValue);
  }, 60_000);
});
