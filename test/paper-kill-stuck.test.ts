// `sextant kill` while a strategy callback loops forever (issue 13: "kill, halt and flatten are also available
// when a strategy is stuck"). The control endpoint is served by the paper process's supervisor (main thread),
// which strategy code cannot block: status answers from the node's last status, marked stuck; a kill does not
// wait for the watchdog (--strategy-timeout 120 here, so it cannot be what saves the run): the supervisor stops the
// stuck node thread, restarts the node on the same run with the stuck strategy failed, runs the kill right after
// the restore (halt, cancel the working order, flatten if asked) and answers with what was done. SIGTERM then ends
// the process gracefully (exit 3: a strategy failed). Real processes, a real embedded store.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNode } from '../src/app/connect-node.ts';
import { ENDPOINT_FILE } from '../src/app/control-endpoint.ts';
import type { NodeStatus } from '../src/app/node-handle.ts';
import { SUPERVISOR_FILE } from '../src/app/state-dir.ts';
import { openStore } from '../src/store/open.ts';
import { fixtureAsJsFile } from './helpers/fixture-as-user-file.ts';
import { cli } from './helpers/in-process-cli.ts';
import { TEST_PG_URL, postgresForTests } from './helpers/postgres.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/sextant.js');
const dir = mkdtempSync(join(tmpdir(), 'sextant-kill-stuck-'));
// test/fixtures/hold-bid-then-loop.ts as a user's JavaScript file: buys 1 BTC-USD, bids far below, then loops in onBar.
const STUCK = fixtureAsJsFile('hold-bid-then-loop.ts');
const pgUp = await postgresForTests('paper kill while stuck');
/** Both runs share one embedded store (a new store costs a CPU-second more than opening one). */
const stateDir = join(dir, 'state');
const env = (db: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  delete e.DATABASE_URL;
  delete e.SEXTANT_DB_SCHEMA;
  return { ...e, ...db };
};

interface Exit { code: number | null; stdout: string; stderr: string; seconds: number }

function start(args: readonly string[], db: NodeJS.ProcessEnv = {}): { child: ChildProcess; exit: Promise<Exit> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(db), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, exit: new Promise((res) => child.on('exit', (code) => res({ code, stdout, stderr, seconds: (Date.now() - t0) / 1000 }))) };
}

/** A live paper node on BTC-USD (300 ms bars, 100 ms ticks) whose strategy loops from its 6th bar; the watchdog waits 120 s. */
const stuckPaper = (runId: string, folder = stateDir, db: NodeJS.ProcessEnv = {}): { child: ChildProcess; exit: Promise<Exit> } =>
  start(['paper', '--strategy', STUCK, '--param', 'at=6', '--symbols', 'BTC-USD', '--bar-ms', '300', '--tick-ms', '100', '--cash', '1000000', '--state-dir', folder, '--run', runId, '--strategy-timeout', '120', '--quiet'], db);

/** Polls the node's status (through its control endpoint) every 250 ms until its strategy is stuck. */
async function stuck(runId: string, folder = stateDir, db: NodeJS.ProcessEnv = {}): Promise<NodeStatus> {
  const end = Date.now() + 60_000;
  for (;;) {
    const s = await connectNode({ stateDir: folder, runId, env: db }).then(async (h) => {
      try {
        return await h.status();
      } finally {
        await h.close();
      }
    }).catch(() => undefined);
    if (s?.supervisor?.state === 'stuck') return s;
    if (Date.now() > end) throw new Error('timed out waiting for the strategy to be stuck');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `sextant status` (in this process) once it shows the failed strategy: the node writes its status file every second. */
async function statusWithFailure(runId: string): Promise<{ code: number; stdout: string }> {
  const end = Date.now() + 15_000;
  for (;;) {
    const st = await cli(['status', '--state-dir', stateDir, '--run', runId]);
    if (/FAILED strategy/.test(st.stdout) || Date.now() > end) return st;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const STOPPED = /strategy .*hold-bid-then-loop.* was stopped: its code had not returned for \d+\.\d s when an operator command came/;

describe('sextant kill while a strategy callback is stuck (embedded store)', () => {
  it('kill --flatten answers in seconds, not after --strategy-timeout: halted, the bid canceled, the position flattened; the run stays up until SIGTERM', async () => {
    const node = stuckPaper('flat');
    let killed: Exit;
    try {
      // The supervisor answers the status query while the node's thread loops: the node's last status, marked stuck.
      const s = await stuck('flat');
      expect(s.supervisor?.message).toMatch(/^strategy .*hold-bid-then-loop.* has not returned from its code for \d+\.\d s$/);
      expect(s.node?.pid).toBe(node.child.pid);
      expect(s.positions.map((p) => [p.symbol, p.qty])).toEqual([['BTC-USD', 1]]);
      expect(s.openOrders).toBe(1);
      expect(s.halted).toBe(false);
      // `sextant status` reads files, not the endpoint: the supervisor's note says the node is stuck, and why.
      const seen = await cli(['status', '--state-dir', stateDir, '--run', 'flat']);
      expect(seen.code).toBe(0);
      expect(seen.stdout).toMatch(/^STUCK at \d{4}-\d\d-\d\dT[\d:.]+Z: strategy .*hold-bid-then-loop.* has not returned from its code for \d+\.\d s \(`sextant kill` still works/m);
      expect(existsSync(join(stateDir, SUPERVISOR_FILE))).toBe(true);

      killed = await start(['kill', '--flatten', '--state-dir', stateDir]).exit;
      expect(killed.stderr).toBe('');
      expect(killed.code).toBe(0);
      expect(killed.stdout).toMatch(new RegExp(`^run "flat" \\(process ${node.child.pid} on [^)]+\\): halted; 1 order canceled; 1 position flattened: BTC-USD 1 @ [\\d.]+\\n$`));
      // Well under the watchdog's 120 s: the supervisor did not wait for it.
      expect(killed.seconds).toBeLessThan(20);

      const st = await statusWithFailure('flat');
      expect(st.code).toBe(0);
      expect(st.stdout).toMatch(/HALTED/);
      expect(st.stdout).toMatch(new RegExp(`FAILED strategy .*hold-bid-then-loop.* ${STOPPED.source}`));
      expect(st.stdout).not.toMatch(/BTC-USD/);
      // The restarted node answers: no note any more.
      expect(st.stdout).not.toMatch(/STUCK|RESTARTING/);
    } finally {
      node.child.kill('SIGTERM');
    }
    const end = await node.exit;
    expect(end.stderr).toMatch(new RegExp(`error: ${STOPPED.source} \\(a command waits at most 2 s for strategy code\\); the node restarts on run "flat" with that strategy stopped and runs the operator's kill before any strategy code`));
    expect(end.stderr).not.toMatch(/did not stop within|stopped at once/);
    expect(end.code).toBe(3);
    expect(existsSync(join(stateDir, ENDPOINT_FILE))).toBe(false);
    expect(existsSync(join(stateDir, SUPERVISOR_FILE))).toBe(false);
    expect(existsSync(join(stateDir, 'db', 'lock'))).toBe(false);

    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, env: {} });
    try {
      const cmds = await store.listCommands('flat');
      expect(cmds.map((c) => [c.kind, c.status, c.node?.pid])).toEqual([['kill', 'done', node.child.pid]]);
      expect(cmds[0]!.requester).toMatch(/^cli:.+ pid \d+$/);
      expect((cmds[0]!.result as { positionsFlattened: { status: string }[] }).positionsFlattened.map((p) => p.status)).toEqual(['filled']);
      expect(await store.getSetting('halted:flat')).toBe(true);
      expect((await store.positionsFromFills('flat')).filter((p) => p.qty !== 0)).toEqual([]);
      expect((await store.loadFills('flat')).map((f) => f.side)).toEqual(['buy', 'sell']);
      expect(await store.loadOpenOrders('flat')).toEqual([]);
    } finally {
      await store.close();
    }
    console.log(`sextant kill --flatten while stuck: ${killed.seconds.toFixed(2)} s from its start to its exit`);
  }, 180_000);

  it('kill without --flatten while stuck: halted, the bid canceled, the position kept', async () => {
    const node = stuckPaper('keep');
    try {
      await stuck('keep');
      const k = await cli(['kill', '--state-dir', stateDir]);
      expect(k.stderr).toBe('');
      expect(k.code).toBe(0);
      expect(k.stdout).toMatch(new RegExp(`^run "keep" \\(process ${node.child.pid} on [^)]+\\): halted; 1 order canceled\\n$`));
      const st = await statusWithFailure('keep');
      expect(st.stdout).toMatch(/HALTED/);
      expect(st.stdout).toMatch(new RegExp(`FAILED strategy .*hold-bid-then-loop.* ${STOPPED.source}`));
      expect(st.stdout).toMatch(/BTC-USD +1 /);
    } finally {
      node.child.kill('SIGTERM');
    }
    const end = await node.exit;
    expect(end.code).toBe(3);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, env: {} });
    try {
      expect((await store.listCommands('keep')).map((c) => [c.kind, c.status])).toEqual([['kill', 'done']]);
      expect(await store.getSetting('halted:keep')).toBe(true);
      expect((await store.positionsFromFills('keep')).map((p) => [p.symbol, p.qty])).toEqual([['BTC-USD', 1]]);
      expect(await store.loadOpenOrders('keep')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 180_000);
});

describe.skipIf(!pgUp)('kill while a strategy callback is stuck, Postgres', () => {
  const schema = `sextant_kill_stuck_${process.pid}`;
  const db = { DATABASE_URL: TEST_PG_URL, SEXTANT_DB_SCHEMA: schema };
  afterAll(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  it("from the node's machine and state folder the kill goes through its supervisor's endpoint (a store row would expire untaken), recorded in the store", async () => {
    const folder = join(dir, 'pg');
    const node = stuckPaper('pg', folder, db);
    try {
      await stuck('pg', folder, db);
      const h = await connectNode({ stateDir: folder, runId: 'pg', env: db });
      try {
        const t0 = Date.now();
        const reply = await h.kill({ flatten: true });
        expect(reply.status).toBe('done');
        expect(reply.message).toMatch(/^halted; 1 order canceled; 1 position flattened: BTC-USD 1 @ [\d.]+$/);
        expect(Date.now() - t0).toBeLessThan(20_000);
      } finally {
        await h.close();
      }
    } finally {
      node.child.kill('SIGTERM');
    }
    const end = await node.exit;
    expect(end.code).toBe(3);
    const store = await openStore({ url: TEST_PG_URL, schema, mustExist: true });
    try {
      expect((await store.listCommands('pg')).map((c) => [c.kind, c.status, c.node?.pid])).toEqual([['kill', 'done', node.child.pid]]);
      expect(await store.getSetting('halted:pg')).toBe(true);
      expect((await store.positionsFromFills('pg')).filter((p) => p.qty !== 0)).toEqual([]);
    } finally {
      await store.close();
    }
  }, 180_000);
});
