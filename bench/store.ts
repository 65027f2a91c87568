// Store write throughput: orders + order events + fills persisted per second, batched (appends
// flushed every FLUSH_ROWS rows, each flush one transaction of multi-row INSERTs) and row at a
// time (one transaction per row, the baseline), on PGlite (a temp folder on disk) and on Postgres
// (DATABASE_URL / SEXTANT_BENCH_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test; skipped
// when no server answers). Opening the database (PGlite initdb) is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStoreOptions } from '../src/store/open.ts';
import type { FillInput, OrderEventInput, OrderInput, Store } from '../src/store/store.ts';
import { onBenchPostgres } from './postgres.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const ORDERS = 25_000; // x (1 order + 2 events + 1 fill) = 100 000 rows
const FLUSH_ROWS = 10_000;
const SINGLE_ROWS = 2_000;
const T0 = Date.UTC(2024, 0, 2);

function rowsFor(runId: string, n: number): { orders: OrderInput[]; events: OrderEventInput[]; fills: FillInput[] } {
  const orders: OrderInput[] = [];
  const events: OrderEventInput[] = [];
  const fills: FillInput[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${runId}/O-${i}`;
    const side = i % 3 === 0 ? 'sell' : 'buy';
    const price = 100 + (i % 97) / 8;
    const tsMs = T0 + i * 1000;
    orders.push({ clientOrderId: id, runId, strategyId: 'bench', symbol: `SYM${i % 50}`, side, type: i % 2 ? 'limit' : 'market', qty: 1 + (i % 9), limitPrice: i % 2 ? price : null, createdMs: tsMs });
    events.push({ orderId: id, seq: 1, type: 'OrderAccepted', status: 'accepted', tsMs });
    events.push({ orderId: id, seq: 2, type: 'OrderFilled', status: 'filled', filledQty: 1 + (i % 9), avgFillPrice: price, tsMs });
    fills.push({ fillId: `${id}#1`, orderId: id, seq: 1, runId, strategyId: 'bench', symbol: `SYM${i % 50}`, side, qty: 1 + (i % 9), price, commission: 0.35, liquidity: 'taker', tsMs });
  }
  return { orders, events, fills };
}

async function batched(store: Store, label: string): Promise<BenchResult> {
  const run = await store.startRun({ id: `bench-batched-${process.pid}`, kind: 'backtest', startedMs: T0 });
  const { orders, events, fills } = rowsFor(run.id, ORDERS);
  const per = FLUSH_ROWS / 4;
  const t0 = performance.now();
  for (let i = 0; i < ORDERS; i += per) {
    store.appendOrders(orders.slice(i, i + per));
    store.appendOrderEvents(events.slice(2 * i, 2 * (i + per)));
    store.appendFills(fills.slice(i, i + per));
    await store.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = ORDERS * 4;
  const c = (await store.counts()).byRun.find((r) => r.runId === run.id);
  if (c?.fills !== ORDERS || c.orders !== ORDERS) throw new Error(`${label}: expected ${ORDERS} orders and fills, found ${JSON.stringify(c)}`);
  return { name: `store.${label}.batched`, work: `${rows} rows (orders + order events + fills), one transaction per ${FLUSH_ROWS}`, seconds, rate: rows / seconds, peakRssMb: peakRssMb(), rowsPerSecond: Math.round(rows / seconds) };
}

async function rowAtATime(store: Store, label: string): Promise<BenchResult> {
  const run = await store.startRun({ id: `bench-single-${process.pid}`, kind: 'backtest', startedMs: T0 });
  const { orders, fills } = rowsFor(run.id, SINGLE_ROWS / 2);
  const t0 = performance.now();
  for (let i = 0; i < orders.length; i++) {
    await store.write({ orders: [orders[i]!] });
    await store.write({ fills: [fills[i]!] });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name: `store.${label}.row-at-a-time`, work: `${SINGLE_ROWS} rows (orders + fills), one transaction per row`, seconds, rate: SINGLE_ROWS / seconds, peakRssMb: peakRssMb(), rowsPerSecond: Math.round(SINGLE_ROWS / seconds) };
}

async function measure(label: string, opts: OpenStoreOptions): Promise<BenchResult[]> {
  const store = await openStore(opts);
  try {
    return [await rowAtATime(store, label), await batched(store, label)];
  } finally {
    await store.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-store-'));
  try {
    results.push(...(await measure('pglite', { dir: join(dir, 'db'), env: {} })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.push(...(await onBenchPostgres('bench', (url, schema) => measure('postgres', { url, schema }))));
  return results;
}
