// A live node against the fake Binance venue on loopback: the LiveNode with the Binance adapter
// (CcxtExecutionClient through ccxt) for orders, CcxtFeed (ccxt.pro) for market data, and the embedded store
// (PGlite) persisting every intent before it is sent. The fake (test/fakes/binance/venue-thread.ts) runs in its
// own worker thread, as a real venue does not share the node's event loop, so the figures are the node plus
// the wire; the adapter and the feed talk to the spot and market fakes' own ports (venue.ts's one-port router
// is a convenience of the CLI tests, not part of any venue). LIVE_BENCH_VENUE=inline puts the fake back in the
// node's thread behind the router (how the first figures were taken). Times are read on one clock shared by
// both threads (process.hrtime through sharedNowMs()). Every figure reports the load average when it ended:
// on a shared machine, compare runs taken at similar load. Figures:
// - live-order-path: one market order at a time, nothing streaming, through the durable client (the intent
//   committed to PGlite) and the adapter (ccxt: pacing, signing, REST) to the fake's matcher: the order
//   path's floor, split into the intent commit and adapter -> venue.
// - live-tick-to-order: 500 symbols stream quotes, trades and 1 s bars; a strategy sends a market order on
//   each bar of 6 of them (spread over the 500, so some wait behind the rest of the round's frames). Latency
//   = from the moment the venue hands that symbol's closing kline frame to its socket to the moment the
//   order arrives at the venue's matcher (feed decode, strategy, risk, the durable intent, signing, REST).
//   Split further: frame -> strategy, strategy -> adapter (the intent committed), adapter -> venue (ccxt,
//   wire); nodeThreadBusy is the node thread's event-loop utilization while streaming.
// - live-orders-per-second: market buys sent through the adapter as fast as it takes them, each fill heard
//   on the user-data stream, then every fill checked against the venue (fillsSince = the venue's trades,
//   one for one). Twice: at ccxt's Binance pace (what a user gets: 6,000 weight a minute, so 100 orders a
//   second at most), and with the limiter lowered to 1 ms per unit (the adapter's own cost).
// - live-memory-per-symbol: heap growth of the node, feed and client per symbol with 500 symbols streaming
//   (after GC; the node's thread only: the fake's heap is its own thread's).
// - live-reconcile-read: what a restart's reconciliation reads per symbol at the default rate-limiter pace.
// LIVE_BENCH_ONLY=path,tick,orders,reconcile picks figures; LIVE_BENCH_SECONDS (default 30) and
// LIVE_BENCH_SYMBOLS (default 500) size the tick-to-order run. LIVE_BENCH_DURABILITY=process|fsync|store (default
// process; `sextant live` defaults to store) picks where an intent is durable before it is sent: the intent journal (written;
// written and fdatasync'ed) or the store (committed); "intentCommit" is then the journal write or the store commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCcxtExecutionClient } from '../src/brokers/ccxt/index.ts';
import { createCcxtFeed } from '../src/brokers/ccxt/feed.ts';
import { RealClock } from '../src/core/clock.ts';
import { DurableExecutionClient } from '../src/engine/durable-client.ts';
import { LiveNode } from '../src/engine/live-node.ts';
import { venueInstrument } from '../src/engine/venues.ts';
import type { ExecutionSink } from '../src/execution/execution-client.ts';
import { SinkRelay } from '../src/execution/sink-relay.ts';
import type { Bar } from '../src/model/bar.ts';
import { Order } from '../src/model/order.ts';
import { IntentJournal, type Durability } from '../src/store/intent-journal.ts';
import { openStore } from '../src/store/open.ts';
import type { StrategyContext } from '../src/strategies/context.ts';
import { Strategy } from '../src/strategies/strategy.ts';
import { FakeBinanceVenue, venueSymbols } from '../test/fakes/binance/venue.ts';
import { sharedNowMs, startBenchVenue, type BenchVenue } from '../test/fakes/binance/venue-thread.ts';
import { peakRssMb, type BenchResult } from './types.ts';

/** 500; LIVE_BENCH_SYMBOLS=<n> streams fewer (a baseline: how much of the latency is the 500 symbols' load). */
const SYMBOLS = Number(process.env.LIVE_BENCH_SYMBOLS ?? 500);
/** Six traded symbols spread over the streamed ones (with 500: S0, S99, S199, S299, S399, S499). */
const TRADED = [...new Set([0, 1, 2, 3, 4, 5].map((k) => Math.round((k * (SYMBOLS - 1)) / 5)))];
const STREAM_SECONDS = Number(process.env.LIVE_BENCH_SECONDS ?? 30);
/** LIVE_BENCH_VENUE=inline runs the fake venue in the node's thread (the method of the first figures). */
const THREAD = process.env.LIVE_BENCH_VENUE !== 'inline';
const DURABILITY = (process.env.LIVE_BENCH_DURABILITY ?? 'process') as Durability;
/** The run's intent journal in `dir` (null for durability store). */
const journalIn = (dir: string, runId: string): IntentJournal | null => (DURABILITY === 'store' ? null : IntentJournal.open(join(dir, 'journal'), runId, { fsync: DURABILITY === 'fsync' }));

const unified = (venueId: string): string => venueId.replace(/USDT$/, '/USDT');

/** When the strategy decided, per client order id: the symbol and bar it traded on, at sharedNowMs(). */
const decided = new Map<string, { symbol: string; openMs: number; at: number }>();

/** A market order on every bar of the traded symbols: buys when flat, sells what it holds. */
class BarTrader extends Strategy<{ symbols: readonly string[] }> {
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (!this.config.symbols.includes(bar.symbol) || ctx.openOrders(bar.symbol).length > 0) return;
    const at = sharedNowMs();
    const pos = ctx.position(bar.symbol);
    const o = pos.isFlat ? ctx.buy(bar.symbol, 1) : ctx.sell(bar.symbol, pos.qty);
    if (o !== null) decided.set(o.id, { symbol: bar.symbol.replace('/', ''), openMs: bar.tsEventMs, at });
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
/** The adapter talks to the spot fake's own port (no router hop: a real venue has none on this side of the wire). */
const spotUrls = (v: BenchVenue): { baseUrl: string; streamUrl: string } => ({ baseUrl: v.spotUrl, streamUrl: `${v.spotUrl.replace('http:', 'ws:')}/ws-api/v3` });
const loadAvg = async (): Promise<number[]> => (await import('node:os')).loadavg().map((x) => round(x));

async function tickToOrder(): Promise<BenchResult[]> {
  const spots = venueSymbols(SYMBOLS);
  const venue = await startBenchVenue({ thread: THREAD, symbols: spots, cash: 1e9, startPrice: 100, tickMs: 200, interval: '1s', reportBarsOf: TRADED.map((i) => spots[i]!.symbol) });
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-live-'));
  const symbols = spots.map((s) => unified(s.symbol));
  const traded = TRADED.map((i) => symbols[i]!);
  // Latency: when each closing kline frame was sent, when the strategy decided on that bar, when the durable
  // client handed the order to the adapter (its intent committed), and when the order arrived at the matcher.
  const sentAt = new Map<string, number>();
  venue.on('bar', (b) => sentAt.set(`${b.symbol}|${b.openMs}`, b.sentAt));
  const latencies: number[] = [];
  const feedPart: number[] = [];
  const orderPart: number[] = [];
  const persistPart: number[] = [];
  const wirePart: number[] = [];
  const handed = new Map<string, number>();
  venue.on('order', (o) => {
    const d = decided.get(o.clientOrderId);
    const sent = d === undefined ? undefined : sentAt.get(`${d.symbol}|${d.openMs}`);
    if (d === undefined || sent === undefined) return;
    latencies.push(o.at - sent);
    feedPart.push(d.at - sent);
    orderPart.push(o.at - d.at);
    const h = handed.get(o.clientOrderId);
    if (h !== undefined) {
      persistPart.push(h - d.at);
      wirePart.push(o.at - h);
    }
  });
  const heap0 = heapMb();
  const store = await openStore({ dir: join(dir, 'db'), env: {} });
  const relay = new SinkRelay();
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, ...spotUrls(venue), symbols, rateLimitMs: 1 }, relay);
  // When the durable client hands each order to the adapter (its intent committed): splits strategy -> venue.
  const submit = client.submit.bind(client);
  client.submit = (order, nowMs) => {
    handed.set(order.id, sharedNowMs());
    submit(order, nowMs);
  };
  const feed = createCcxtFeed({ symbols, timeframe: '1s', baseUrl: venue.marketUrl, streamUrl: `${venue.marketUrl.replace('http:', 'ws:')}/ws` });
  const journal = journalIn(dir, 'bench-live');
  const node = new LiveNode({
    journal,
    runId: 'bench-live', kind: 'live', broker: { client, relay, positionCheckEveryMs: 0 }, instruments: symbols.map(venueInstrument),
    strategies: [{ strategy: new BarTrader({ symbols: traded }), id: 'bar-trader' }], feed, store, clock: new RealClock(), cash: 1e9, matchOn: 'quotes', barMs: 1000,
  });
  const t0 = performance.now();
  await node.restore();
  const restoreSeconds = (performance.now() - t0) / 1000;
  const trading = node.trade();
  const t1 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, STREAM_SECONDS * 1000));
  const busy = performance.eventLoopUtilization(elu0).utilization;
  const load = await loadAvg();
  const health = feed.health();
  const status = node.status();
  // The fake's kline history is the venue's memory, not the node's (in its own thread it is not on this heap anyway).
  await venue.dropHistory();
  const heap1 = heapMb();
  const streamed = (performance.now() - t1) / 1000;
  await node.stop();
  await trading;
  journal?.close();
  await venue.close();
  rmSync(dir, { recursive: true, force: true });
  const where = THREAD ? 'fake venue in its own thread' : 'fake venue in the node\'s thread';
  return [
    {
      name: 'live-tick-to-order', work: `${SYMBOLS} symbols streaming (quotes+trades every 200 ms, 1 s bars); market order per bar on ${traded.length}; ${latencies.length} orders; ${where}; durability ${DURABILITY}`,
      seconds: round(streamed), rate: latencies.length / streamed, peakRssMb: peakRssMb(), loadAvg: load, nodeThreadBusy: round(busy, 3),
      p50Ms: round(pct(latencies, 50)), p90Ms: round(pct(latencies, 90)), p99Ms: round(pct(latencies, 99)), maxMs: round(Math.max(...latencies)),
      frameToStrategyP50Ms: round(pct(feedPart, 50)), frameToStrategyP99Ms: round(pct(feedPart, 99)), strategyToVenueP50Ms: round(pct(orderPart, 50)), strategyToVenueP99Ms: round(pct(orderPart, 99)),
      intentCommitP50Ms: round(pct(persistPart, 50)), intentCommitP99Ms: round(pct(persistPart, 99)), adapterToVenueP50Ms: round(pct(wirePart, 50)), adapterToVenueP99Ms: round(pct(wirePart, 99)),
      barsSent: health.barsSent, rejectedFrames: health.rejectedFrames, orders: status.orders, fills: status.fills, restoreSeconds: round(restoreSeconds),
    },
    {
      name: 'live-memory-per-symbol', work: `heap growth of node + feed + client + store with ${SYMBOLS} symbols after ${round(streamed, 0)} s of streamed bars, quotes and trades`,
      seconds: round(streamed), rate: SYMBOLS / streamed, peakRssMb: peakRssMb(),
      heapBeforeMb: round(heap0), heapAfterMb: round(heap1), kbPerSymbol: round(((heap1 - heap0) * 1024) / SYMBOLS, 1), barsPerSymbol: Math.round(health.barsSent / SYMBOLS),
    },
  ];
}

/**
 * The order path's floor: one market order at a time, nothing streaming, through the durable client (the intent
 * committed to PGlite, then handed on) and the adapter (ccxt: sign, REST over loopback) to the fake's matcher in its
 * own thread. What is left of tick-to-order once the load of the other symbols and of other processes is away.
 */
async function orderPath(orders: number): Promise<BenchResult> {
  const venue = await startBenchVenue({ thread: THREAD, startPrice: 30_000, cash: 1e9, tickMs: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-path-'));
  const store = await openStore({ dir: join(dir, 'db'), env: {} });
  await store.startRun({ id: 'bench-path', kind: 'live' });
  let failure: unknown = null;
  const filled = new Map<string, () => void>();
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, ...spotUrls(venue), symbols: ['BTC/USDT'], rateLimitMs: 1 }, {
    onOrderEvent: (e, o) => {
      if (o.status === 'filled') filled.get(o.id)?.();
    },
  });
  await client.connect();
  const handed = new Map<string, number>();
  const submit = client.submit.bind(client);
  client.submit = (order, nowMs) => {
    handed.set(order.id, sharedNowMs());
    submit(order, nowMs);
  };
  const journal = journalIn(dir, 'bench-path');
  const durable = new DurableExecutionClient(client, store, 'bench-path', Date.now, (e) => (failure = e), journal);
  const arrived = new Map<string, (at: number) => void>();
  venue.on('order', (o) => arrived.get(o.clientOrderId)?.(o.at));
  const commit: number[] = [];
  const wire: number[] = [];
  const total: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < orders; i++) {
    const id = `path-${i}`;
    const at = new Promise<number>((r) => arrived.set(id, r));
    const done = new Promise<void>((r) => filled.set(id, r));
    const order = new Order(id, 'bench', { symbol: 'BTC/USDT', side: i % 2 === 0 ? 'buy' : 'sell', type: 'market', qty: 0.001, tif: 'GTC' }, Date.now());
    const start = sharedNowMs();
    durable.submit(order, Date.now());
    const end = await at;
    const h = handed.get(id)!;
    commit.push(h - start);
    wire.push(end - h);
    total.push(end - start);
    await done;
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (performance.now() - t0) / 1000;
  const load = await loadAvg();
  await client.idle();
  await durable.drained();
  journal?.close();
  await client.disconnect();
  await store.close();
  await venue.close();
  rmSync(dir, { recursive: true, force: true });
  if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
  const intent = DURABILITY === 'store' ? 'PGlite commit' : DURABILITY === 'fsync' ? 'journal write + fdatasync, PGlite commit after sending' : 'journal write, PGlite commit after sending';
  return {
    name: 'live-order-path', work: `${orders} market orders one at a time, nothing streaming: durable intent (${intent}) + Binance adapter to the fake's matcher (${THREAD ? 'its own thread' : "the node's thread"}); durability ${DURABILITY}`,
    seconds: round(seconds), rate: orders / seconds, peakRssMb: peakRssMb(), loadAvg: load,
    p50Ms: round(pct(total, 50), 3), p99Ms: round(pct(total, 99), 3), minMs: round(Math.min(...total), 3),
    intentCommitP50Ms: round(pct(commit, 50), 3), intentCommitP99Ms: round(pct(commit, 99), 3), intentCommitMinMs: round(Math.min(...commit), 3),
    adapterToVenueP50Ms: round(pct(wire, 50), 3), adapterToVenueP99Ms: round(pct(wire, 99), 3), adapterToVenueMinMs: round(Math.min(...wire), 3),
  };
}

/** Market orders through the adapter as fast as it takes them; every fill heard and checked against the venue. */
async function ordersPerSecond(orders: number, rateLimitMs: number | undefined): Promise<BenchResult> {
  const venue = await startBenchVenue({ thread: THREAD, startPrice: 30_000, cash: 1e9, tickMs: 100 });
  const key = (id: string, qty: number, price: number): string => `${id} ${qty.toFixed(8)} @ ${price.toFixed(2)}`;
  const heard: string[] = [];
  let filled = 0;
  let rejected = 0;
  const sink: ExecutionSink = {
    onOrderEvent: (e, o) => {
      if (e.type === 'OrderFilled') {
        heard.push(key(o.id, e.fill.qty, e.fill.price));
        if (o.status === 'filled') filled++;
      } else if (e.type === 'OrderRejected') rejected++;
    },
  };
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, ...spotUrls(venue), symbols: ['BTC/USDT'], ...(rateLimitMs !== undefined && { rateLimitMs }) }, sink);
  await client.connect();
  const since = Date.now() - 1000;
  const t0 = performance.now();
  for (let i = 0; i < orders; i++) {
    client.submit(new Order(`bench-${i}`, 'bench', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 0.001, tif: 'GTC' }, Date.now()), Date.now());
  }
  while (filled + rejected < orders) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  const load = await loadAvg();
  // Every fill reconciled: the venue's trades (as the adapter reads them back) are the fills the stream told, one for one.
  const venueFills = await client.fillsSince(since);
  const fake = await venue.fills();
  const duplicates = (await venue.duplicateAcceptances()).length;
  const venueKeys = fake.map((f) => key(f.clientOrderId, f.qty, f.price)).sort();
  const same = (xs: string[]): boolean => xs.length === venueKeys.length && [...xs].sort().every((x, i) => x === venueKeys[i]);
  const mismatched = (same(heard) ? 0 : 1) + (same(venueFills.map((f) => key(f.clientOrderId, f.qty, f.price))) ? 0 : 1);
  await client.disconnect();
  await venue.close();
  if (rejected > 0 || mismatched > 0) throw new Error(`orders/s bench: ${rejected} rejected, ${mismatched} fills not reconciled`);
  return {
    name: 'live-orders-per-second', work: `${orders} market orders through the Binance adapter to the fake (${THREAD ? 'its own thread' : "the node's thread"}), each fill heard and reconciled (${rateLimitMs === undefined ? "ccxt's Binance rate limit: 6,000 weight a minute, 100 orders/s at most" : `rate limiter at ${rateLimitMs} ms per unit`})`,
    seconds: round(seconds), rate: orders / seconds, peakRssMb: peakRssMb(), loadAvg: load, fills: fake.length, fillsReconciled: heard.length, duplicates,
  };
}

/**
 * What start-up reconciliation reads from Binance, per symbol, at the adapter's default rate-limiter pace:
 * Binance answers trades per symbol only (GET /api/v3/myTrades), so a restart's fillsSince makes one
 * request per traded symbol.
 */
async function reconcileRead(count: number): Promise<BenchResult> {
  const spots = venueSymbols(count);
  const venue = await FakeBinanceVenue.start({ symbols: spots, startPrice: 100, drive: false });
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, baseUrl: venue.baseUrl, streamUrl: `${venue.streamUrl}/ws-api/v3`, symbols: spots.map((s) => unified(s.symbol)) }, { onOrderEvent: () => undefined });
  await client.connect();
  const t0 = performance.now();
  await client.openOrders();
  await client.fillsSince(Date.now() - 60_000);
  await client.positions();
  await client.balances();
  const seconds = (performance.now() - t0) / 1000;
  await client.disconnect();
  await venue.close();
  return {
    name: 'live-reconcile-read', work: `mass status (open orders, fills since, positions, balances) of ${count} symbols at ccxt's default Binance rate-limiter pace`,
    seconds: round(seconds), rate: count / seconds, peakRssMb: peakRssMb(), msPerSymbol: round((seconds * 1000) / count, 1), projected500SymbolsSeconds: round((seconds * 500) / count, 0),
  };
}

/** LIVE_BENCH_ONLY=path,tick,orders,reconcile (any of them, comma-separated) runs only those figures; default all. */
const ONLY = new Set((process.env.LIVE_BENCH_ONLY ?? 'path,tick,orders,reconcile').split(',').map((s) => s.trim()));

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  if (ONLY.has('path')) out.push(await orderPath(300));
  if (ONLY.has('tick')) out.push(...(await tickToOrder()));
  if (ONLY.has('orders')) {
    out.push(await ordersPerSecond(100, undefined));
    out.push(await ordersPerSecond(2000, 1));
  }
  if (ONLY.has('reconcile')) out.push(await reconcileRead(50));
  return out;
}
