// `sextant kill` against real paper processes (issue 13, fault 1: "the kill switch can lie"): with no process
// running, a mistyped --state-dir or a stale endpoint left by a SIGKILLed process it exits 2 and leaves nothing
// behind that a later start would execute; with a running node (embedded store and Postgres) it prints what the
// node did: orders canceled, positions flattened with their fill prices.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNode } from '../src/app/connect-node.ts';
import { ENDPOINT_FILE } from '../src/app/control-endpoint.ts';
import { openStore } from '../src/store/open.ts';
import { writeWalkCsv } from './helpers/bars.ts';
import { fixtureAsJsFile } from './helpers/fixture-as-user-file.ts';
import { TEST_PG_URL, postgresForTests } from './helpers/postgres.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/sextant.js');
const dir = mkdtempSync(join(tmpdir(), 'sextant-kill-'));
// test/fixtures/hold-and-bid.ts as a user's JavaScript file importing 'sextant': each start of a paper node
// (three of them, and two resumes of their runs) loads neither tsx nor the source tree for it.
const HOLD_AND_BID = fixtureAsJsFile('hold-and-bid.ts');
const pgUp = await postgresForTests('paper kill');

type Env = Record<string, string | undefined>;
const pgliteEnv = (): Env => {
  const env: Env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
};

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function exited(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stdout, stderr })));
}

function start(args: readonly string[], env: Env): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, exit: exited(child) };
}

const sextant = (args: readonly string[], env: Env): Promise<Exit> => start(args, env).exit;

/**
 * `sextant <args>` run in this process through the CLI's main (bin/sextant.js sets its return as the exit code):
 * the same parsing, output and exit code without a process start (a spawned `sextant kill` costs a CPU-second).
 * The paper nodes are processes (what is killed, SIGKILLed and restarted); of the `sextant kill` commands, the
 * first one against a running node (embedded store) runs as a process too, from the command line to its exit code
 * and its pid as the recorded requester; the others run here. `env` holds DATABASE_URL and SEXTANT_DB_SCHEMA, if any.
 */
async function cliHere(args: readonly string[], env: Env): Promise<Exit> {
  const { main } = await import('../src/cli/main.ts');
  const saved = { url: process.env.DATABASE_URL, schema: process.env.SEXTANT_DB_SCHEMA };
  const set = (k: string, v: string | undefined): void => {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  set('DATABASE_URL', env.DATABASE_URL);
  set('SEXTANT_DB_SCHEMA', env.SEXTANT_DB_SCHEMA);
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, (l) => (stdout += `${l}\n`), (l) => (stderr += `${l}\n`));
    return { code, signal: null, stdout, stderr };
  } finally {
    set('DATABASE_URL', saved.url);
    set('SEXTANT_DB_SCHEMA', saved.schema);
  }
}

/**
 * A live paper node trading HoldAndBid on two crypto symbols (24/7): it soon holds 1 of each and bids far below.
 * Bars of 400 ms and ticks of 100 ms: the node trades for the whole test (tens of seconds on a loaded machine),
 * and a quarter of 100 ms bars' and 25 ms ticks' work is enough for everything checked here.
 */
const livePaper = (stateDir: string, runId: string, env: Env, extra: readonly string[] = []): { child: ChildProcess; exit: Promise<Exit> } =>
  start(['paper', '--strategy', HOLD_AND_BID, '--symbols', 'BTC-USD,ETH-USD', '--bar-ms', '400', '--tick-ms', '100', '--cash', '1000000', '--state-dir', stateDir, '--run', runId, '--quiet', ...extra], env);

/**
 * Polls `f` every 250 ms until it gives a value. Each try of trading() below connects to the node (on Postgres: opens
 * the store) through the node's whole start-up: more often would only make both processes work while they wait.
 */
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until the node of `runId` holds both positions and has both bids working. */
async function trading(opts: { stateDir: string; runId: string; env: Env }): Promise<void> {
  await until('two positions and two working bids', async () => {
    const h = await connectNode({ stateDir: opts.stateDir, runId: opts.runId, env: opts.env });
    try {
      return (await h.positions()).length === 2 && (await h.orders()).length === 2 ? true : undefined;
    } finally {
      await h.close();
    }
  });
}

const FLATTENED = /: halted; 2 orders canceled; 2 positions flattened: BTC-USD 1 @ [\d.]+, ETH-USD 1 @ [\d.]+\n$/;

describe('sextant kill, embedded store (PGlite)', () => {
  it('with no process running, or a mistyped --state-dir: exit 2, nothing recorded, and the next start does not halt or flatten', async () => {
    const env = pgliteEnv();
    const stateDir = join(dir, 'idle');
    const csv = writeWalkCsv(join(dir, 'idle.csv'), 60, 3, Date.UTC(2001, 0, 1));
    const first = await sextant(['paper', '--strategy', 'buy-and-hold', '--replay', `csv:${csv}`, '--speed', 'max', '--state-dir', stateDir, '--run', 'idle', '--quiet'], env);
    expect(first.code).toBe(0);
    const k = await cliHere(['kill', '--flatten', '--state-dir', stateDir], env);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/sextant kill: field "--state-dir": no running node in .*idle: its store is not open in any paper process/);
    expect(k.stdout).toBe('');
    const typo = join(dir, 'idel');
    const t = await cliHere(['kill', '--flatten', '--state-dir', typo], env);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/no running node: .*idel does not exist/);
    expect(existsSync(typo)).toBe(false);
    // The next start trades as before: not halted, nothing flattened, no command in the store.
    const again = await sextant(['paper', '--replay', `csv:${csv}`, '--speed', 'max', '--state-dir', stateDir, '--run', 'idle', '--quiet'], env);
    expect(again.code).toBe(0);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, env: {} });
    try {
      expect(await store.listCommands('idle')).toEqual([]);
      expect(await store.getSetting('halted:idle')).not.toBe(true);
      expect((await store.loadRiskEvents('idle')).filter((e) => e.kind === 'kill-switch')).toEqual([]);
      const fills = await store.loadFills('idle');
      expect(fills.map((f) => f.side)).toEqual(['buy']);
    } finally {
      await store.close();
    }
  }, 180_000);

  it('a running node: kill --flatten prints what it did; --resume; another run is "no running node"; every command is recorded', async () => {
    const env = pgliteEnv();
    const stateDir = join(dir, 'running');
    const node = livePaper(stateDir, 'k1', env);
    try {
      await trading({ stateDir, runId: 'k1', env });
      const k = await sextant(['kill', '--flatten', '--state-dir', stateDir], env);
      expect(k.stderr).toBe('');
      expect(k.code).toBe(0);
      expect(k.stdout).toMatch(new RegExp(`^run "k1" \\(process ${node.child.pid} on [^)]+\\)${FLATTENED.source}`));
      const other = await cliHere(['kill', '--run', 'nope', '--state-dir', stateDir], env);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/field "--run": no running node for run "nope" in .*: the paper process there \(pid \d+\) trades run "k1"/);
      const r = await cliHere(['kill', '--resume', '--run', 'k1', '--state-dir', stateDir], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/: resumed: trading again\n$/);
    } finally {
      node.child.kill('SIGTERM');
    }
    const end = await node.exit;
    expect(end.code).toBe(0);
    expect(existsSync(join(stateDir, ENDPOINT_FILE))).toBe(false);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, env: {} });
    try {
      const cmds = await store.listCommands('k1');
      expect(cmds.map((c) => [c.kind, c.status, c.node?.pid])).toEqual([['kill', 'done', node.child.pid], ['resume', 'done', node.child.pid]]);
      expect(cmds[0]!.requester).toMatch(/^cli:.+ pid \d+$/);
      const sells = (await store.loadFills('k1')).filter((f) => f.side === 'sell');
      expect(sells.map((f) => f.symbol).sort()).toEqual(['BTC-USD', 'ETH-USD']);
    } finally {
      await store.close();
    }
  }, 240_000);

  it('a stale endpoint left by a SIGKILLed node: exit 2 naming it, the file removed, the next start neither halts nor flattens', async () => {
    const env = pgliteEnv();
    const stateDir = join(dir, 'stale');
    const node = livePaper(stateDir, 'stale', env);
    await trading({ stateDir, runId: 'stale', env });
    node.child.kill('SIGKILL');
    await node.exit;
    expect(existsSync(join(stateDir, ENDPOINT_FILE))).toBe(true);
    const k = await cliHere(['kill', '--flatten', '--state-dir', stateDir], env);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(new RegExp(`no running node for run "stale" in .*: the process that served it \\(pid ${node.child.pid}\\) has ended \\(killed or crashed\\); removed its stale endpoint file`));
    expect(existsSync(join(stateDir, ENDPOINT_FILE))).toBe(false);
    const again = await sextant(['paper', '--state-dir', stateDir, '--run', 'stale', '--duration', '1', '--quiet'], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true, env: {} });
    try {
      expect(await store.listCommands('stale')).toEqual([]);
      expect(await store.getSetting('halted:stale')).not.toBe(true);
      expect((await store.loadFills('stale')).filter((f) => f.side === 'sell')).toEqual([]);
      expect((await store.positionsFromFills('stale')).map((p) => [p.symbol, p.qty])).toEqual([['BTC-USD', 1], ['ETH-USD', 1]]);
    } finally {
      await store.close();
    }
  }, 240_000);
});

describe.skipIf(!pgUp)('sextant kill, Postgres', () => {
  const schema = `sextant_kill_${process.pid}`;
  const env: Env = { ...process.env, DATABASE_URL: TEST_PG_URL, SEXTANT_DB_SCHEMA: schema };
  afterAll(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  it('a running node takes the command row and answers; no node, an unknown run or a killed node: exit 2 and nothing left pending', async () => {
    const stateDir = join(dir, 'pg');
    const node = livePaper(stateDir, 'k2', env);
    try {
      await trading({ stateDir, runId: 'k2', env });
      // Another folder: on Postgres the store is what matters, not the folder.
      const k = await cliHere(['kill', '--flatten', '--run', 'k2', '--state-dir', join(dir, 'elsewhere')], env);
      expect(k.stderr).toBe('');
      expect(k.code).toBe(0);
      expect(k.stdout).toMatch(new RegExp(`^run "k2" \\(process ${node.child.pid} on [^)]+\\)${FLATTENED.source}`));
      const ghost = await cliHere(['kill', '--run', 'ghost'], env);
      expect(ghost.code).toBe(2);
      expect(ghost.stderr).toMatch(/field "--run": no running node for run "ghost": .* has no run "ghost"/);
      // Without --run: the one running node.
      const r = await cliHere(['kill', '--resume'], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^run "k2" .*: resumed: trading again\n$/);
    } finally {
      node.child.kill('SIGKILL');
    }
    await node.exit;
    const k = await cliHere(['kill', '--flatten', '--run', 'k2'], env);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/no running node for run "k2" on .*: no process owns it \(stored status: running\)/);
    const none = await cliHere(['kill'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no running node on .*: no process owns a run/);
    const store = await openStore({ url: TEST_PG_URL, schema, mustExist: true });
    try {
      const cmds = await store.listCommands('k2');
      expect(cmds.map((c) => [c.kind, c.status, c.node?.pid])).toEqual([['kill', 'done', node.child.pid], ['resume', 'done', node.child.pid]]);
      expect((cmds[0]!.result as { positionsFlattened: { status: string }[] }).positionsFlattened.map((p) => p.status)).toEqual(['filled', 'filled']);
    } finally {
      await store.close();
    }
    // The next start does not execute anything old and trades on.
    const again = await sextant(['paper', '--run', 'k2', '--state-dir', stateDir, '--duration', '1', '--quiet'], env);
    expect(again.code).toBe(0);
    const after = await openStore({ url: TEST_PG_URL, schema, mustExist: true });
    try {
      expect((await after.listCommands('k2')).filter((c) => c.status === 'pending' || c.status === 'acknowledged')).toEqual([]);
      expect(await after.getSetting('halted:k2')).toBe(false);
    } finally {
      await after.close();
    }
  }, 240_000);
});
