// A live node against the fake Binance venue on loopback (test/fakes/binance/venue.ts: both protocol fakes
// behind one port), in one process: the LiveNode with the Binance adapter (CcxtExecutionClient through
// ccxt) for orders, CcxtFeed (ccxt.pro) for market data, and the embedded store (PGlite) persisting every
// intent before it is sent. Three figures:
// - live-tick-to-order: 500 symbols stream quotes, trades and 1 s bars; a strategy sends a market order on
//   each bar of 6 of them (spread over the 500, so some wait behind the rest of the round's frames). Latency
//   = from the moment the venue hands that symbol's closing kline frame to its socket to the moment the
//   order arrives at the venue's matcher (feed decode, strategy, risk, the durable intent, signing, REST).
//   Both timestamps are taken by the fake in this process (performance.now()); the fake's own work (7,500
//   frames a second) shares the event loop with the node, as a co-located venue would share the CPU.
//   Split further: frame -> strategy, strategy -> adapter (the intent committed), adapter -> venue (ccxt, wire).
// - live-orders-per-second: market buys sent through the adapter as fast as it takes them, each fill heard
//   on the user-data stream, then every fill checked against the venue (fillsSince = the venue's trades,
//   one for one). Twice: with ccxt's rate limiter at Binance's default pace (what a user gets), and lowered
//   to 1 ms per weight unit (the adapter's own cost).
// - live-memory-per-symbol: heap growth of the node, feed and client per symbol with 500 symbols streaming
//   (after GC; the fake's own kline history is dropped before measuring).
// - live-reconcile-read: what a restart's reconciliation reads per symbol at the default rate-limiter pace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCcxtExecutionClient } from '../src/brokers/ccxt/index.ts';
import { createCcxtFeed } from '../src/brokers/ccxt/feed.ts';
import { RealClock } from '../src/core/clock.ts';
import { LiveNode } from '../src/engine/live-node.ts';
import { venueInstrument } from '../src/engine/venues.ts';
import type { ExecutionSink } from '../src/execution/execution-client.ts';
import { SinkRelay } from '../src/execution/sink-relay.ts';
import type { Bar } from '../src/model/bar.ts';
import { Order } from '../src/model/order.ts';
import { openStore } from '../src/store/open.ts';
import type { StrategyContext } from '../src/strategies/context.ts';
import { Strategy } from '../src/strategies/strategy.ts';
import { FakeBinanceVenue, venueSymbols } from '../test/fakes/binance/venue.ts';
import { peakRssMb, type BenchResult } from './types.ts';

/** 500; LIVE_BENCH_SYMBOLS=<n> streams fewer (a baseline: how much of the latency is the 500 symbols' load). */
const SYMBOLS = Number(process.env.LIVE_BENCH_SYMBOLS ?? 500);
/** Six traded symbols spread over the streamed ones (with 500: S0, S99, S199, S299, S399, S499). */
const TRADED = [...new Set([0, 1, 2, 3, 4, 5].map((k) => Math.round((k * (SYMBOLS - 1)) / 5)))];
const STREAM_SECONDS = Number(process.env.LIVE_BENCH_SECONDS ?? 30);

const unified = (venueId: string): string => venueId.replace(/USDT$/, '/USDT');

/** When the strategy decided, per venue symbol: the bar it traded on and performance.now(). */
const decided = new Map<string, { openMs: number; at: number }>();

/** A market order on every bar of the traded symbols: buys when flat, sells what it holds. */
class BarTrader extends Strategy<{ symbols: readonly string[] }> {
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (!this.config.symbols.includes(bar.symbol) || ctx.openOrders(bar.symbol).length > 0) return;
    decided.set(bar.symbol.replace('/', ''), { openMs: bar.tsEventMs, at: performance.now() });
    const pos = ctx.position(bar.symbol);
    if (pos.isFlat) ctx.buy(bar.symbol, 1);
    else ctx.sell(bar.symbol, pos.qty);
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

async function tickToOrder(): Promise<BenchResult[]> {
  const spots = venueSymbols(SYMBOLS);
  const venue = await FakeBinanceVenue.start({ symbols: spots, cash: 1e9, startPrice: 100, tickMs: 200, interval: '1s' });
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-live-'));
  const symbols = spots.map((s) => unified(s.symbol));
  const traded = TRADED.map((i) => symbols[i]!);
  // Latency: when each closing kline frame was sent, when the strategy decided on that bar, and when its
  // order arrived at the matcher; split into frame -> strategy (feed) and strategy -> venue (order path).
  const sentAt = new Map<string, number>();
  venue.driver.on('bar', (b) => {
    if (TRADED.some((i) => spots[i]!.symbol === b.symbol)) sentAt.set(`${b.symbol}|${b.openMs}`, b.sentAt);
  });
  const latencies: number[] = [];
  const feedPart: number[] = [];
  const orderPart: number[] = [];
  const persistPart: number[] = [];
  const wirePart: number[] = [];
  const seen = new Set<string>();
  venue.spot.exchange.on('order', (o) => {
    if (seen.has(o.clientOrderId)) return;
    seen.add(o.clientOrderId);
    const now = performance.now();
    const d = decided.get(o.symbol);
    const sent = d === undefined ? undefined : sentAt.get(`${o.symbol}|${d.openMs}`);
    if (d === undefined || sent === undefined) return;
    latencies.push(now - sent);
    feedPart.push(d.at - sent);
    orderPart.push(now - d.at);
    const h = handed.get(o.symbol);
    if (h !== undefined && h >= d.at) {
      persistPart.push(h - d.at);
      wirePart.push(now - h);
    }
  });
  const heap0 = heapMb();
  const store = await openStore({ dir: join(dir, 'db'), env: {} });
  const relay = new SinkRelay();
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, baseUrl: venue.baseUrl, streamUrl: `${venue.streamUrl}/ws-api/v3`, symbols, rateLimitMs: 1 }, relay);
  // When the durable client hands each order to the adapter (its intent committed): splits strategy -> venue.
  const handed = new Map<string, number>();
  const submit = client.submit.bind(client);
  client.submit = (order, nowMs) => {
    handed.set(order.symbol.replace('/', ''), performance.now());
    submit(order, nowMs);
  };
  const feed = createCcxtFeed({ symbols, timeframe: '1s', baseUrl: venue.baseUrl, streamUrl: `${venue.streamUrl}/ws` });
  const node = new LiveNode({
    runId: 'bench-live', kind: 'live', broker: { client, relay, positionCheckEveryMs: 0 }, instruments: symbols.map(venueInstrument),
    strategies: [{ strategy: new BarTrader({ symbols: traded }), id: 'bar-trader' }], feed, store, clock: new RealClock(), cash: 1e9, matchOn: 'quotes', barMs: 1000,
  });
  const t0 = performance.now();
  await node.restore();
  const restoreSeconds = (performance.now() - t0) / 1000;
  const trading = node.trade();
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, STREAM_SECONDS * 1000));
  const health = feed.health();
  const status = node.status();
  // The fake's kline history is the venue's memory, not the node's.
  for (const s of spots) (venue.market.history(s.symbol, '1s') as unknown[]).length = 0;
  const heap1 = heapMb();
  const streamed = (performance.now() - t1) / 1000;
  await node.stop();
  await trading;
  await venue.close();
  rmSync(dir, { recursive: true, force: true });
  return [
    {
      name: 'live-tick-to-order', work: `${SYMBOLS} symbols streaming (quotes+trades every 200 ms, 1 s bars); market order per bar on ${traded.length}; ${latencies.length} orders`,
      seconds: round(streamed), rate: latencies.length / streamed, peakRssMb: peakRssMb(),
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

/** Market orders through the adapter as fast as it takes them; every fill heard and checked against the venue. */
async function ordersPerSecond(orders: number, rateLimitMs: number | undefined): Promise<BenchResult> {
  const venue = await FakeBinanceVenue.start({ startPrice: 30_000, cash: 1e9, tickMs: 100 });
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
  const client = createCcxtExecutionClient({ apiKey: venue.apiKey, secret: venue.secret, baseUrl: venue.baseUrl, streamUrl: `${venue.streamUrl}/ws-api/v3`, symbols: ['BTC/USDT'], ...(rateLimitMs !== undefined && { rateLimitMs }) }, sink);
  await client.connect();
  const since = Date.now() - 1000;
  const t0 = performance.now();
  for (let i = 0; i < orders; i++) {
    client.submit(new Order(`bench-${i}`, 'bench', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 0.001, tif: 'GTC' }, Date.now()), Date.now());
  }
  while (filled + rejected < orders) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  // Every fill reconciled: the venue's trades (as the adapter reads them back) are the fills the stream told, one for one.
  const venueFills = await client.fillsSince(since);
  const fake = venue.spot.exchange.fills();
  const venueKeys = fake.map((f) => key(f.clientOrderId, f.qty, f.price)).sort();
  const same = (xs: string[]): boolean => xs.length === venueKeys.length && [...xs].sort().every((x, i) => x === venueKeys[i]);
  const mismatched = (same(heard) ? 0 : 1) + (same(venueFills.map((f) => key(f.clientOrderId, f.qty, f.price))) ? 0 : 1);
  await client.disconnect();
  await venue.close();
  if (rejected > 0 || mismatched > 0) throw new Error(`orders/s bench: ${rejected} rejected, ${mismatched} fills not reconciled`);
  return {
    name: 'live-orders-per-second', work: `${orders} market orders through the Binance adapter to the fake, each fill heard and reconciled (${rateLimitMs === undefined ? "ccxt's Binance rate limiter at its default pace" : `rate limiter at ${rateLimitMs} ms per weight`})`,
    seconds: round(seconds), rate: orders / seconds, peakRssMb: peakRssMb(), fills: fake.length, fillsReconciled: heard.length, duplicates: venue.spot.exchange.duplicateAcceptances().length,
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

export async function run(): Promise<BenchResult[]> {
  const out = await tickToOrder();
  out.push(await ordersPerSecond(100, undefined));
  out.push(await ordersPerSecond(500, 1));
  out.push(await reconcileRead(50));
  return out;
}
