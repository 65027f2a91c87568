// StoreNodeHandle (a node owning a run in a shared Postgres store): a command no node takes expires after its
// deadline and is never executed later; one the node takes is answered from the same row. The "node" here is a
// CommandProcessor over a stub executor in this process, so the timing of take and answer is the test's own.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandProcessor } from '../src/app/command-processor.ts';
import { COMMAND_TTL_MS, type NodeMessage } from '../src/app/node-handle.ts';
import { StoreNodeHandle } from '../src/app/remote-node-handle.ts';
import { openStore } from '../src/store/open.ts';
import { TEST_PG_URL, postgresForTests } from './helpers/postgres.ts';

const pgUp = await postgresForTests('node handle over the store');
const schema = `sextant_handle_${process.pid}`;

describe.skipIf(!pgUp)('StoreNodeHandle on Postgres', () => {
  afterAll(async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  it('a command the owner does not take expires after its deadline and is never executed; a taken one is answered', async () => {
    const owner = await openStore({ url: TEST_PG_URL, schema });
    await owner.startRun({ id: 'r', kind: 'paper' });
    await owner.lockRun('r');
    const executed: string[] = [];
    const processor = new CommandProcessor(owner, 'r', {
      execute: (kind) => {
        executed.push(kind);
        return Promise.resolve({ message: `did ${kind}`, halted: kind === 'kill', ordersCanceled: [], positionsFlattened: [] });
      },
    }, { node: { pid: process.pid, host: 'test-node' } });
    const requester = await openStore({ url: TEST_PG_URL, schema });
    const h = new StoreNodeHandle(requester, 'r', { requester: 'test' });
    try {
      // The owner holds the run but takes nothing (stuck): the requester gives up at the deadline.
      const t0 = Date.now();
      const late = await h.kill({ flatten: true });
      expect(late.status).toBe('expired');
      expect(late.message).toBe(`expired: no node took it within ${COMMAND_TTL_MS / 1000} s`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(COMMAND_TTL_MS);
      // The node comes back: the expired command is not executed, a new one is.
      await processor.start();
      const messages: NodeMessage[] = [];
      const off = await h.subscribe(['command'], (m) => messages.push(m));
      const reply = await h.resume();
      expect(reply).toMatchObject({ status: 'done', kind: 'resume', node: { pid: process.pid, host: 'test-node' }, message: 'did resume' });
      expect(executed).toEqual(['resume']);
      for (let i = 0; i < 40 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      off();
      expect(messages.map((m) => m.topic === 'command' && m.command.kind)).toEqual(['resume']);
      expect((await owner.listCommands('r')).map((c) => [c.kind, c.status])).toEqual([['kill', 'expired'], ['resume', 'done']]);
      expect((await h.status()).node).toMatchObject({ pid: process.pid });
    } finally {
      await processor.close();
      await h.close();
      await owner.close();
    }
  }, 60_000);
});
