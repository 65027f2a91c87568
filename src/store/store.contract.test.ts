// One contract, every implementation: PGlite on disk (always) and a real Postgres server (when one
// answers at SEXTANT_TEST_DATABASE_URL / DATABASE_URL / postgres://postgres@127.0.0.1:5432/test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Position } from '../model/position.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openStore } from './open.ts';
import type { FillInput, OrderEventInput, OrderInput, Store } from './store.ts';

const PG_URL = process.env.SEXTANT_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const pgUp = await reachable(PG_URL);
if (!pgUp) console.warn(`store contract: no Postgres server at ${PG_URL}; the Postgres half is SKIPPED (set SEXTANT_TEST_DATABASE_URL)`);

interface Harness {
  /** Opens the store under test (the same database every time). */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function pgliteHarness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-store-'));
  return {
    open: () => openStore({ dir: join(dir, 'db'), env: {} }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresHarness(): Harness {
  const schema = `sextant_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  return {
    open: () => openStore({ url: PG_URL, schema }),
    async cleanup() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

// ---- fixtures ----

let counter = 0;
const uid = (p: string): string => `${p}-${process.pid}-${++counter}`;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

function order(runId: string, id: string, over: Partial<OrderInput> = {}): OrderInput {
  return { clientOrderId: id, runId, strategyId: 's1', symbol: 'AAPL', side: 'buy', type: 'market', qty: 10, createdMs: T0, ...over };
}

function fill(runId: string, orderId: string, seq: number, over: Partial<FillInput> = {}): FillInput {
  return {
    fillId: `${orderId}#${seq}`, orderId, seq, runId, strategyId: 's1', symbol: 'AAPL', side: 'buy',
    qty: 10, price: 100, commission: 1, liquidity: 'taker', tsMs: T0 + seq, ...over,
  };
}

function event(orderId: string, seq: number, type: OrderEventInput['type'], status: OrderEventInput['status'], over: Partial<OrderEventInput> = {}): OrderEventInput {
  return { orderId, seq, type, status, tsMs: T0 + seq, ...over };
}

async function expectInputError(p: Promise<unknown> | (() => unknown), field: string): Promise<InputError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as InputError).where.field).toBe(field);
  expect((caught as InputError).message).toContain(field);
  return caught as InputError;
}

function contract(name: string, make: () => Harness): void {
  describe(name, () => {
    const h = make();
    let store: Store;

    beforeAll(async () => {
      store = await h.open();
    });
    afterAll(async () => {
      await store?.close();
      await h.cleanup();
    });

    async function reopen(): Promise<void> {
      await store.close();
      store = await h.open();
    }

    async function newRun(kind: 'backtest' | 'paper' | 'live' = 'backtest'): Promise<string> {
      return (await store.startRun({ id: uid('run'), kind, config: { strategy: 'sma-cross', fast: 10 }, startedMs: T0 })).id;
    }

    it('applies every migration once, in order, and reopening applies nothing again', async () => {
      const before = await store.migrations();
      expect(before.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await reopen();
      await reopen();
      expect(await store.migrations()).toEqual(before);
    });

    it('keeps batched rows of every kind across close and reopen', async () => {
      const run = await newRun();
      const orders = Array.from({ length: 300 }, (_, i) => order(run, `${run}-o${i}`, { side: i % 2 ? 'sell' : 'buy', qty: 1 + i }));
      store.appendOrders(orders);
      store.appendOrderEvents(orders.flatMap((o) => [event(o.clientOrderId, 1, 'OrderSubmitted', 'submitted'), event(o.clientOrderId, 2, 'OrderAccepted', 'accepted')]));
      store.appendFills(orders.map((o) => fill(run, o.clientOrderId, 1, { side: o.side, qty: o.qty, price: 100 + o.qty / 8 })));
      store.appendOrderEvents(orders.map((o) => event(o.clientOrderId, 3, 'OrderFilled', 'filled', { filledQty: o.qty, avgFillPrice: 100 + o.qty / 8 })));
      store.appendEquity(Array.from({ length: 500 }, (_, i) => ({ runId: run, tsMs: T0 + i * 60_000, equity: 100_000 + i, cash: 50_000 - i / 3 })));
      store.appendPositions([{ runId: run, strategyId: 's1', symbol: 'AAPL', qty: -150, avgPrice: 118.8125, realizedPnl: 12.5, commission: 300, updatedMs: T0 + 5 }]);
      store.appendRiskEvents([{ runId: run, tsMs: T0 + 7, kind: 'max-drawdown', reason: 'drawdown 12% above 10%' }]);
      expect(store.bufferedRows).toBe(300 + 900 + 300 + 500 + 2);
      await store.flush();
      expect(store.bufferedRows).toBe(0);
      await reopen();

      const c = (await store.counts()).byRun.find((x) => x.runId === run);
      expect(c).toEqual({ runId: run, orders: 300, orderEvents: 900, fills: 300, equity: 500, riskEvents: 1 });
      expect(await store.countOrders(run)).toBe(300);
      expect(await store.countOrders(`${run}-none`)).toBe(0);
      const fills = await store.loadFills(run);
      expect(fills).toEqual(orders.map((o) => fill(run, o.clientOrderId, 1, { side: o.side, qty: o.qty, price: 100 + o.qty / 8 })));
      const o7 = await store.getOrder(`${run}-o7`);
      expect(o7).toMatchObject({ status: 'filled', filledQty: 8, avgFillPrice: 101, lastSeq: 3, side: 'sell', tif: 'GTC', limitPrice: null, reduceOnly: false });
      expect((await store.loadOrderEvents(`${run}-o7`)).map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled']);
      expect(await store.loadPositions(run)).toEqual([{ runId: run, strategyId: 's1', symbol: 'AAPL', qty: -150, avgPrice: 118.8125, realizedPnl: 12.5, commission: 300, updatedMs: T0 + 5 }]);
      expect(await store.loadRiskEvents(run)).toEqual([{ runId: run, tsMs: T0 + 7, kind: 'max-drawdown', reason: 'drawdown 12% above 10%' }]);
      const eq = await store.loadEquity(run);
      expect(eq).toHaveLength(500);
      expect(eq[499]).toEqual({ runId: run, tsMs: T0 + 499 * 60_000, equity: 100_499, cash: 50_000 - 499 / 3 });
    });

    it('starts writing in the background once the buffer passes maxBufferRows, and flush waits for it', async () => {
      const run = await newRun();
      const rows = Array.from({ length: 25_000 }, (_, i) => ({ runId: run, tsMs: T0 + i, equity: i, cash: i }));
      store.appendEquity(rows);
      expect(store.bufferedRows).toBe(0);
      await store.flush();
      expect((await store.loadEquity(run)).length).toBe(25_000);
    });

    it('ignores replayed orders, events, fills, equity and risk events (idempotent on their keys)', async () => {
      const run = await newRun('live');
      const o = order(run, `${run}-A`, { type: 'limit', limitPrice: 99.5, tif: 'DAY', tag: 'entry' });
      const batch = {
        orders: [o],
        orderEvents: [event(o.clientOrderId, 1, 'OrderSubmitted', 'submitted'), event(o.clientOrderId, 2, 'OrderAccepted', 'accepted')],
        fills: [fill(run, o.clientOrderId, 1, { qty: 4, price: 99.5 })],
        equity: [{ runId: run, tsMs: T0, equity: 1000, cash: 1000 }],
        riskEvents: [{ runId: run, tsMs: T0, kind: 'halt', reason: 'manual' }],
      };
      await store.write(batch);
      await store.write(batch);
      store.appendOrders([o, o]);
      store.appendFills(batch.fills);
      await store.flush();
      const c = (await store.counts()).byRun.find((x) => x.runId === run);
      expect(c).toEqual({ runId: run, orders: 1, orderEvents: 2, fills: 1, equity: 1, riskEvents: 1 });
      expect(await store.countOrders(run)).toBe(1);
      expect(await store.getOrder(o.clientOrderId)).toMatchObject({ status: 'accepted', lastSeq: 2, limitPrice: 99.5, tif: 'DAY', tag: 'entry' });
    });

    it('rejects a client order id reused for a different order, writing nothing of that batch', async () => {
      const run = await newRun();
      await store.write({ orders: [order(run, `${run}-X`)] });
      const err = await expectInputError(
        store.write({ equity: [{ runId: run, tsMs: T0, equity: 1, cash: 1 }], orders: [order(run, `${run}-Y`), order(run, `${run}-X`, { qty: 11 })] }),
        'orders[1].clientOrderId',
      );
      expect(err.message).toContain(`${run}-X`);
      expect(await store.getOrder(`${run}-Y`)).toBeNull();
      expect(await store.loadEquity(run)).toEqual([]);
    });

    it('rejects a fill that reuses a stored (order, seq) under another fill id', async () => {
      const run = await newRun();
      await store.write({ orders: [order(run, `${run}-F`)], fills: [fill(run, `${run}-F`, 1, { qty: 3 })] });
      await expectInputError(store.write({ fills: [fill(run, `${run}-F`, 1, { fillId: 'venue-exec-77', qty: 3 })] }), 'fills[0].fillId');
      await expectInputError(store.write({ fills: [fill(run, `${run}-F`, 1, { qty: 4 })] }), 'fills[0].fillId');
      expect(await store.loadFills(run)).toHaveLength(1);
    });

    it('keeps a fee charged in another asset (BNB) with its fill, and refuses half of one', async () => {
      const run = await newRun();
      const [a, b] = [`${run}-FA`, `${run}-FB`];
      const paid = fill(run, a, 1, { commission: 0.06, commissionAsset: 'BNB', commissionQty: 0.0002 });
      await store.write({ orders: [order(run, a), order(run, b)], fills: [paid, fill(run, b, 1)] });
      expect(await store.loadFills(run)).toEqual([paid, fill(run, b, 1)]);
      await expectInputError(store.write({ fills: [fill(run, b, 2, { commissionAsset: 'BNB' })] }), 'fills[0].commissionQty');
      await expectInputError(store.write({ fills: [fill(run, b, 2, { commissionQty: 0.1 })] }), 'fills[0].commissionQty');
    });

    it("keeps the venue's order id its events carry: the latest given (a cancel-replace's new id), per run", async () => {
      const run = await newRun();
      const [a, b] = [`${run}-VA`, `${run}-VB`];
      await store.write({ orders: [order(run, a), order(run, b)] });
      await store.write({ orderEvents: [event(a, 1, 'OrderSubmitted', 'submitted'), event(a, 2, 'OrderAccepted', 'accepted', { venueOrderId: 'V-1' }), event(b, 1, 'OrderSubmitted', 'submitted')] });
      expect(await store.venueOrderIds(run)).toEqual(new Map([[a, 'V-1']]));
      await store.write({ orderEvents: [event(a, 3, 'OrderUpdated', 'accepted', { venueOrderId: 'V-2' }), event(a, 4, 'OrderFilled', 'filled', { filledQty: 10, avgFillPrice: 100 })] });
      expect(await store.venueOrderIds(run)).toEqual(new Map([[a, 'V-2']]));
      expect(await store.venueOrderIds(`${run}-other`)).toEqual(new Map());
      expect(() => store.appendOrderEvents([event(b, 2, 'OrderAccepted', 'accepted', { venueOrderId: '' })])).toThrow('orderEvents[0].venueOrderId');
    });

    it("keeps a trailing stop's offset and its newest trigger level on the order row (the level its events carry)", async () => {
      const run = await newRun();
      const [t, p, m] = [`${run}-TA`, `${run}-TP`, `${run}-TM`];
      await store.write({
        orders: [
          order(run, t, { side: 'sell', type: 'trailing-stop', trailKind: 'amount', trailValue: 2.5, trailStop: 97.5 }),
          order(run, p, { side: 'sell', type: 'trailing-stop', trailKind: 'percent', trailValue: 1.5 }),
          order(run, m),
        ],
      });
      const trail = async (id: string) => {
        const o = (await store.getOrder(id))!;
        return [o.trailKind, o.trailValue, o.trailStop];
      };
      expect(await trail(t)).toEqual(['amount', 2.5, 97.5]);
      expect(await trail(p)).toEqual(['percent', 1.5, null]);
      expect(await trail(m)).toEqual([null, null, null]);
      await store.write({ orderEvents: [event(t, 1, 'OrderAccepted', 'accepted'), event(t, 2, 'OrderUpdated', 'accepted', { trailStop: 98.25 }), event(t, 3, 'OrderUpdated', 'accepted', { trailStop: 99.125 })] });
      await store.write({ orderEvents: [event(p, 1, 'OrderUpdated', 'accepted', { trailStop: 0.1 + 0.2 })] });
      expect(await trail(t)).toEqual(['amount', 2.5, 99.125]);
      // Floats come back exactly (float8).
      expect(await trail(p)).toEqual(['percent', 1.5, 0.1 + 0.2]);
      expect((await store.loadOpenOrders(run)).find((o) => o.clientOrderId === t)?.trailStop).toBe(99.125);
      expect(() => store.appendOrders([order(run, `${run}-TX`, { type: 'trailing-stop', trailKind: 'amount' })])).toThrow('orders[0].trailValue');
      expect(() => store.appendOrders([order(run, `${run}-TY`, { type: 'trailing-stop', trailKind: 'amount', trailValue: -1 })])).toThrow('orders[0].trailValue');
      expect(() => store.appendOrderEvents([event(t, 4, 'OrderUpdated', 'accepted', { trailStop: Number.NaN })])).toThrow('orderEvents[0].trailStop');
    });

    it('moves the order row to its newest event and never back to an older one', async () => {
      const run = await newRun();
      const id = `${run}-M`;
      await store.write({ orders: [order(run, id, { qty: 10 })] });
      await store.write({
        orderEvents: [
          event(id, 1, 'OrderSubmitted', 'submitted'),
          event(id, 3, 'OrderFilled', 'partially-filled', { filledQty: 4, avgFillPrice: 10 }),
          event(id, 2, 'OrderAccepted', 'accepted'),
        ],
      });
      expect(await store.getOrder(id)).toMatchObject({ status: 'partially-filled', filledQty: 4, avgFillPrice: 10, lastSeq: 3, updatedMs: T0 + 3 });
      await store.write({ orderEvents: [event(id, 2, 'OrderAccepted', 'accepted')] });
      expect(await store.getOrder(id)).toMatchObject({ status: 'partially-filled', lastSeq: 3 });
      await store.write({ orderEvents: [event(id, 4, 'OrderCanceled', 'canceled', { reason: 'user asked' })] });
      expect(await store.getOrder(id)).toMatchObject({ status: 'canceled', filledQty: 4, reason: 'user asked', lastSeq: 4 });
      await expectInputError(store.write({ orderEvents: [event(id, 4, 'OrderExpired', 'expired')] }), 'orderEvents[0].seq');
    });

    it('loads the open (non-terminal) orders, for one run or all', async () => {
      const r1 = await newRun('live');
      const r2 = await newRun('paper');
      await store.write({
        orders: [
          order(r1, `${r1}-init`, { createdMs: T0 + 1 }),
          order(r1, `${r1}-acc`, { createdMs: T0 + 2 }),
          order(r1, `${r1}-done`, { createdMs: T0 + 3 }),
          order(r2, `${r2}-part`, { createdMs: T0 + 4 }),
        ],
        orderEvents: [
          event(`${r1}-acc`, 1, 'OrderAccepted', 'accepted'),
          event(`${r1}-done`, 1, 'OrderFilled', 'filled'),
          event(`${r2}-part`, 1, 'OrderFilled', 'partially-filled'),
        ],
      });
      expect((await store.loadOpenOrders(r1)).map((o) => [o.clientOrderId, o.status])).toEqual([[`${r1}-init`, 'initialized'], [`${r1}-acc`, 'accepted']]);
      const all = (await store.loadOpenOrders()).map((o) => o.clientOrderId);
      expect(all).toEqual(expect.arrayContaining([`${r1}-init`, `${r1}-acc`, `${r2}-part`]));
      expect(all).not.toContain(`${r1}-done`);
      // Every order of one run, newest first, a page at a time (terminal ones too; no other run's).
      expect((await store.listOrders(r1, { limit: 10, offset: 0 })).map((o) => [o.clientOrderId, o.status])).toEqual([[`${r1}-done`, 'filled'], [`${r1}-acc`, 'accepted'], [`${r1}-init`, 'initialized']]);
      expect((await store.listOrders(r1, { limit: 1, offset: 1 })).map((o) => o.clientOrderId)).toEqual([`${r1}-acc`]);
      expect(await store.listOrders(r1, { limit: 5, offset: 3 })).toEqual([]);
    });

    it('recomputes positions from fills exactly as the engine books them (shorts, flips, multipliers)', async () => {
      await store.putInstruments([makeInstrument('ES', { assetClass: 'future' })]);
      const run = await newRun();
      const trades: [string, string, 'buy' | 'sell', number, number][] = [
        ['s1', 'AAPL', 'buy', 10, 100], ['s1', 'AAPL', 'buy', 5, 106], ['s1', 'AAPL', 'sell', 20, 110],
        ['s1', 'AAPL', 'buy', 5, 90], ['s2', 'AAPL', 'sell', 3, 50], ['s1', 'ES', 'buy', 2, 4000.25], ['s1', 'ES', 'sell', 1, 4010.5],
      ];
      const orders = trades.map(([s, sym, side, qty], i) => order(run, `${run}-p${i}`, { strategyId: s, symbol: sym, side, qty }));
      const fills = trades.map(([s, sym, side, qty, price], i) => fill(run, `${run}-p${i}`, 1, { strategyId: s, symbol: sym, side, qty, price, commission: 0.5, tsMs: T0 + i }));
      await store.write({ orders, fills });

      const expected = new Map<string, Position>();
      for (const [s, sym, side, qty, price] of trades) {
        const key = `${s}/${sym}`;
        const p = expected.get(key) ?? new Position(sym, sym === 'ES' ? 50 : 1);
        p.applyFill(side === 'buy' ? qty : -qty, price, 0.5, 0);
        expected.set(key, p);
      }
      const got = await store.positionsFromFills(run);
      expect(got.map((p) => `${p.strategyId}/${p.symbol}`)).toEqual(['s1/AAPL', 's1/ES', 's2/AAPL']);
      for (const p of got) {
        const e = expected.get(`${p.strategyId}/${p.symbol}`)!;
        expect([p.qty, p.avgPrice, p.realizedPnl, p.commission]).toEqual([e.qty, e.avgPrice, e.realizedPnl, e.commission]);
      }
      expect(got[0]).toMatchObject({ qty: 0, realizedPnl: (110 - 102) * 15 + (110 - 90) * 5 });
      expect(got[1]).toMatchObject({ qty: 1, realizedPnl: (4010.5 - 4000.25) * 50 });
      expect(await store.loadInstruments()).toEqual([makeInstrument('ES', { assetClass: 'future' })]);
    });

    it('keeps the newest position snapshot per (strategy, symbol)', async () => {
      const run = await newRun();
      const snap = (qty: number, updatedMs: number) => ({ runId: run, strategyId: 's1', symbol: 'MSFT', qty, avgPrice: 300, realizedPnl: 0, updatedMs });
      store.appendPositions([snap(1, T0 + 1), snap(3, T0 + 3), snap(2, T0 + 2)]);
      await store.flush();
      store.appendPositions([snap(-9, T0)]);
      await store.flush();
      expect((await store.loadPositions(run)).map((p) => [p.qty, p.updatedMs])).toEqual([[3, T0 + 3]]);
    });

    it('answers status queries: counts, last event time, latest equity and runs', async () => {
      const run = await store.startRun({ id: uid('status'), kind: 'paper', startedMs: T0 + 10_000_000 });
      expect(run).toMatchObject({ status: 'running', endedMs: null, config: {} });
      expect(await store.lastEventTime(run.id)).toBeNull();
      expect(await store.latestEquity(run.id)).toBeNull();
      await store.write({
        orders: [order(run.id, `${run.id}-o`)],
        orderEvents: [event(`${run.id}-o`, 1, 'OrderSubmitted', 'submitted', { tsMs: T0 + 50 })],
        equity: [{ runId: run.id, tsMs: T0 + 20, equity: 10, cash: 5 }, { runId: run.id, tsMs: T0 + 40, equity: 11, cash: 6 }],
        riskEvents: [{ runId: run.id, tsMs: T0 + 30, kind: 'k', reason: 'r' }],
      });
      expect(await store.lastEventTime(run.id)).toBe(T0 + 50);
      expect(await store.lastEventTime()).toBeGreaterThanOrEqual(T0 + 50);
      expect(await store.latestEquity(run.id)).toEqual({ runId: run.id, tsMs: T0 + 40, equity: 11, cash: 6 });
      expect(await store.firstEquitySince(run.id, T0 + 21)).toEqual({ runId: run.id, tsMs: T0 + 40, equity: 11, cash: 6 });
      expect(await store.firstEquitySince(run.id, T0)).toEqual({ runId: run.id, tsMs: T0 + 20, equity: 10, cash: 5 });
      expect(await store.firstEquitySince(run.id, T0 + 41)).toBeNull();
      const counts = await store.counts();
      expect(counts.byRun.find((x) => x.runId === run.id)).toEqual({ runId: run.id, orders: 1, orderEvents: 1, fills: 0, equity: 2, riskEvents: 1 });
      expect(counts.orders).toBe(counts.byRun.reduce((s, x) => s + x.orders, 0));
      expect(counts.runs).toBe((await store.listRuns()).length);
      await store.endRun(run.id, 'completed', T0 + 20_000_000);
      const runs = await store.listRuns();
      expect(runs[0]).toEqual({ id: run.id, kind: 'paper', config: {}, status: 'completed', startedMs: T0 + 10_000_000, endedMs: T0 + 20_000_000 });
      expect(await store.getRun(run.id)).toEqual(runs[0]);
      await expectInputError(store.startRun({ id: run.id, kind: 'paper' }), 'run.id');
      await expectInputError(store.endRun(uid('nope'), 'failed'), 'runId');
    });

    it('round-trips settings as JSON and overwrites them', async () => {
      const key = uid('setting');
      expect(await store.getSetting(key)).toBeUndefined();
      await store.putSetting(key, { risk: { maxDrawdown: 0.1 }, symbols: ['AAPL', 'MSFT'], live: false, note: null });
      expect(await store.getSetting(key)).toEqual({ risk: { maxDrawdown: 0.1 }, symbols: ['AAPL', 'MSFT'], live: false, note: null });
      await store.putSetting(key, 'plain text');
      expect(await store.getSetting<string>(key)).toBe('plain text');
      await expectInputError(store.putSetting(key, { bad: Number.NaN }), `settings.${key}.bad`);
      await store.putStrategy({ id: uid('strategy'), name: 'sma-cross', config: { fast: 10, slow: 30 } });
    });

    it('saves one strategy state per (run, strategy), replaces it, keeps it across reopen, and orders it after earlier appends', async () => {
      const run = await newRun('paper');
      const other = await newRun('paper');
      expect(await store.loadStrategyState(run, 's1')).toBeNull();
      await store.saveStrategyState({ runId: run, strategyId: 's1', state: { bars: 41, trail: 101.25, open: ['AAPL'] }, tsMs: T0 + 1 });
      await store.saveStrategyState({ runId: other, strategyId: 's1', state: 7, tsMs: T0 });
      // Rows appended before the save are committed by the time the save is.
      store.appendOrders([order(run, uid('o'))]);
      await store.saveStrategyState({ runId: run, strategyId: 's1', state: { bars: 42, trail: 101.5, open: [] }, tsMs: T0 + 2 });
      expect(await store.countOrders(run)).toBe(1);
      await reopen();
      expect(await store.loadStrategyState(run, 's1')).toEqual({ runId: run, strategyId: 's1', state: { bars: 42, trail: 101.5, open: [] }, tsMs: T0 + 2 });
      expect((await store.loadStrategyState(other, 's1'))?.state).toBe(7);
      expect(await store.loadStrategyState(run, 's2')).toBeNull();
      await expectInputError(store.saveStrategyState({ runId: run, strategyId: 's1', state: { x: Number.POSITIVE_INFINITY }, tsMs: T0 }), 'strategyState.state.x');
      await expectInputError(store.saveStrategyState({ runId: uid('missing-run'), strategyId: 's1', state: 1, tsMs: T0 }), 'strategyState.runId');
      // A refused save leaves the stored state as it was.
      expect((await store.loadStrategyState(run, 's1'))?.tsMs).toBe(T0 + 2);
    });

    it('commits every row when flushes and writes run concurrently, without duplicates', async () => {
      const run = await newRun();
      const waits: Promise<void>[] = [];
      for (let b = 0; b < 20; b++) {
        const orders = Array.from({ length: 50 }, (_, i) => order(run, `${run}-c${b}-${i}`));
        store.appendOrders(orders);
        waits.push(store.flush());
        store.appendFills(orders.map((o) => fill(run, o.clientOrderId, 1)));
        waits.push(b % 2 ? store.flush() : store.write({ equity: [{ runId: run, tsMs: T0 + b, equity: b, cash: b }] }));
        waits.push(store.flush());
      }
      await Promise.all(waits);
      expect((await store.counts()).byRun.find((x) => x.runId === run)).toMatchObject({ orders: 1000, fills: 1000, equity: 10 });
      const positions = await store.positionsFromFills(run);
      expect(positions).toEqual([expect.objectContaining({ qty: 10_000, avgPrice: 100, commission: 1000 })]);
    });

    it('rejects bad rows with InputError naming the field, buffering nothing of the call', async () => {
      const run = await newRun();
      const good = fill(run, 'any', 1);
      await expectInputError(() => store.appendFills([good, { ...good, qty: -1 }]), 'fills[1].qty');
      await expectInputError(() => store.appendFills([{ ...good, price: Number.NaN }]), 'fills[0].price');
      await expectInputError(() => store.appendFills([{ ...good, side: 'long' as 'buy' }]), 'fills[0].side');
      await expectInputError(() => store.appendOrders([order(run, 'x', { qty: 0 })]), 'orders[0].qty');
      await expectInputError(() => store.appendOrders([order(run, '')]), 'orders[0].clientOrderId');
      await expectInputError(() => store.appendEquity([{ runId: run, tsMs: 1.5, equity: 1, cash: 1 }]), 'equity[0].tsMs');
      await expectInputError(() => store.appendEquity([{ runId: run, tsMs: 1, equity: Infinity, cash: 1 }]), 'equity[0].equity');
      await expectInputError(() => store.appendOrderEvents([event('x', 0, 'OrderAccepted', 'accepted')]), 'orderEvents[0].seq');
      await expectInputError(() => store.appendOrderEvents([event('x', 1, 'OrderAccepted', 'open' as 'accepted')]), 'orderEvents[0].status');
      expect(store.bufferedRows).toBe(0);
      // A batch is checked whole before anything is written.
      await expectInputError(store.write({ orders: [order(run, `${run}-ok`)], fills: [{ ...fill(run, `${run}-ok`, 1), qty: Number.NaN }] }), 'fills[0].qty');
      expect(await store.getOrder(`${run}-ok`)).toBeNull();
      expect((await store.counts()).byRun.find((x) => x.runId === run)).toMatchObject({ orders: 0, fills: 0 });
    });

    it('rejects rows naming an unknown order or run as InputError, writes nothing of that batch, and stays usable', async () => {
      const run = await newRun();
      await expectInputError(store.write({ equity: [{ runId: run, tsMs: T0, equity: 1, cash: 1 }], fills: [fill(run, uid('ghost'), 1)] }), 'fills.orderId');
      await expectInputError(store.write({ orders: [order(uid('no-run'), uid('o'))] }), 'orders.runId');
      // A fill must name an order of its own run.
      const other = await newRun();
      await store.write({ orders: [order(other, `${other}-o`)] });
      await expectInputError(store.write({ fills: [fill(run, `${other}-o`, 1)] }), 'fills.orderId');
      // Through the buffer: the failing batch is reported by flush, and the next flush is clean.
      store.appendEquity([{ runId: run, tsMs: T0 + 1, equity: 2, cash: 2 }]);
      store.appendOrderEvents([event(uid('ghost'), 1, 'OrderAccepted', 'accepted')]);
      await expectInputError(store.flush(), 'orderEvents.orderId');
      await store.flush();
      expect(await store.loadEquity(run)).toEqual([]);
      await store.write({ equity: [{ runId: run, tsMs: T0 + 2, equity: 3, cash: 3 }] });
      expect(await store.loadEquity(run)).toHaveLength(1);
    });

    it('counts its committed and failed batch writes and their rows (writeStats, for the server\'s metrics)', async () => {
      const run = await newRun();
      const before = store.writeStats;
      store.appendEquity([{ runId: run, tsMs: T0, equity: 1, cash: 1 }, { runId: run, tsMs: T0 + 1, equity: 2, cash: 2 }]);
      await store.flush();
      await expectInputError(store.write({ fills: [fill(run, uid('ghost'), 1)] }), 'fills.orderId');
      await store.write({ equity: [{ runId: run, tsMs: T0 + 2, equity: 3, cash: 3 }] });
      const after = store.writeStats;
      expect({ batches: after.batches - before.batches, rows: after.rows - before.rows, failures: after.failures - before.failures }).toEqual({ batches: 2, rows: 3, failures: 1 });
    });

    it('stores awkward text (quotes, commas, braces, backslashes, unicode) unchanged', async () => {
      const run = await newRun();
      const id = `${run}-"q",{b}\\s 'ü' 😀 NULL`;
      await store.write({
        orders: [order(run, id, { symbol: 'BRK.B', tag: 'a,b}"c' })],
        fills: [fill(run, id, 1, { symbol: 'BRK.B' })],
        riskEvents: [{ runId: run, tsMs: T0, kind: 'x', reason: 'x'.repeat(5000) }],
      });
      expect((await store.getOrder(id))?.tag).toBe('a,b}"c');
      expect((await store.loadFills(run))[0]?.orderId).toBe(id);
      expect((await store.loadRiskEvents(run))[0]?.reason).toHaveLength(5000);
    });

    it('commands: pending, taken once by the node (acknowledged), finished with its answer; listed oldest first', async () => {
      const run = await newRun('paper');
      const node = { pid: 4242, host: 'node-host' };
      const a = await store.submitCommand({ runId: run, kind: 'kill', args: { flatten: true }, requester: 'cli:test', requestedMs: T0, expiresMs: T0 + 5000 });
      expect(a).toMatchObject({ runId: run, kind: 'kill', args: { flatten: true }, requester: 'cli:test', status: 'pending', result: null, node: null, acknowledgedMs: null, finishedMs: null });
      const b = await store.submitCommand({ id: `${run}-b`, runId: run, kind: 'resume', requester: 'api', requestedMs: T0 + 1, expiresMs: T0 + 5001 });
      expect(b.args).toEqual({});
      const taken = await store.takeCommands(run, node, T0 + 10);
      expect(taken.map((c) => [c.id, c.status, c.node, c.acknowledgedMs])).toEqual([[a.id, 'acknowledged', node, T0 + 10], [b.id, 'acknowledged', node, T0 + 10]]);
      // Taken once: a second poll gets nothing.
      expect(await store.takeCommands(run, node, T0 + 20)).toEqual([]);
      const result = { message: 'halted; 1 order canceled', ordersCanceled: [{ id: 'o1', symbol: 'AAPL' }], positionsFlattened: [] };
      const done = await store.finishCommand(a.id, 'done', result, T0 + 30);
      expect(done).toMatchObject({ status: 'done', result, finishedMs: T0 + 30, node });
      await store.finishCommand(b.id, 'failed', { message: 'boom' }, T0 + 31);
      await reopen();
      expect((await store.listCommands(run)).map((c) => [c.id, c.status, c.result])).toEqual([[a.id, 'done', result], [b.id, 'failed', { message: 'boom' }]]);
      expect(await store.getCommand(a.id)).toEqual(done);
      expect(await store.getCommand('no-such-command')).toBeNull();
      // Finished is final.
      await expectInputError(store.finishCommand(a.id, 'failed', {}), 'id');
    });

    it('commands: past their deadline they expire unexecuted; a starting node expires what was left pending', async () => {
      const run = await newRun('paper');
      const node = { pid: 7, host: 'h' };
      const late = await store.submitCommand({ runId: run, kind: 'flatten', requester: 'cli', requestedMs: T0, expiresMs: T0 + 100 });
      const fresh = await store.submitCommand({ runId: run, kind: 'halt', requester: 'cli', requestedMs: T0 + 150, expiresMs: T0 + 1000 });
      expect((await store.takeCommands(run, node, T0 + 200)).map((c) => c.id)).toEqual([fresh.id]);
      const expired = await store.getCommand(late.id);
      expect(expired).toMatchObject({ status: 'expired', node: null, finishedMs: T0 + 200 });
      expect((expired!.result as { message: string }).message).toMatch(/^expired: no node took it before /);
      await expectInputError(store.finishCommand(late.id, 'done', {}), 'id');
      // Left pending when the node died: the next node start expires them (never executes them).
      const left = await store.submitCommand({ runId: run, kind: 'kill', args: { flatten: true }, requester: 'cli', expiresMs: Date.now() + 60_000 });
      const other = await store.submitCommand({ runId: run, kind: 'resume', requester: 'cli', expiresMs: Date.now() + 60_000 });
      expect((await store.expireCommands(run, 'requester gave up', [other.id])).map((c) => c.id)).toEqual([other.id]);
      expect((await store.expireCommands(run, 'a new node started')).map((c) => [c.id, c.status, c.result])).toEqual([[left.id, 'expired', { message: 'a new node started' }]]);
      expect(await store.takeCommands(run, node)).toEqual([]);
      expect(await store.expireCommands(run, 'nothing left')).toEqual([]);
    });

    it('commands: bad input names the field; an unknown run is refused', async () => {
      const run = await newRun('paper');
      await expectInputError(store.submitCommand({ runId: run, kind: 'explode' as never, requester: 'x', expiresMs: T0 }), 'command.kind');
      await expectInputError(store.submitCommand({ runId: uid('nope'), kind: 'halt', requester: 'x', expiresMs: T0 + 1, requestedMs: T0 }), 'command.runId');
      await expectInputError(store.submitCommand({ runId: run, kind: 'halt', requester: '', expiresMs: T0 }), 'command.requester');
      await expectInputError(store.submitCommand({ runId: run, kind: 'halt', requester: 'x', requestedMs: T0, expiresMs: T0 - 1 }), 'command.expiresMs');
      await expectInputError(store.submitCommand({ runId: run, kind: 'halt', requester: 'x', requestedMs: T0, expiresMs: T0, args: { n: NaN } }), 'command.args.n');
      await expectInputError(store.takeCommands(run, { pid: 0, host: 'h' }), 'node.pid');
      expect(await store.listCommands(run)).toEqual([]);
    });

    it('runOwner: this process after lockRun, nobody otherwise; on Postgres another process\'s lock is seen', async () => {
      const run = await newRun('paper');
      const free = await newRun('paper');
      await store.lockRun(run);
      expect(await store.runOwner(run)).toMatchObject({ pid: process.pid });
      expect(await store.runOwner(free)).toBeNull();
      if (store.kind !== 'postgres') return;
      const other = await h.open();
      try {
        expect(await other.runOwner(run)).toMatchObject({ pid: process.pid });
        expect(await other.runOwner(free)).toBeNull();
      } finally {
        await other.close();
      }
      // The owner's lock goes with its store (its process).
      await reopen();
      expect(await store.runOwner(run)).toBeNull();
    });

    it('refuses appends after close', async () => {
      await store.close();
      expect(() => store.appendEquity([])).toThrow(/closed/);
      await store.close();
      store = await h.open();
    });
  });
}

contract('store contract: PGlite (folder on disk)', pgliteHarness);
describe.skipIf(!pgUp)(`store contract on Postgres${pgUp ? '' : ` (SKIPPED: no server at ${PG_URL})`}`, () => {
  contract('store contract: Postgres', postgresHarness);
});
