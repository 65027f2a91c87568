// The audit trail in a real store, on PGlite and on Postgres: trading rows are audited once, in their
// transaction (a replayed batch adds nothing); runs and operator commands are audited; the database refuses
// UPDATE, DELETE and TRUNCATE; 1,000 random tamperings through a superuser connection (triggers off) are each
// reported at the entry they touched; two writers on one Postgres database make one valid chain.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditRow } from '../../src/store/audit/index.ts';
import { openDriver, type OpenStoreOptions } from '../../src/store/open.ts';
import type { SqlDriver } from '../../src/store/sql.ts';
import { createSqlStore } from '../../src/store/sql-store.ts';
import type { FillInput, OrderEventInput, OrderInput, Store, WriteBatch } from '../../src/store/store.ts';
import { expectedProblem, tamperArb, tamperSql } from '../helpers/audit-tamper.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const pgUp = await postgresForTests('audit-trail');
const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  const db = await openDriver({ url: TEST_PG_URL });
  for (const s of schemas) await db.exec(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await db.close();
});

const T0 = Date.UTC(2026, 9, 1, 13, 30);
const RUN = 'audited';
const TAMPERINGS = 1000;

const order = (i: number, over: Partial<OrderInput> = {}): OrderInput => ({
  clientOrderId: `${RUN}-${i}`, runId: RUN, strategyId: i % 2 === 0 ? 'sma' : 'rsi', symbol: i % 3 === 0 ? 'MSFT' : 'AAPL', side: i % 2 === 0 ? 'buy' : 'sell',
  type: i % 4 === 0 ? 'limit' : 'market', qty: 10 + i, ...(i % 4 === 0 ? { limitPrice: 100 + i / 4 } : {}), createdMs: T0 + i * 60_000, ...over,
});
const ev = (o: OrderInput, seq: number, type: OrderEventInput['type'], status: OrderEventInput['status'], over: Partial<OrderEventInput> = {}): OrderEventInput => ({ orderId: o.clientOrderId, seq, type, status, tsMs: o.createdMs + seq, ...over });
const fill = (o: OrderInput): FillInput => ({
  fillId: `${o.clientOrderId}#1`, orderId: o.clientOrderId, seq: 1, runId: RUN, strategyId: o.strategyId, symbol: o.symbol, side: o.side, qty: o.qty, price: 100.25, commission: 0.5, liquidity: 'taker', tsMs: o.createdMs + 3,
});

/** A trading day's batches: 12 orders (one denied by a limit, one canceled), their events and fills, a breaker trip. */
function batches(): WriteBatch[] {
  const out: WriteBatch[] = [];
  for (let i = 0; i < 12; i++) {
    const o = order(i);
    if (i === 5) {
      out.push({ orders: [{ ...o, status: 'denied' }], orderEvents: [ev(o, 1, 'OrderDenied', 'denied', { reason: 'max-order-size: 15 AAPL is above the limit of 14' })] });
      continue;
    }
    const canceled = i === 7;
    out.push({ orders: [o], orderEvents: [ev(o, 1, 'OrderSubmitted', 'submitted'), ev(o, 2, 'OrderAccepted', 'accepted')] });
    out.push(canceled
      ? { orderEvents: [ev(o, 3, 'OrderCanceled', 'canceled', { reason: 'strategy' })] }
      : { orderEvents: [ev(o, 3, 'OrderFilled', 'filled', { filledQty: o.qty, avgFillPrice: 100.25 })], fills: [fill(o)] });
  }
  out.push({ riskEvents: [{ runId: RUN, tsMs: T0 + 13 * 60_000, kind: 'breaker-trip', reason: 'daily-loss: -2.1% below -2%' }] });
  return out;
}

async function seed(store: Store): Promise<void> {
  await store.startRun({ id: RUN, kind: 'paper', config: { strategies: ['sma', 'rsi'], symbols: ['AAPL', 'MSFT'] }, startedMs: T0 });
  for (const b of batches()) await store.write(b);
  const cmd = await store.submitCommand({ runId: RUN, kind: 'kill', args: { flatten: true }, requester: 'token:0123456789abcdef', requestedMs: T0 + 14 * 60_000, expiresMs: T0 + 15 * 60_000 });
  await store.takeCommands(RUN, { pid: 1, host: 'h' }, T0 + 14 * 60_000 + 100);
  await store.finishCommand(cmd.id, 'done', { canceled: 0, flattened: 2 }, T0 + 14 * 60_000 + 500);
  await store.audit.append([{ tsMs: T0 + 16 * 60_000, actorKind: 'user', actor: 'alice', source: '10.0.0.7', kind: 'api.PUT /api/v1/bots/:id/risk', payload: { target: 'bot1', body: { maxOrderNotional: 5000 } } }]);
  await store.endRun(RUN, 'stopped', T0 + 17 * 60_000);
}

function contract(name: string, opts: () => OpenStoreOptions): void {
  describe(name, () => {
    let db: SqlDriver;
    let store: Store;
    let rows: (AuditRow & Record<string, unknown>)[];
    beforeAll(async () => {
      db = await openDriver(opts());
      store = await createSqlStore(db);
      await seed(store);
      rows = (await db.query<AuditRow & Record<string, unknown>>('SELECT * FROM audit ORDER BY seq')).rows;
    });
    afterAll(async () => store.close());

    it('audits every intent, order event, fill, risk event, run change and command once, in time order, with who did it', async () => {
      const all = await store.audit.list({ limit: 1000 });
      const kinds = all.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'order.intent')).toHaveLength(12);
      expect(kinds.filter((k) => k === 'fill')).toHaveLength(10);
      expect(kinds.filter((k) => k === 'order.filled')).toHaveLength(10);
      expect(kinds.filter((k) => k === 'order.canceled')).toHaveLength(1);
      expect([kinds[0], kinds.at(-1)]).toEqual(['run.start', 'run.end']);
      expect(kinds.slice(-5)).toEqual(['risk.breaker-trip', 'command.requested', 'command.done', 'api.PUT /api/v1/bots/:id/risk', 'run.end']);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      const denied = all.find((e) => e.kind === 'order.denied')!;
      expect(denied).toMatchObject({ actorKind: 'system', actor: 'risk', runId: RUN, symbol: 'AAPL', payload: { clientOrderId: `${RUN}-5`, code: 'max-order-size', reason: 'max-order-size: 15 AAPL is above the limit of 14', strategyId: 'rsi' } });
      expect(all.find((e) => e.kind === 'order.intent' && (e.payload as { clientOrderId: string }).clientOrderId === `${RUN}-4`)).toMatchObject({ actorKind: 'strategy', actor: 'sma', source: `run:${RUN}`, symbol: 'AAPL', payload: { side: 'buy', type: 'limit', qty: 14, limitPrice: 101, tif: 'GTC' } });
      expect(all.find((e) => e.kind === 'fill' && e.symbol === 'MSFT')).toMatchObject({ actorKind: 'system', actor: 'venue', payload: { clientOrderId: `${RUN}-0`, qty: 10, price: 100.25, commission: 0.5 } });
      expect(all.find((e) => e.kind === 'command.requested')).toMatchObject({ actorKind: 'token', actor: '0123456789abcdef', payload: { command: 'kill', args: { flatten: true }, status: 'pending' } });
      expect(all.find((e) => e.kind === 'command.done')).toMatchObject({ actorKind: 'system', payload: { status: 'done', result: { flattened: 2 }, node: { pid: 1, host: 'h' } } });
      for (let i = 1; i < all.length; i++) expect(all[i]!.tsMs).toBeGreaterThanOrEqual(all[i - 1]!.tsMs);
      expect(await store.audit.list({ limit: 100, kind: 'order.', symbol: 'MSFT' })).toHaveLength(4 * 3 + 4);
    });

    it('a replayed batch (a restart writing its rows again) adds no entry', async () => {
      const before = await store.audit.head();
      const b = batches()[1]!;
      await store.write(b);
      expect(await store.audit.head()).toEqual(before);
    });

    it('the database refuses UPDATE, DELETE and TRUNCATE of the audit table', async () => {
      for (const sql of ["UPDATE audit SET actor = 'mallory' WHERE seq = 2", 'DELETE FROM audit WHERE seq = 2', 'TRUNCATE audit']) {
        await expect(db.query(sql), sql).rejects.toThrow(/audit is append-only/);
      }
      expect((await verifyAuditChain(store.audit.rows())).ok).toBe(true);
    });

    it(`${TAMPERINGS} random tamperings of the stored log (superuser, triggers off), each rolled back: every one reported at the entry it touched`, async () => {
      const last = rows.length;
      const checkpoint = { count: last, seq: last, hash: String(rows[last - 1]!.hash) };
      let n = 0;
      await fc.assert(fc.asyncProperty(tamperArb(last), async (t) => {
        const want = expectedProblem(t, last);
        const rollback = new Error('rollback');
        await db.transaction(async (tx) => {
          await tamperSql(tx, rows, t);
          const stored = (await tx.query<AuditRow>('SELECT * FROM audit ORDER BY seq')).rows;
          const withCp = await verifyAuditChain(stored, checkpoint);
          expect(withCp.ok, JSON.stringify(t)).toBe(false);
          expect(withCp.problem!.seq, JSON.stringify(t)).toBe(want.seq);
          if (!want.needsCheckpoint) expect((await verifyAuditChain(stored)).problem?.seq, JSON.stringify(t)).toBe(want.seq);
          n++;
          throw rollback;
        }).catch((e: unknown) => {
          if (e !== rollback) throw e;
        });
      }), { numRuns: TAMPERINGS });
      expect(n).toBe(TAMPERINGS);
      // Every tampering was rolled back: the log is as written.
      expect(await verifyAuditChain(store.audit.rows(), checkpoint)).toMatchObject({ ok: true, entries: last, checkpoint: 'matched' });
    });
  });
}

contract('audit trail on PGlite', () => ({ url: 'memory://' }));

describe.skipIf(!pgUp)('audit trail on Postgres', () => {
  const schema = `sextant_audit_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(schema);
  contract('audit trail on Postgres', () => ({ url: TEST_PG_URL, schema }));

  it('two writers on one database (two processes\' stores) append concurrently into one valid chain', async () => {
    const s = `sextant_audit_c_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    schemas.push(s);
    const a = await createSqlStore(await openDriver({ url: TEST_PG_URL, schema: s }));
    const b = await createSqlStore(await openDriver({ url: TEST_PG_URL, schema: s }));
    try {
      const entry = (who: string, i: number) => ({ tsMs: T0 + i, actorKind: 'user' as const, actor: who, source: 'test', kind: 'x', payload: { i } });
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => a.audit.append([entry('a', i), entry('a', i + 1000)])),
        ...Array.from({ length: 40 }, (_, i) => b.audit.append([entry('b', i)])),
      ]);
      const r = await verifyAuditChain(a.audit.rows());
      expect(r).toMatchObject({ ok: true, entries: 120 });
      expect((await b.audit.list({ limit: 200, actor: 'a' }))).toHaveLength(80);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
