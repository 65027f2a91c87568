// Crash safety of paper trading (shared by test/paper-crash-*.test.ts): a paper process replaying history
// with three strategies is killed with SIGKILL at random moments (CRASH_KILLS times, default 2), restarted each time, and
// finally allowed to finish. The store must then show no lost or duplicated order, no intent left unsent,
// positions equal to the fills, and the strategies' own state (onSave) restored across the restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import type { OrderRecord, Store } from '../../src/store/store.ts';
import { fixtureAsUserFile } from './fixture-as-user-file.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * 2 in the default run (each kill is a process start: the two crash files took 6 to 10 minutes of the suite at 50,
 * and 2 to 4 at 4 on a busy machine); CRASH_KILLS=50 or more for the soak whose figures the docs give.
 */
export const KILLS = Number(process.env.CRASH_KILLS ?? 2);
/**
 * Enough bars that every start trades mid-replay (each trades ~5 to 45 bars before its kill), and no more: the
 * final uninterrupted replay of what is left is most of the file's CPU (~12 ms a bar on the embedded store; it
 * was most of the file's time at 3,000 bars, and 10 CPU-seconds of each crash file at 800).
 */
export const BARS = Math.max(200, KILLS * 60);
// Daily bars paced at 20 ms each (86,400,000 ms a day / 20): 4 s of replay at 200 bars, several times what the
// processes trade before their kills (0.1-0.9 s each; 0.33 s and 0.12 s in the default run), so every kill lands mid-run.
const SPEED = String(86_400_000 / 20);

/** The fixtures as a user's files (importing 'sextant'): their paths are the strategy ids in the store. */
const STRATEGY_DIR = mkdtempSync(join(tmpdir(), 'sextant-crash-strategies-'));
const FLIP_FLOP = fixtureAsUserFile('flip-flop.ts', STRATEGY_DIR);
const COUNTER = fixtureAsUserFile('restart-counter.ts', STRATEGY_DIR);
/** Two that trade every bar (one keeps state of its own across restarts) and one that needs warm-up. */
const STRATEGIES = [`${FLIP_FLOP}:40000`, `${COUNTER}:40000`, 'sma-cross:20000'];

function writeBars(dir: string): string {
  const rng = new Rng(11);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 100;
  for (let i = 0; i < BARS; i++) {
    const o = p;
    p = Math.max(1, p * Math.exp(0.01 * rng.normal()));
    const d = new Date(Date.UTC(2000, 0, 3) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${o.toFixed(2)},${(Math.max(o, p) * 1.005).toFixed(2)},${(Math.min(o, p) * 0.995).toFixed(2)},${p.toFixed(2)},100000`);
  }
  const path = join(dir, 'bars.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

function startPaper(stateDir: string, csv: string, env: NodeJS.ProcessEnv, speed = SPEED): ChildProcess {
  // Not --quiet: the start line (printed once the run is restored) says when the node trades.
  return spawn(process.execPath, [join(ROOT, 'bin/sextant.js'), 'paper', ...STRATEGIES.flatMap((s) => ['--strategy', s]), '--replay', `csv:${csv}`, '--speed', speed, '--run', 'crash', '--state-dir', stateDir], {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
}

/** Resolves when the child prints its start line (the run is restored and trading). */
function trading(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (/paper run "crash"/.test(out)) res();
    });
  });
}

export async function crashAndRecover(stateDir: string, env: NodeJS.ProcessEnv): Promise<{ killed: number; duringStartup: number }> {
  const csv = writeBars(stateDir);
  const rng = new Rng(2024);
  let killed = 0;
  let duringStartup = 0;
  for (let k = 0; k < KILLS; k++) {
    const child = startPaper(stateDir, csv, env);
    const done = exited(child);
    // One kill in five lands at a random moment of start-up (restore, migration, the first flush); the
    // others at a random moment of trading, counted from the start line, however long start-up took.
    let timer: NodeJS.Timeout | undefined;
    if (rng.next() < 0.2) {
      duringStartup++;
      timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(rng.next() * 1500));
    } else {
      const delay = 100 + Math.floor(rng.next() * 800);
      void trading(child).then(() => (timer = setTimeout(() => child.kill('SIGKILL'), delay)));
    }
    const r = await done;
    clearTimeout(timer);
    if (r.signal === 'SIGKILL') killed++;
    else expect(r.code, r.stderr).toBe(0);
  }
  // The rest of the replay runs uninterrupted, as fast as the order path allows.
  const last = await exited(startPaper(stateDir, csv, env, 'max'));
  expect(last.code, last.stderr).toBe(0);
  return { killed, duringStartup };
}

export async function assertConsistent(store: Store): Promise<void> {
  const runId = 'crash';
  const run = await store.getRun(runId);
  expect(run?.status).toBe('completed');
  const fills = await store.loadFills(runId);
  const counts = (await store.counts()).byRun.find((r) => r.runId === runId)!;
  expect(counts.orders).toBeGreaterThan(50);
  expect(fills.length).toBeGreaterThan(50);

  // The run's orders, read once (one query, not one per fill); every one the store counts for the run.
  const orders = new Map<string, OrderRecord>();
  for (const o of await store.listOrders(runId, { limit: counts.orders + 1, offset: 0 })) orders.set(o.clientOrderId, o);
  expect(orders.size).toBe(counts.orders);

  // Every fill belongs to a stored order of the run and no order is over-filled; the order rows agree with their fills.
  const byOrder = new Map<string, number>();
  for (const f of fills) byOrder.set(f.orderId, (byOrder.get(f.orderId) ?? 0) + f.qty);
  for (const [id, qty] of byOrder) {
    const o = orders.get(id);
    expect(o, `fill of unknown order ${id}`).toBeDefined();
    expect(qty).toBeLessThanOrEqual(o!.qty + 1e-9);
    expect(o!.filledQty).toBeCloseTo(qty, 9);
  }
  // No intent is left unsent or working after a completed run except at most one per strategy for the final bar.
  const open = await store.loadOpenOrders(runId);
  expect(open.filter((o) => o.status === 'initialized')).toEqual([]);
  expect(open.length).toBeLessThanOrEqual(3);

  // No duplicated intent: each strategy sends at most one order per bar, so its creation times are unique.
  const created = [...byOrder.keys()].map((id) => `${orders.get(id)!.strategyId}@${orders.get(id)!.createdMs}`);
  expect(new Set(created).size).toBe(created.length);
  for (const id of [FLIP_FLOP, COUNTER, 'sma-cross']) expect(fills.some((f) => f.strategyId === id), `${id} traded`).toBe(true);

  // The counter's own state came back after the restarts (each restored start adds one to `loads`; a start
  // killed before its first checkpoint adds nothing), and it kept counting bars.
  const state = (await store.loadStrategyState(runId, COUNTER))?.state as { loads: number; bars: number } | undefined;
  expect(state?.loads ?? 0).toBeGreaterThanOrEqual(KILLS / 4);
  expect(state?.bars ?? 0).toBeGreaterThan(BARS / 2);

  // Positions (the stored snapshots) equal the positions the fills add up to.
  const snapshots = await store.loadPositions(runId);
  const fromFills = await store.positionsFromFills(runId);
  for (const p of fromFills) {
    const snap = snapshots.find((s) => s.strategyId === p.strategyId && s.symbol === p.symbol);
    expect(snap?.qty ?? 0).toBeCloseTo(p.qty, 9);
  }
  let net = 0;
  for (const f of fills) net += f.side === 'buy' ? f.qty : -f.qty;
  expect(fromFills.reduce((s, p) => s + p.qty, 0)).toBeCloseTo(net, 9);
}

