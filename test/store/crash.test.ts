// Kill -9 in the middle of writing: every batch acknowledged by flush() survives, no batch is
// half-written, stored positions equal the positions recomputed from the stored fills, and
// replaying everything from the start duplicates nothing. Run on PGlite (disk) and on Postgres.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type OpenStoreOptions } from '../../src/store/open.ts';
import { batches, ORDERS_PER_BATCH } from './crash-data.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const PG_URL = TEST_PG_URL;
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

const pgUp = await postgresForTests('crash test');

/** Runs the child until it has acknowledged `killAfter` + 1 batches, then SIGKILLs it. */
function runAndKill(args: string[], killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const m of out.matchAll(/flushed (\d+)\n/g)) acked = Math.max(acked, Number(m[1]));
      if (acked >= killAfter && p.exitCode === null) p.kill('SIGKILL');
    });
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    // 'exit' after SIGKILL: the process is gone (and reaped), so its lock is stale.
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child exited (${code}): ${err}`))));
  });
}

function crashCase(name: string, target: () => { args: (runId: string) => string[]; opts: OpenStoreOptions; cleanup: () => Promise<void> }): void {
  const t = target();
  afterAll(() => t.cleanup());
  it(`${name}: keeps every acknowledged batch after kill -9, whole batches only, and replays without duplicates`, async () => {
    const runId = `crash-${process.pid}`;
    const acked = await runAndKill(t.args(runId), 3);
    expect(acked).toBeGreaterThanOrEqual(3);

    const store = await openStore(t.opts);
    try {
      const c = (await store.counts()).byRun.find((r) => r.runId === runId)!;
      // At least what was acknowledged; at most one more batch (committed before the ack was read).
      const complete = c.orders / ORDERS_PER_BATCH;
      expect(Number.isInteger(complete)).toBe(true);
      expect(complete).toBeGreaterThanOrEqual(acked + 1);
      expect(c).toEqual({ runId, orders: complete * ORDERS_PER_BATCH, orderEvents: complete * ORDERS_PER_BATCH * 2, fills: complete * ORDERS_PER_BATCH, equity: complete, riskEvents: 0 });

      const fromFills = await store.positionsFromFills(runId);
      const snapshots = await store.loadPositions(runId);
      expect(snapshots.map((p) => [p.symbol, p.qty])).toEqual(fromFills.map((p) => [p.symbol, p.qty]));
      for (let i = 0; i < snapshots.length; i++) {
        expect(snapshots[i]!.avgPrice).toBeCloseTo(fromFills[i]!.avgPrice, 9);
        expect(snapshots[i]!.realizedPnl).toBeCloseTo(fromFills[i]!.realizedPnl, 9);
      }

      // A restart that replays everything from the beginning (and one batch more) duplicates nothing.
      for (const b of batches(runId, complete + 1)) await store.write(b);
      const after = (await store.counts()).byRun.find((r) => r.runId === runId)!;
      expect(after.orders).toBe((complete + 1) * ORDERS_PER_BATCH);
      expect(after.fills).toBe((complete + 1) * ORDERS_PER_BATCH);
      expect(after.orderEvents).toBe((complete + 1) * ORDERS_PER_BATCH * 2);
    } finally {
      await store.close();
    }
  });
}

describe('store crash safety', () => {
  crashCase('PGlite on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-crash-'));
    const db = join(dir, 'db');
    return { args: (runId: string) => [db, runId], opts: { dir: db, env: {} }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

describe.skipIf(!pgUp)(`store crash safety on Postgres${pgUp ? '' : ` (SKIPPED: no server at ${PG_URL})`}`, () => {
  crashCase('Postgres', () => {
    const schema = `sextant_crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    return {
      args: (runId: string) => [PG_URL, runId, schema],
      opts: { url: PG_URL, schema },
      cleanup: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
      },
    };
  });
});
