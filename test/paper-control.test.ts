// The control channel inside one process: a paper node's NodeHandle (commands recorded in the store and taken by
// the node's CommandProcessor), its control endpoint reached through HttpNodeHandle, subscriptions, and commands
// left pending for an earlier process (never executed by a new start).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/core/errors.ts';
import { connectNode } from '../src/app/connect-node.ts';
import { ENDPOINT_FILE } from '../src/app/control-endpoint.ts';
import type { NodeMessage } from '../src/app/node-handle.ts';
import { startPaper, type PaperRequest } from '../src/app/paper.ts';
import { openStore } from '../src/store/open.ts';

const HOLD_AND_BID = resolve(import.meta.dirname, 'fixtures/hold-and-bid.ts');
const dir = mkdtempSync(join(tmpdir(), 'sextant-control-'));

const live = (stateDir: string, runId: string): PaperRequest => ({
  strategies: [HOLD_AND_BID], symbols: ['BTC-USD', 'ETH-USD'], barMs: 200, tickMs: 50, stateDir, runId, alwaysOpen: true, cash: 1_000_000,
});

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('paper node control (in process)', () => {
  it('kill --flatten through the NodeHandle: halted, working orders canceled, positions flattened at their fill prices; recorded in the store', async () => {
    const stateDir = join(dir, 'local');
    const session = await startPaper(live(stateDir, 'local'));
    const h = session.handle;
    const messages: NodeMessage[] = [];
    const off = await h.subscribe(['status', 'command'], (m) => messages.push(m));
    await until('two positions and two bids', async () => ((await h.positions()).length === 2 && (await h.orders()).length === 2 ? true : undefined));
    const bids = await h.orders();
    const reply = await h.kill({ flatten: true });
    expect(reply.status).toBe('done');
    expect(reply.node).toEqual({ pid: process.pid, host: expect.any(String) });
    const out = reply.outcome!;
    expect(out.halted).toBe(true);
    expect(out.ordersCanceled.map((o) => o.clientOrderId).sort()).toEqual(bids.map((o) => o.clientOrderId).sort());
    expect(bids.map((o) => [o.type, o.side, o.status])).toEqual([['limit', 'buy', 'accepted'], ['limit', 'buy', 'accepted']]);
    expect(out.positionsFlattened.map((p) => [p.symbol, p.qty, p.status, p.filledQty])).toEqual([['BTC-USD', 1, 'filled', 1], ['ETH-USD', 1, 'filled', 1]]);
    expect(reply.message).toMatch(/^halted; 2 orders canceled; 2 positions flattened: BTC-USD 1 @ [\d.]+, ETH-USD 1 @ [\d.]+$/);
    expect(await h.positions()).toEqual([]);
    expect(await h.orders()).toEqual([]);
    expect((await h.status()).halted).toBe(true);
    // Halted: no new bid, no new buy.
    await new Promise((r) => setTimeout(r, 400));
    expect(await h.orders()).toEqual([]);
    const resumed = await h.resume();
    expect(resumed).toMatchObject({ status: 'done', message: 'resumed: trading again' });
    await until('a bid again after resume', async () => ((await h.orders()).length > 0 ? true : undefined));
    await until('a status message', () => (messages.some((m) => m.topic === 'status') ? true : undefined));
    expect(messages.filter((m) => m.topic === 'command').map((m) => m.topic === 'command' && [m.command.kind, m.command.status])).toEqual([['kill', 'done'], ['resume', 'done']]);
    off();
    const stopped = await h.stop();
    expect(stopped).toMatchObject({ status: 'done', kind: 'stop' });
    await session.done;
    expect(existsSync(join(stateDir, ENDPOINT_FILE))).toBe(false);
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true });
    const cmds = await store.listCommands('local');
    const run = await store.getRun('local');
    await store.close();
    expect(cmds.map((c) => [c.kind, c.status, c.node?.pid])).toEqual([['kill', 'done', process.pid], ['resume', 'done', process.pid], ['stop', 'done', process.pid]]);
    expect(cmds[0]!.args).toEqual({ flatten: true });
    expect((cmds[0]!.result as { positionsFlattened: unknown[] }).positionsFlattened).toHaveLength(2);
    expect(run?.status).toBe('stopped');
  }, 60_000);

  it('over the control endpoint (another process\'s view): status, orders, kill; a wrong token or run is refused', async () => {
    const stateDir = join(dir, 'http');
    const session = await startPaper(live(stateDir, 'http'));
    try {
      const file = JSON.parse(readFileSync(join(stateDir, ENDPOINT_FILE), 'utf8')) as { url: string; token: string; runId: string };
      expect(file.runId).toBe('http');
      const bad = await fetch(`${file.url}/status`, { headers: { authorization: 'Bearer nope' } });
      expect(bad.status).toBe(401);
      const invalid = await fetch(`${file.url}/commands`, { method: 'POST', headers: { authorization: `Bearer ${file.token}` }, body: JSON.stringify({ kind: 'explode' }) });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { field: string }).field).toBe('command.kind');
      // A request that reaches the node after its deadline is recorded expired, never executed.
      const late = await fetch(`${file.url}/commands`, {
        method: 'POST', headers: { authorization: `Bearer ${file.token}` },
        body: JSON.stringify({ kind: 'kill', args: { flatten: true }, requester: 'test', requestedMs: Date.now() - 10_000, expiresMs: Date.now() - 5_000 }),
      });
      expect(await late.json()).toMatchObject({ status: 'expired', kind: 'kill' });
      await expect(connectNode({ stateDir, runId: 'other' })).rejects.toThrow(/no running node for run "other" .*trades run "http"/);
      const h = await connectNode({ stateDir });
      expect(h.runId).toBe('http');
      await until('positions', async () => ((await h.positions()).length === 2 ? true : undefined));
      expect((await h.status()).halted).toBe(false);
      const seen: NodeMessage[] = [];
      const off = await h.subscribe(['status', 'command'], (m) => seen.push(m));
      const reply = await h.kill();
      expect(reply).toMatchObject({ status: 'done', kind: 'kill', node: { pid: process.pid } });
      await until('a status and the kill as events', () => (seen.some((m) => m.topic === 'status') && seen.some((m) => m.topic === 'command') ? true : undefined));
      off();
      expect(seen.filter((m) => m.topic === 'command').map((m) => m.topic === 'command' && m.command.id)).toEqual([reply.id]);
      expect(reply.message).toMatch(/^halted; 2 orders canceled$/);
      expect(reply.outcome?.positionsFlattened).toEqual([]);
      expect((await h.positions()).length).toBe(2);
      await h.close();
    } finally {
      await session.stop();
      await session.done;
    }
  }, 60_000);

  it('a command left pending for an earlier process expires at the next start, unexecuted', async () => {
    const stateDir = join(dir, 'leftover');
    const first = await startPaper({ ...live(stateDir, 'leftover'), durationSec: 1 });
    await first.done;
    const store = await openStore({ dir: join(stateDir, 'db'), mustExist: true });
    const positionsBefore = (await store.positionsFromFills('leftover')).filter((p) => p.qty !== 0).length;
    const left = await store.submitCommand({ runId: 'leftover', kind: 'kill', args: { flatten: true }, requester: 'a dead requester', expiresMs: Date.now() + 3_600_000 });
    await store.close();
    expect(positionsBefore).toBe(2);
    const second = await startPaper({ ...live(stateDir, 'leftover'), durationSec: 1 });
    expect((await second.handle.status()).halted).toBe(false);
    await second.done;
    const after = await openStore({ dir: join(stateDir, 'db'), mustExist: true });
    const cmd = await after.getCommand(left.id);
    const positions = (await after.positionsFromFills('leftover')).filter((p) => p.qty !== 0);
    const halted = await after.getSetting('halted:leftover');
    await after.close();
    expect(cmd?.status).toBe('expired');
    expect((cmd?.result as { message: string }).message).toMatch(/requested before the node \(process \d+ on .+\) started; a new start never executes old commands/);
    expect(positions.length).toBe(2);
    expect(halted).not.toBe(true);
  }, 60_000);

  it('no node: a missing folder, a folder without a running node; errors name fields', async () => {
    const missing = join(dir, 'no-such-dir');
    const e = await connectNode({ stateDir: missing }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).where.field).toBe('stateDir');
    expect((e as ConfigError).message).toMatch(/no running node: .*no-such-dir does not exist/);
    expect(existsSync(missing)).toBe(false);
    await expect(connectNode({ stateDir: join(dir, 'leftover'), runId: 'leftover' })).rejects.toThrow(/no running node for run "leftover" in .*: its store is not open in any paper process/);
  }, 30_000);
});
