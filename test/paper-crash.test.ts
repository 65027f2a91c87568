// Crash safety of paper trading: a paper process replaying history is killed with SIGKILL at random
// moments (20 times), restarted each time, and finally allowed to finish. The store must then show no
// lost or duplicated order, every working order re-sent after a restart, and positions equal to the
// fills. Runs on the embedded store (PGlite) and on Postgres at 127.0.0.1:5432.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { openStore } from '../src/store/open.ts';
import type { Store } from '../src/store/store.ts';

const ROOT = resolve(import.meta.dirname, '..');
const KILLS = 20;
const BARS = 4000;
// Daily bars paced at 5 ms each (86,400,000 ms a day / 5): long enough that every kill lands mid-run.
const SPEED = String(86_400_000 / 5);
const PG_ADMIN = process.env.SEXTANT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
  return spawn(process.execPath, [join(ROOT, 'bin/sextant.js'), 'paper', '--strategy', join(ROOT, 'test/fixtures/flip-flop.ts'), '--replay', `csv:${csv}`, '--speed', speed, '--run', 'crash', '--state-dir', stateDir, '--quiet'], {
    cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
}

async function crashAndRecover(stateDir: string, env: NodeJS.ProcessEnv): Promise<{ killed: number }> {
  const csv = writeBars(stateDir);
  const rng = new Rng(2024);
  let killed = 0;
  for (let k = 0; k < KILLS; k++) {
    const child = startPaper(stateDir, csv, env);
    const done = exited(child);
    // Random moments after start-up, so kills land in restore, trading and flushing alike.
    const delay = 1000 + Math.floor(rng.next() * 1500);
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const r = await done;
    clearTimeout(timer);
    if (r.signal === 'SIGKILL') killed++;
    else expect(r.code, r.stderr).toBe(0);
  }
  // The rest of the replay runs uninterrupted, as fast as the order path allows.
  const last = await exited(startPaper(stateDir, csv, env, 'max'));
  expect(last.code, last.stderr).toBe(0);
  return { killed };
}

async function assertConsistent(store: Store): Promise<void> {
  const runId = 'crash';
  const run = await store.getRun(runId);
  expect(run?.status).toBe('completed');
  const fills = await store.loadFills(runId);
  const counts = (await store.counts()).byRun.find((r) => r.runId === runId)!;
  expect(counts.orders).toBeGreaterThan(50);
  expect(fills.length).toBeGreaterThan(50);

  // Every fill belongs to a stored order and no order is over-filled; the order rows agree with their fills.
  const byOrder = new Map<string, number>();
  for (const f of fills) byOrder.set(f.orderId, (byOrder.get(f.orderId) ?? 0) + f.qty);
  for (const [id, qty] of byOrder) {
    const o = await store.getOrder(id);
    expect(o, `fill of unknown order ${id}`).not.toBeNull();
    expect(qty).toBeLessThanOrEqual(o!.qty + 1e-9);
    expect(o!.filledQty).toBeCloseTo(qty, 9);
  }
  // No intent is left unsent or working after a completed run except at most one for the final bar.
  const open = await store.loadOpenOrders(runId);
  expect(open.filter((o) => o.status === 'initialized')).toEqual([]);
  expect(open.length).toBeLessThanOrEqual(1);

  // No duplicated intent: the strategy sends at most one order per bar, so creation times are unique.
  const ids = new Set(fills.map((f) => f.orderId));
  const created = await Promise.all([...ids].map(async (id) => (await store.getOrder(id))!.createdMs));
  expect(new Set(created).size).toBe(created.length);

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

describe('paper trading survives SIGKILL', () => {
  it(`loses and duplicates nothing across ${KILLS} kills on the embedded store (PGlite)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-crash-pglite-'));
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const { killed } = await crashAndRecover(dir, env);
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const store = await openStore({ dir: join(dir, 'db'), env: {} });
    try {
      await assertConsistent(store);
    } finally {
      await store.close();
    }
  }, 600_000);

  const dbName = `sextant_crash_${process.pid}`;
  let admin: pg.Client | null = null;
  afterAll(async () => {
    if (admin !== null) {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  });

  it(`loses and duplicates nothing across ${KILLS} kills on Postgres`, async () => {
    admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${dbName}`;
    const dir = mkdtempSync(join(tmpdir(), 'sextant-crash-pg-'));
    const { killed } = await crashAndRecover(dir, { ...process.env, DATABASE_URL: url.toString() });
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const store = await openStore({ url: url.toString() });
    try {
      await assertConsistent(store);
    } finally {
      await store.close();
    }
  }, 600_000);
});
