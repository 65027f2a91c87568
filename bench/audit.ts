// The audit trail's speed: entries appended per second (canonical JSON + SHA-256 + the chained INSERT,
// batches of BATCH in one transaction each, as the store's flushes make them), the audit share of trading
// writes (orders + events + fills, each audited in the same transaction), and `audit verify` (entries read
// and re-hashed per second); on PGlite (a temp folder on disk) and Postgres (as bench/store.ts finds it).
// The in-memory chaining rate (no database) is the ceiling. Opening the database is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainEntries, EMPTY_HEAD, verifyAuditChain, type AuditInput } from '../src/store/audit/index.ts';
import { openStore, type OpenStoreOptions } from '../src/store/open.ts';
import type { Store } from '../src/store/store.ts';
import { onBenchPostgres } from './postgres.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const ENTRIES = 100_000;
const BATCH = 5_000;
const ORDERS = 10_000;
const T0 = Date.UTC(2026, 0, 2);

function inputs(n: number, from = 0): AuditInput[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return i % 2 === 0
      ? ({ tsMs: T0 + i, actorKind: 'strategy', actor: 'sma-cross', source: 'run:bench', kind: 'order.intent', runId: 'bench', symbol: `SYM${i % 50}`, payload: { clientOrderId: `bench-${i}`, side: 'buy', type: 'limit', qty: 1 + (i % 9), limitPrice: 100 + (i % 97) / 8, tif: 'GTC' } } as AuditInput)
      : ({ tsMs: T0 + i, actorKind: 'system', actor: 'venue', source: 'run:bench', kind: 'fill', runId: 'bench', symbol: `SYM${i % 50}`, payload: { fillId: `bench-${i}#1`, clientOrderId: `bench-${i}`, seq: 1, strategyId: 'sma-cross', side: 'buy', qty: 1 + (i % 9), price: 100.125, commission: 0.35, liquidity: 'taker' } } as AuditInput);
  });
}

function inMemory(): BenchResult {
  const xs = inputs(ENTRIES);
  chainEntries(EMPTY_HEAD, xs.slice(0, 5000), T0);
  const t0 = performance.now();
  chainEntries(EMPTY_HEAD, xs, T0);
  const seconds = (performance.now() - t0) / 1000;
  return { name: 'audit.chain.in-memory', work: `${ENTRIES} entries: canonical JSON + SHA-256, no database`, seconds, rate: ENTRIES / seconds, peakRssMb: peakRssMb(), entriesPerSecond: Math.round(ENTRIES / seconds) };
}

async function appends(store: Store, label: string): Promise<BenchResult> {
  const t0 = performance.now();
  for (let i = 0; i < ENTRIES; i += BATCH) await store.audit.append(inputs(BATCH, i));
  const seconds = (performance.now() - t0) / 1000;
  return { name: `audit.${label}.append`, work: `${ENTRIES} entries, ${BATCH} per transaction, hashing included`, seconds, rate: ENTRIES / seconds, peakRssMb: peakRssMb(), entriesPerSecond: Math.round(ENTRIES / seconds) };
}

async function trading(store: Store, label: string): Promise<BenchResult> {
  const run = await store.startRun({ id: `bench-audit-${process.pid}`, kind: 'paper', startedMs: T0 });
  const before = (await store.audit.head()).seq;
  const per = 2_500;
  const t0 = performance.now();
  for (let i = 0; i < ORDERS; i += per) {
    for (let k = i; k < i + per; k++) {
      const id = `${run.id}/O-${k}`;
      store.appendOrders([{ clientOrderId: id, runId: run.id, strategyId: 'bench', symbol: `SYM${k % 50}`, side: 'buy', type: 'market', qty: 1 + (k % 9), createdMs: T0 + k }]);
      store.appendOrderEvents([{ orderId: id, seq: 1, type: 'OrderAccepted', status: 'accepted', tsMs: T0 + k }, { orderId: id, seq: 2, type: 'OrderFilled', status: 'filled', filledQty: 1 + (k % 9), avgFillPrice: 100, tsMs: T0 + k }]);
      store.appendFills([{ fillId: `${id}#1`, orderId: id, seq: 1, runId: run.id, strategyId: 'bench', symbol: `SYM${k % 50}`, side: 'buy', qty: 1 + (k % 9), price: 100, commission: 0.35, liquidity: 'taker', tsMs: T0 + k }]);
    }
    await store.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  const audited = (await store.audit.head()).seq - before;
  if (audited !== ORDERS * 4) throw new Error(`${label}: expected ${ORDERS * 4} audit entries, found ${audited}`);
  return { name: `audit.${label}.trading-rows`, work: `${ORDERS} orders (order + 2 events + fill = ${ORDERS * 4} rows and as many audit entries), ${per} orders per flush`, seconds, rate: (ORDERS * 4) / seconds, peakRssMb: peakRssMb(), rowsPerSecond: Math.round((ORDERS * 4) / seconds), auditEntriesPerSecond: Math.round(audited / seconds) };
}

async function verify(store: Store, label: string): Promise<BenchResult> {
  const t0 = performance.now();
  const r = await verifyAuditChain(store.audit.rows());
  const seconds = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`${label}: verify failed: ${r.problem?.message ?? ''}`);
  return { name: `audit.${label}.verify`, work: `${r.entries} entries read and re-hashed`, seconds, rate: r.entries / seconds, peakRssMb: peakRssMb(), entriesPerSecond: Math.round(r.entries / seconds) };
}

async function measure(label: string, opts: OpenStoreOptions): Promise<BenchResult[]> {
  const store = await openStore(opts);
  try {
    return [await appends(store, label), await trading(store, label), await verify(store, label)];
  } finally {
    await store.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [inMemory()];
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-audit-'));
  try {
    results.push(...(await measure('pglite', { dir: join(dir, 'db'), env: {} })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.push(...(await onBenchPostgres('bench_audit', (url, schema) => measure('postgres', { url, schema }))));
  return results;
}
