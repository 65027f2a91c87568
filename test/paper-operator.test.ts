// Operator visibility and guards of paper trading (issue 13, items 2 and 6): the status line fits the
// terminal and redraws without leftovers; a resumed run is "running" while it runs; a strategy that
// throws is loud (status line, `sextant status`, exit 3) and can halt everything; process.exit in a
// strategy is a strategy error, not the end of the process; a heap limit stops the run cleanly before
// V8 runs out of memory; SIGKILL of the npm/npx wrapper does not leave the node trading.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/errors.ts';
import { runPaper } from '../src/app/paper-console.ts';
import { startPaper } from '../src/app/paper.ts';
import { readStatus } from '../src/app/status.ts';
import { fitToWidth, ttyStatusWriter } from '../src/app/status-line.ts';
import { heapLimitMb, v8HeapLimitMb, v8OldSpaceLimitMb } from '../src/app/heap-guard.ts';
import { openStore } from '../src/store/open.ts';
import { writeWalkCsv } from './helpers/bars.ts';
import { fixtureAsUserFile } from './helpers/fixture-as-user-file.ts';
import { cli } from './helpers/in-process-cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/sextant.js');
const dir = mkdtempSync(join(tmpdir(), 'sextant-operator-'));
// The fixture as a user's JavaScript file (importing 'sextant'): a process started on it loads no second copy of the sources.
const FLIP_FLOP = fixtureAsUserFile('flip-flop.ts', dir);
/**
 * Every paper run here keeps its state in this one folder, a run id each (and the tests run one after another): a
 * new store costs about a CPU-second more than opening one, and what the tests check is their own run's state
 * (by its id, or as the folder's latest run) and the folder's pid file and lock, which each run leaves as it found
 * them (the SIGKILLed run, which leaves a stale pid file, comes last).
 */
const stateDir = join(dir, 'state');
const T0 = Date.UTC(2000, 0, 3);
/** The time of daily bar `i` (0-based) of the CSVs here, as stored and printed. */
const barTime = (i: number): string => new Date(T0 + i * 86_400_000).toISOString();

function csv(name: string, n: number, seed: number): string {
  return writeWalkCsv(join(dir, name), n, seed, T0);
}

/**
 * A user strategy file: trades every bar like flip-flop, and runs `atBar` on bar `n`. Plain JavaScript, as a user
 * may write it: a process started on it needs no TypeScript loader.
 */
function strategyFile(name: string, n: number, atBar: string, extra = ''): string {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, `import { Strategy, z } from 'sextant';
export class ${name[0]!.toUpperCase()}${name.slice(1)} extends Strategy {
  static schema = z.object({});
  bars = 0;
  ${extra}
  onBar(bar, ctx) {
    if (++this.bars >= ${n}) { ${atBar} }
    if (ctx.openOrders(bar.symbol).length > 0) return;
    if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol, 1);
    else ctx.close(bar.symbol);
  }
}
`);
  return path;
}

const THROWER = strategyFile('thrower', 50, "if (this.bars === 50) throw new Error('boom at bar 50');");
const EXITER = strategyFile('exiter', 30, 'if (this.bars === 30) process.exit(0);');
// Keeps 0.4 MB of doubles on the heap per bar, for ever.
const HOG = strategyFile('hog', 1, 'this.keep.push(new Array(50_000).fill(bar.close + 0.5));', 'keep = [];');

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function exited(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stdout, stderr })));
}

function sextant(args: readonly string[], nodeFlags: readonly string[] = []): Promise<Exit> {
  return exited(spawn(process.execPath, [...nodeFlags, BIN, ...args], { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** What a terminal of `width` columns shows after `text`: \r, ESC[2K (erase line), \n and autowrap. */
function terminal(text: string, width: number): { rows: string[]; scrolled: number } {
  const rows: string[][] = [[]];
  let col = 0;
  let scrolled = 0;
  for (let i = 0; i < text.length; i++) {
    const row = rows[rows.length - 1]!;
    if (text.startsWith('\x1b[2K', i)) {
      row.length = 0;
      i += 3;
    } else if (text[i] === '\r') col = 0;
    else if (text[i] === '\n') {
      rows.push([]);
      col = 0;
    } else {
      if (col === width) {
        rows.push([]);
        scrolled++;
        col = 0;
      }
      const r = rows[rows.length - 1]!;
      r[col++] = text[i]!;
    }
  }
  return { rows: rows.map((r) => r.join('')), scrolled };
}

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('paper: the status line', () => {
  it('fits an 80-column terminal and redraws without leftovers (fills 233 → 23, HALTED → resumed)', () => {
    const lines = [
      'HALTED | 2000-01-03T00:00:00Z equity 100000.00 pnl +0.00 | bars 900 | orders 240 fills 233 open 1 | AAPL 10 MSFT 20 BTC-USD 0.5 ETH-USD 3',
      '2000-01-04T00:00:00Z equity 99990.00 pnl -10.00 | bars 9 | fills 23 | flat',
    ];
    let out = '';
    const w = ttyStatusWriter({ columns: 80, write: (t: string) => (out += t) });
    for (let k = 0; k < 30; k++) w.write(lines[k % 2]!);
    w.write(lines[1]!);
    const screen = terminal(out, 80);
    // One row, redrawn in place 31 times: no scrolling, no wrap, nothing left of the longer lines.
    expect(screen.scrolled).toBe(0);
    expect(screen.rows).toEqual([lines[1]]);
    w.end();
    expect(terminal(out, 80).rows).toEqual([lines[1], '']);
    // The long line is cut to 79 columns with a mark, never wrapped.
    out = '';
    w.write(lines[0]!);
    const cut = terminal(out, 80).rows[0]!;
    expect(cut).toHaveLength(79);
    expect(cut).toBe(`${lines[0]!.slice(0, 78)}…`);
    expect(fitToWidth('short', 80)).toBe('short');
    expect(fitToWidth('abcdef', 4)).toBe('ab…');
  });
});

describe('paper: the plain status line off a terminal', () => {
  it('prints a plain status line on stdout every plainStatusEveryMs, below the start line', async () => {
    const out: string[] = [];
    const code = await runPaper(
      { strategies: ['buy-and-hold'], symbols: ['BTC-USD'], barMs: 500, tickMs: 50, durationSec: 2.6, stateDir, runId: 'plain' },
      { out: (l) => out.push(l), err: () => {}, signals: false, plainStatusEveryMs: 900 },
    );
    expect(code).toBe('completed');
    expect(out[0]).toMatch(/^new paper run "plain"/);
    // The first status, one at each 1 s tick at least 900 ms after the last (2 in 2.6 s, unless a loaded machine delays a tick), the closing one.
    const statusLines = out.filter((l) => / equity [\d.]+ pnl /.test(l));
    expect(statusLines.length).toBeGreaterThanOrEqual(3);
    expect(statusLines.length).toBeLessThanOrEqual(4);
    expect(out.at(-1)).toMatch(/^run "plain" stopped: \d+ bars processed/);
  });
});

describe('paper: a failing strategy is loud', () => {
  it('a strategy that throws at bar 50 shows FAILED on the status line, in status and in the exit code; the others trade on', async () => {
    const path = csv('loud.csv', 100, 1);
    const out: string[] = [];
    const err: string[] = [];
    const status: string[] = [];
    const code = await runPaper(
      { strategies: [THROWER, FLIP_FLOP], replay: `csv:${path}`, speed: Infinity, stateDir, runId: 'loud' },
      { out: (l) => out.push(l), err: (l) => err.push(l), status: (l) => status.push(l), signals: false },
    );
    expect(code).toBe('failed');
    expect(err).toEqual([expect.stringMatching(/^error: strategy .*thrower\.js failed at 2000-02-21T00:00:00Z and was stopped: strategy .*thrower\.js failed: boom at bar 50$/)]);
    // The closing status line (at the last of the 100 bars) leads with the failure.
    expect(out.at(-2)).toMatch(new RegExp(`^FAILED .*thrower\\.js \\| ${barTime(99).replace('.000Z', 'Z')} equity `));
    const s = await readStatus({ stateDir, runId: 'loud' });
    expect(s.runStatus).toBe('completed');
    expect(s.strategyErrors).toEqual([{ strategyId: THROWER, message: `strategy ${THROWER} failed: boom at bar 50`, time: '2000-02-21T00:00:00.000Z' }]);
    // The thrower made 49 orders (one per bar, bars 1–49); flip-flop traded on after it (on most of the 50 bars left).
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true });
    const fills = await store.loadFills('loud');
    await store.close();
    const failedAt = Date.UTC(2000, 1, 21);
    expect(fills.filter((f) => f.strategyId === THROWER && f.tsMs > failedAt)).toEqual([]);
    expect(fills.filter((f) => f.strategyId === FLIP_FLOP && f.tsMs > failedAt).length).toBeGreaterThan(40);
  });

  it('--halt-on-strategy-error halts all trading at the first failure: after it, no order but reduce-only closes', async () => {
    const path = csv('halt.csv', 100, 1);
    const err: string[] = [];
    const code = await runPaper(
      { strategies: [THROWER, FLIP_FLOP], replay: `csv:${path}`, speed: Infinity, stateDir, runId: 'halt', haltOnStrategyError: true },
      { out: () => {}, err: (l) => err.push(l), signals: false },
    );
    expect(code).toBe('failed');
    expect(err.at(-1)).toMatch(/all trading was halted \(--halt-on-strategy-error\)/);
    const s = await readStatus({ stateDir, runId: 'halt' });
    expect(s.halted).toBe(true);
    expect(s.strategyErrors.map((e) => e.strategyId)).toEqual([THROWER]);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true });
    const fills = await store.loadFills('halt');
    const events = await store.loadRiskEvents('halt');
    await store.close();
    const failedAt = Date.UTC(2000, 1, 21);
    // The kill switch lets positions be closed (reduce-only), nothing else: flip-flop's long is sold once, then no buy.
    const after = fills.filter((f) => f.tsMs > failedAt);
    expect(after.map((f) => [f.strategyId, f.side, f.qty])).toEqual([[FLIP_FLOP, 'sell', 10]]);
    expect(fills.filter((f) => f.strategyId === FLIP_FLOP).length).toBeGreaterThan(10);
    expect(events.find((e) => e.kind === 'kill-switch')?.reason).toBe(`strategy ${THROWER} failed; --halt-on-strategy-error halts all trading`);
  });

  it('CLI: exit 3; process.exit(0) in a strategy is that strategy\'s error (the run completes, no stale pid file); `sextant status` lists both failures', async () => {
    // 60 bars: the exiter stops at bar 30 and the thrower at bar 50.
    const path = csv('cli.csv', 60, 2);
    const r = await sextant(['paper', '--strategy', THROWER, '--strategy', EXITER, '--strategy', FLIP_FLOP, '--replay', `csv:${path}`, '--speed', 'max', '--state-dir', stateDir, '--run', 'cli']);
    expect(r.stderr).toMatch(/error: strategy .*thrower\.js failed at 2000-02-21T00:00:00Z and was stopped: .*boom at bar 50/);
    expect(r.stderr).toMatch(/error: strategy .*exiter\.js failed at 2000-02-01T00:00:00Z and was stopped: .*process\.exit\(0\) is not allowed while a run trades/);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/run "cli" completed: 60 bars processed/);
    expect(existsSync(join(stateDir, 'paper.pid'))).toBe(false);
    const st = await cli(['status', '--state-dir', stateDir]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/^run cli \(completed\)/);
    expect(st.stdout).toMatch(/FAILED strategy .*exiter\.js at 2000-02-01T00:00:00\.000Z: .*process\.exit\(0\) is not allowed/);
    expect(st.stdout).toMatch(/FAILED strategy .*thrower\.js at 2000-02-21T00:00:00\.000Z: .*boom at bar 50/);
  }, 120_000);
});

describe('paper: resumed runs and resource guards', () => {
  it('a resumed run is "running" in the store and in `sextant status` while it runs, "stopped" after', async () => {
    const req = { strategies: ['buy-and-hold'], symbols: ['BTC-USD'], barMs: 50, tickMs: 10, stateDir, runId: 'again' };
    const first = await startPaper({ ...req, durationSec: 0.3 });
    await first.done;
    const second = await startPaper({ ...req, durationSec: 60 });
    expect((await second.store.getRun('again'))?.status).toBe('running');
    expect((await second.store.getRun('again'))?.endedMs).toBeNull();
    expect(await readStatus({ stateDir })).toMatchObject({ source: 'running-process', runId: 'again', runStatus: 'running' });
    await second.stop();
    await second.done;
    expect(await readStatus({ stateDir })).toMatchObject({ source: 'store', runId: 'again', runStatus: 'stopped' });
  });

  it('--max-heap-mb must lie below V8\'s own limit (else V8 would abort first)', () => {
    // V8's limit counts the young generation (48 MB on 64-bit) on top of the old space, which is what runs out.
    const v8 = v8HeapLimitMb();
    const old = v8OldSpaceLimitMb();
    expect(old).toBe(v8 - 48);
    expect(heapLimitMb(100)).toBe(100);
    expect(heapLimitMb(undefined)).toBe(Math.floor(old * 0.85));
    expect(() => heapLimitMb(old)).toThrow(ConfigError);
    expect(() => heapLimitMb(old)).toThrow(new RegExp(`--max-heap-mb ${old} is not below this process's V8 heap limit of ${old} MB \\(its old space; V8 reports ${v8} MB`));
    expect(heapLimitMb(old - 1)).toBe(old - 1);
  });

  it('a strategy that keeps allocating is stopped at --max-heap-mb with a message, before V8 (128 MB here) runs out', async () => {
    const path = csv('hog.csv', 6000, 3);
    // 1 ms per daily bar: 0.4 MB a bar reaches 2.4 GB by the end, well past V8's 128 MB; the limits are reached in
    // tens of bars (each bar trades, at a cost in CPU). (A small heap: a full collection of a nearly full 400 MB heap
    // took minutes on a busy 2-core machine, and 192 MB half a minute.)
    const r = await sextant(['paper', '--strategy', HOG, '--replay', `csv:${path}`, '--speed', String(86_400_000), '--state-dir', stateDir, '--run', 'hog', '--max-heap-mb', '80'], ['--max-old-space-size=128']);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/error: run "hog" aborted: heap limit reached: the heap holds \d+ MB, limit 80 MB \(--max-heap-mb\)/);
    expect(r.code).toBe(3);
    expect(existsSync(join(stateDir, 'paper.pid'))).toBe(false);
    const s = await readStatus({ stateDir });
    expect(s.runStatus).toBe('failed');
    expect(s.abortReason).toMatch(/^heap limit reached: the heap holds \d+ MB, limit 80 MB/);
    const bars = Number(/(\d+) bars processed/.exec(r.stdout)?.[1]);
    // It traded a while before the limit was reached (the guard measures the heap the run grew, not the one it started with).
    expect(bars).toBeGreaterThan(20);
    expect(bars).toBeLessThan(6000);
    // Without the flag the default (85% of V8's old space) speaks first too; without the guard V8 aborted (signal 6,
    // "JavaScript heap out of memory"; seen with a 384 MB heap: 307 MB of live objects in a 424 MB heap). The
    // default was 85% of V8's whole limit, which counts 48 MB of young generation: at 128 MB that was 149 MB,
    // above the old space, and the node's worker ran out of memory first.
    const byDefault = await sextant(['paper', '--strategy', HOG, '--replay', `csv:${path}`, '--speed', String(86_400_000), '--state-dir', stateDir, '--run', 'hog-default'], ['--max-old-space-size=128']);
    expect(byDefault.signal).toBeNull();
    expect(byDefault.stderr).toMatch(/error: run "hog-default" aborted: heap limit reached: the heap holds \d+ MB, limit 108 MB \(--max-heap-mb\)/);
    expect(byDefault.code).toBe(3);
    const bad = await sextant(['paper', '--strategy', HOG, '--replay', `csv:${path}`, '--state-dir', stateDir, '--max-heap-mb', '5000'], ['--max-old-space-size=128']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-heap-mb 5000 is not below this process's V8 heap limit/);
  }, 240_000);
});

describe('paper: no orphan when the npm/npx wrapper is SIGKILLed', () => {
  for (const [name, command, args] of [
    ['npm run dev paper', 'npm', ['run', 'dev', '--', 'paper', '--strategy', 'buy-and-hold']],
    ['npx sextant paper', 'npx', ['sextant', 'paper', '--strategy', 'buy-and-hold']],
  ] as const) {
    it(`${name}: the node notices within a second, stops gracefully and releases the store`, async () => {
      const path = csv(`orphan-${command}.csv`, 600, 4);
      const runId = `orphan-${command}`;
      const pidFile = join(stateDir, 'paper.pid');
      expect(existsSync(pidFile)).toBe(false); // the earlier runs in the folder removed theirs
      // 100 ms per daily bar: a minute of replay, far longer than the test (and a fifth of the CPU of 20 ms).
      // Without npm's lifecycle scripts: `npx sextant` in the package's own folder otherwise runs its
      // `prepare` (a rebuild of dist/ under every other test that runs the build).
      const wrapper = spawn(command, [...args, '--replay', `csv:${path}`, '--speed', String(86_400_000 / 100), '--state-dir', stateDir, '--run', runId, '--quiet'], {
        cwd: ROOT, env: { ...process.env, npm_config_ignore_scripts: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const ended = exited(wrapper);
      // The node's stderr is the wrapper's (inherited): the moment it says it noticed.
      let noticedAt = 0;
      wrapper.stderr.on('data', (b: Buffer) => {
        if (noticedAt === 0 && b.toString().includes('stopping: wrapper process')) noticedAt = Date.now();
      });
      expect(await until(() => existsSync(pidFile), 60_000)).toBe(true);
      const nodePid = Number(readFileSync(pidFile, 'utf8'));
      expect(nodePid).not.toBe(wrapper.pid);
      // Let it trade a little, then kill the wrapper the way an operator's `kill -9` would.
      await new Promise((r) => setTimeout(r, 500));
      expect(alive(nodePid)).toBe(true);
      const killedMs = Date.now();
      wrapper.kill('SIGKILL');
      const r = await ended;
      expect(r.signal).toBe('SIGKILL');
      const stopped = await until(() => !alive(nodePid), 10_000);
      const goneMs = Date.now() - killedMs;
      if (!stopped) process.kill(nodePid, 'SIGKILL'); // no orphan left behind by a failing test
      expect(stopped).toBe(true);
      const noticedMs = noticedAt - killedMs;
      if (process.env.SEXTANT_TEST_VERBOSE === '1') console.log(`${name}: node ${nodePid} noticed after ${noticedMs} ms, gone ${goneMs} ms after the wrapper's SIGKILL`);
      // Noticed within a second (checked every 250 ms); the graceful stop that follows commits and closes the
      // store (about 0.5 s on an idle machine, a few seconds on a loaded one).
      expect(noticedAt).toBeGreaterThan(0);
      expect(noticedMs).toBeLessThan(1000);
      expect(goneMs).toBeLessThan(8000);
      // A graceful stop: pid file removed, run closed as "stopped", the store free for the next process.
      expect(existsSync(pidFile)).toBe(false);
      expect(await readStatus({ stateDir })).toMatchObject({ source: 'store', runId, runStatus: 'stopped' });
    }, 120_000);
  }
});

describe('paper: a run whose process was SIGKILLed', () => {
  it('is "interrupted" in `sextant status` (stored as running, but no process holds the embedded store)', async () => {
    // 100 ms per daily bar: a minute of replay, far longer than the test.
    const path = csv('killed.csv', 600, 5);
    expect(existsSync(join(stateDir, 'paper.pid'))).toBe(false);
    const child = spawn(process.execPath, [BIN, 'paper', '--strategy', 'buy-and-hold', '--replay', `csv:${path}`, '--speed', String(86_400_000 / 100), '--state-dir', stateDir, '--run', 'killed', '--quiet'], {
      cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ended = exited(child);
    expect(await until(() => existsSync(join(stateDir, 'paper.pid')), 60_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await ended;
    // The pid file is stale now; the store still says running. (`sextant status` prints readStatus's report: its
    // source, run and status lead the first line.)
    expect(existsSync(join(stateDir, 'paper.pid'))).toBe(true);
    const st = await cli(['status', '--state-dir', stateDir]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/^run killed \(interrupted\) on .* \[store\]: /);
    expect(st.stdout).toContain('INTERRUPTED: the process trading run killed ended without closing it (killed or crashed); `sextant paper --run killed` resumes it');
  }, 120_000);
});

describe('paper: the process.exit guard', () => {
  it('blocks process.exit and abort while held (reference-counted), and the platform can still exit on purpose', async () => {
    const { blockProcessExit, ProcessExitBlocked } = await import('../src/app/exit-guard.ts');
    const original = process.exit;
    const a = blockProcessExit();
    const b = blockProcessExit();
    expect(() => process.exit(0)).toThrow(ProcessExitBlocked);
    expect(() => process.abort()).toThrow(/process\.abort\(\) is not allowed while a run trades/);
    a();
    a(); // releasing twice counts once
    expect(() => process.exit(5)).toThrow(/process\.exit\(5\) is not allowed/);
    b();
    expect(process.exit).toBe(original);
    // exitProcess reaches the real exit in a child process while the guard is held.
    const r = await exited(spawn(process.execPath, ['--import', 'tsx', '-e', `
      const g = await import(${JSON.stringify(join(ROOT, 'src/app/exit-guard.ts'))});
      g.blockProcessExit();
      try { process.exit(9); } catch (e) { console.log('blocked:', e.message.slice(0, 30)); }
      g.exitProcess(7);
    `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.stdout).toBe('blocked: process.exit(9) is not allowed\n');
    expect(r.code).toBe(7);
  }, 60_000);
});
