// CcxtFeed through the real ccxt.pro client against the fake Binance market-data server on 127.0.0.1:
// closed bars once at their open time, trades, quotes; a dropped socket is reconnected and resubscribed and
// the bars missed meanwhile come by REST (none lost, none doubled); malformed frames are rejected naming the
// field; a silent stream is reported stale.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCcxtFeed, type CcxtFeed, type FeedStatus } from '../../src/brokers/ccxt/feed.ts';
import type { MarketSink } from '../../src/data/live/feed.ts';
import type { QuoteTick, TradeTick } from '../../src/model/market.ts';
import { makeKlines, type Kline } from '../fakes/binance/market-klines.ts';
import { FakeBinanceMarket } from '../fakes/binance/market-server.ts';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

interface Heard {
  bars: { symbol: string; t: number; o: number; h: number; l: number; c: number; v: number }[];
  trades: TradeTick[];
  quotes: QuoteTick[];
  status: FeedStatus[];
}

function recorder(): { sink: MarketSink; heard: Heard } {
  const heard: Heard = { bars: [], trades: [], quotes: [], status: [] };
  const sink: MarketSink = {
    onBar: (symbol, t, o, h, l, c, v) => heard.bars.push({ symbol, t, o, h, l, c, v }),
    onTrade: (t) => heard.trades.push(t),
    onQuote: (q) => heard.quotes.push(q),
  };
  return { sink, heard };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const asBar = (symbol: string, k: Kline): Heard['bars'][number] => ({ symbol, t: k.openMs, o: k.open, h: k.high, l: k.low, c: k.close, v: k.volume });

let fake: FakeBinanceMarket;
let feed: CcxtFeed | undefined;
let running: Promise<void> | undefined;

beforeEach(async () => {
  fake = await FakeBinanceMarket.start();
});
afterEach(async () => {
  feed?.stop();
  await running;
  feed = undefined;
  await fake.close();
});

function startFeed(heard: Heard, sink: MarketSink, extra: Partial<Parameters<typeof createCcxtFeed>[0]> = {}): void {
  feed = createCcxtFeed({
    symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, streamUrl: fake.streamUrl,
    reconnectBaseMs: 20, reconnectMaxMs: 100, onStatus: (s) => heard.status.push(s), ...extra,
  });
  running = feed.start(sink);
}

/** Waits until every stream of the feed is subscribed (`n` SUBSCRIBE calls seen in all, counting earlier ones). */
async function subscribed(n: number): Promise<void> {
  await waitFor(`${n} subscriptions`, () => fake.subscribes.length >= n);
  await new Promise((r) => setTimeout(r, 30));
}

describe('CcxtFeed (ccxt.pro against the fake Binance streams)', () => {
  it('sends each closed bar once at its open time, and trades and quotes as they come', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink);
    await subscribed(3);
    expect(fake.subscribes.flat().sort()).toEqual(['btcusdt@bookTicker', 'btcusdt@kline_1m', 'btcusdt@trade', 'ethusdt@bookTicker', 'ethusdt@kline_1m', 'ethusdt@trade']);
    const btc = makeKlines(T0, 3, MIN, 7, 42_000);
    const eth = makeKlines(T0, 3, MIN, 9, 2_200);
    fake.formBar('BTCUSDT', '1m', { ...btc[0]!, close: btc[0]!.open });
    fake.formBar('BTCUSDT', '1m', btc[0]!);
    for (let i = 0; i < 3; i++) {
      fake.closeBar('BTCUSDT', '1m', btc[i]!);
      fake.closeBar('ETHUSDT', '1m', eth[i]!);
    }
    fake.trade('BTCUSDT', { price: 42_010.5, qty: 0.125, buyerIsMaker: false, timeMs: T0 + 3 * MIN + 5 });
    fake.trade('ETHUSDT', { price: 2_201.25, qty: 2, buyerIsMaker: true, timeMs: T0 + 3 * MIN + 6 });
    fake.bookTicker('BTCUSDT', { bid: 42_010, bidQty: 1.5, ask: 42_010.5, askQty: 0.75 });
    await waitFor('bars, trades and quotes', () => heard.bars.length === 6 && heard.trades.length === 2 && heard.quotes.length === 1);
    expect(heard.bars.filter((b) => b.symbol === 'BTC/USDT')).toEqual(btc.map((k) => asBar('BTC/USDT', k)));
    expect(heard.bars.filter((b) => b.symbol === 'ETH/USDT')).toEqual(eth.map((k) => asBar('ETH/USDT', k)));
    expect(heard.trades).toEqual([
      { symbol: 'BTC/USDT', tsEventMs: T0 + 3 * MIN + 5, price: 42_010.5, size: 0.125, aggressor: 'buyer', tradeId: '1000' },
      { symbol: 'ETH/USDT', tsEventMs: T0 + 3 * MIN + 6, price: 2_201.25, size: 2, aggressor: 'seller', tradeId: '1001' },
    ]);
    expect(heard.quotes[0]).toMatchObject({ symbol: 'BTC/USDT', bid: 42_010, ask: 42_010.5, bidSize: 1.5, askSize: 0.75 });
    expect(feed!.health()).toMatchObject({ barsSent: 6, rejectedFrames: 0, reconnects: 0, stale: false });
  });

  it('reconnects after a drop, resubscribes, and backfills the bars closed meanwhile by REST: none lost, none doubled', async () => {
    const { sink, heard } = recorder();
    const ks = makeKlines(T0, 12, MIN, 3, 42_000);
    // The market's clock: each bar closes a few seconds before the next step (past the feed's close grace).
    let clock = T0;
    const close = (i: number): void => {
      clock = ks[i]!.openMs + MIN + 4_000;
      fake.closeBar('BTCUSDT', '1m', ks[i]!);
    };
    startFeed(heard, sink, { symbols: ['BTC/USDT'], channels: { trades: false, quotes: false }, nowMs: () => clock });
    await subscribed(1);
    for (let i = 0; i < 3; i++) close(i);
    await waitFor('3 bars', () => heard.bars.length === 3);
    fake.dropSockets();
    // Closed while no socket is there: only REST will know them.
    for (let i = 3; i < 6; i++) close(i);
    await subscribed(2);
    // Bar 6 is forming: REST serves it too (as Binance does), but it is not closed, so it must not be sent.
    clock = ks[6]!.openMs + 30_000;
    fake.formBar('BTCUSDT', '1m', ks[6]!);
    await waitFor('backfilled bars 3-5', () => heard.bars.length === 6);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.bars.map((b) => b.t)).toEqual(ks.slice(0, 6).map((k) => k.openMs));
    close(6);
    await waitFor('bar 6', () => heard.bars.length === 7);
    // Drop again, several bars closed meanwhile, and the first frame after the reconnect is a closed bar after the gap.
    fake.dropSockets();
    for (let i = 7; i < 10; i++) close(i);
    await subscribed(3);
    close(10);
    close(11);
    await waitFor('all 12 bars', () => heard.bars.length >= 12);
    await new Promise((r) => setTimeout(r, 150));
    expect(heard.bars).toEqual(ks.map((k) => asBar('BTC/USDT', k)));
    const h = feed!.health();
    expect(h.reconnects).toBeGreaterThanOrEqual(2);
    expect(h.backfilledBars).toBeGreaterThanOrEqual(6);
    expect(heard.status.some((s) => s.kind === 'disconnected')).toBe(true);
    // Back up after each drop: the first frame after it reaches ccxt (the feed keeps handled frames from ccxt otherwise).
    expect(heard.status.filter((s) => s.kind === 'connected').length).toBeGreaterThanOrEqual(2);
    expect(heard.status.some((s) => s.kind === 'backfilled' && s.symbol === 'BTC/USDT')).toBe(true);
    expect(fake.requests.filter((r) => r.path === '/api/v3/klines').every((r) => r.query.symbol === 'BTCUSDT' && r.query.interval === '1m')).toBe(true);
  });

  it('fills a bar the stream left out from REST before sending the bar after it', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink, { symbols: ['BTC/USDT'], channels: { trades: false, quotes: false } });
    await subscribed(1);
    const ks = makeKlines(T0, 5, MIN, 5, 42_000);
    fake.closeBar('BTCUSDT', '1m', ks[0]!);
    fake.closeBar('BTCUSDT', '1m', ks[1]!, { skipStream: true });
    fake.closeBar('BTCUSDT', '1m', ks[2]!, { skipStream: true });
    fake.closeBar('BTCUSDT', '1m', ks[3]!);
    fake.closeBar('BTCUSDT', '1m', ks[4]!);
    await waitFor('5 bars', () => heard.bars.length >= 5);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.bars).toEqual(ks.map((k) => asBar('BTC/USDT', k)));
    // Bars 1-3 (and 4, when REST answered after it closed) came by REST; the stream's copy of 3 (or 4) was dropped.
    expect(heard.status.find((s) => s.kind === 'backfilled')).toMatchObject({ symbol: 'BTC/USDT', fromMs: ks[1]!.openMs });
  });

  it('rejects malformed frames naming the field, and keeps streaming', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink, { symbols: ['BTC/USDT'] });
    await subscribed(3);
    const [k0, k1] = makeKlines(T0, 2, MIN, 11, 42_000);
    const good = { e: 'kline', E: T0 + MIN, s: 'BTCUSDT', k: { t: T0, T: T0 + MIN - 1, s: 'BTCUSDT', i: '1m', o: '1.0', h: '2.0', l: '0.5', c: '1.5', v: '3', x: true } };
    const on = 'btcusdt@kline_1m';
    fake.sendRaw('not json at all', on);
    fake.sendRaw(JSON.stringify({ ...good, k: { ...good.k, c: 'abc' } }), on);
    fake.sendRaw(JSON.stringify({ ...good, k: { ...good.k, h: '0.1' } }), on);
    fake.sendRaw(JSON.stringify({ e: 'trade', E: 1, s: 'BTCUSDT', t: 5, q: '1.0', T: 1, m: true }), on);
    fake.sendRaw(JSON.stringify({ u: 1, s: 'BTCUSDT', b: '-', B: '1', a: '2', A: '1' }), on);
    fake.sendRaw('[1,2,3]', on);
    await waitFor('6 rejections', () => feed!.health().rejectedFrames === 6);
    const reasons = heard.status.filter((s) => s.kind === 'rejected-frame').map((s) => (s as { reason: string }).reason);
    expect(reasons[0]).toContain('expected a JSON object');
    expect(reasons[1]).toMatch(/field "k\.c".*binance kline frame: expected a decimal string/);
    expect(reasons[2]).toMatch(/field "k\.h".*high below low/);
    expect(reasons[3]).toMatch(/field "p".*binance trade frame/);
    expect(reasons[4]).toMatch(/field "b".*binance bookTicker frame/);
    expect(heard.bars).toEqual([]);
    fake.closeBar('BTCUSDT', '1m', k0!);
    fake.closeBar('BTCUSDT', '1m', k1!);
    fake.trade('BTCUSDT', { price: 42_000.5, qty: 1, buyerIsMaker: true, timeMs: T0 + 2 * MIN });
    await waitFor('bars and trade after the bad frames', () => heard.bars.length === 2 && heard.trades.length === 1);
    expect(heard.bars.map((b) => b.c)).toEqual([k0!.close, k1!.close]);
  });

  it('reports staleness when the stream goes silent with the socket open, and freshness when it speaks again', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink, { symbols: ['BTC/USDT'], staleAfterMs: 300 });
    await subscribed(3);
    fake.trade('BTCUSDT', { price: 42_000, qty: 1, buyerIsMaker: true, timeMs: T0 });
    await waitFor('a trade', () => heard.trades.length === 1);
    // (A slow start may have been stale before the first trade: only what follows counts here.)
    const mark = heard.status.length;
    fake.paused = true;
    fake.trade('BTCUSDT', { price: 42_001, qty: 1, buyerIsMaker: true, timeMs: T0 + 1 });
    await waitFor('stale', () => feed!.health().stale, 3_000);
    const stale = heard.status.slice(mark).find((s) => s.kind === 'stale') as { sinceLastMessageMs: number };
    expect(stale.sinceLastMessageMs).toBeGreaterThanOrEqual(300);
    expect(feed!.health().sinceLastMessageMs).toBeGreaterThanOrEqual(300);
    expect(fake.openSockets).toBe(3);
    fake.paused = false;
    fake.trade('BTCUSDT', { price: 42_002, qty: 1, buyerIsMaker: true, timeMs: T0 + 2 });
    await waitFor('fresh', () => !feed!.health().stale);
    expect(heard.status.slice(mark).map((s) => s.kind).filter((k) => k === 'stale' || k === 'fresh')).toEqual(['stale', 'fresh']);
    expect(heard.trades.map((t) => t.price)).toEqual([42_000, 42_002]);
  });

  it('starts from sinceMs: closed bars before the first streamed one come by REST, then the stream; keys never show', async () => {
    const ks = makeKlines(T0, 1502, MIN, 21, 42_000);
    fake.addHistory('BTCUSDT', '1m', ks.slice(0, 1500));
    fake.formBar('BTCUSDT', '1m', ks[1500]!);
    const { sink, heard } = recorder();
    const key = 'PUBKEY-a1b2c3d4e5';
    const secret = 'SECRET-z9y8x7w6v5';
    fake.failRest(1, 503, -1001, `Internal error; echo ${key} ${secret}`);
    startFeed(heard, sink, { symbols: ['BTC/USDT'], channels: { trades: false, quotes: false }, sinceMs: ks[10]!.openMs, apiKey: key, secret,
      // The market's clock: bar 1500 is still forming (REST serves it, as Binance does) and must wait for its close.
      nowMs: () => ks[1500]!.openMs + 30_000 });
    await waitFor('bars 10-1499', () => heard.bars.length === 1490);
    await subscribed(1);
    fake.closeBar('BTCUSDT', '1m', ks[1500]!);
    fake.closeBar('BTCUSDT', '1m', ks[1501]!);
    await waitFor('bars 1500-1501', () => heard.bars.length === 1492);
    expect(heard.bars).toEqual(ks.slice(10).map((k) => asBar('BTC/USDT', k)));
    const said = JSON.stringify([heard.status, feed!.health()]);
    expect(said).not.toContain(key);
    expect(said).not.toContain(secret);
  });

  it('warms up with the last closed bars by REST, then continues right after them: none lost or doubled in between', async () => {
    const btc = makeKlines(T0, 305, MIN, 41, 42_000);
    const eth = makeKlines(T0, 305, MIN, 43, 2_200);
    fake.addHistory('BTCUSDT', '1m', btc.slice(0, 300));
    fake.addHistory('ETHUSDT', '1m', eth.slice(0, 300));
    fake.formBar('BTCUSDT', '1m', btc[300]!);
    let clock = btc[300]!.openMs + 30_000;
    const { sink, heard } = recorder();
    feed = createCcxtFeed({
      symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, channels: { trades: false, quotes: false },
      reconnectBaseMs: 20, reconnectMaxMs: 100, nowMs: () => clock,
    });
    const warm = await feed.warmup(50);
    expect(warm.length).toBe(100);
    expect(warm.filter((b) => b.symbol === 'BTC/USDT').map((b) => b.tsMs)).toEqual(btc.slice(250, 300).map((k) => k.openMs));
    expect(warm.filter((b) => b.symbol === 'ETH/USDT').map((b) => b.close)).toEqual(eth.slice(250, 300).map((k) => k.close));
    expect(warm.every((b, i) => i === 0 || b.tsMs >= warm[i - 1]!.tsMs)).toBe(true);
    // Bars 300-302 close while the node warms up, before the feed starts.
    for (let i = 300; i < 303; i++) {
      fake.closeBar('BTCUSDT', '1m', btc[i]!);
      fake.closeBar('ETHUSDT', '1m', eth[i]!);
    }
    clock = btc[303]!.openMs + 10_000;
    running = feed.start(sink);
    await subscribed(1);
    for (const i of [303, 304]) {
      clock = btc[i]!.openMs + MIN + 4_000;
      fake.closeBar('BTCUSDT', '1m', btc[i]!);
      fake.closeBar('ETHUSDT', '1m', eth[i]!);
    }
    await waitFor('bars 300-304 of both', () => heard.bars.length === 10);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.bars.filter((b) => b.symbol === 'BTC/USDT')).toEqual(btc.slice(300).map((k) => asBar('BTC/USDT', k)));
    expect(heard.bars.filter((b) => b.symbol === 'ETH/USDT')).toEqual(eth.slice(300).map((k) => asBar('ETH/USDT', k)));
  });

  it('survives a sink that throws: the failure is reported and the next data still arrives', async () => {
    const { sink, heard } = recorder();
    let fail = true;
    const flaky: MarketSink = {
      onBar: (...a) => {
        if (fail) throw new Error('strategy blew up');
        sink.onBar(...a);
      },
      onTrade: (t) => {
        if (fail) throw new Error('trade handler blew up');
        sink.onTrade(t);
      },
      onQuote: sink.onQuote,
    };
    startFeed(heard, flaky, { symbols: ['BTC/USDT'] });
    await subscribed(3);
    const ks = makeKlines(T0, 2, MIN, 31, 42_000);
    fake.closeBar('BTCUSDT', '1m', ks[0]!);
    fake.trade('BTCUSDT', { price: 42_000, qty: 1, buyerIsMaker: true, timeMs: T0 + MIN });
    await waitFor('two reported failures', () => heard.status.filter((s) => s.kind === 'error').length === 2);
    fail = false;
    fake.closeBar('BTCUSDT', '1m', ks[1]!);
    fake.trade('BTCUSDT', { price: 42_001, qty: 1, buyerIsMaker: true, timeMs: T0 + 2 * MIN });
    await waitFor('the next bar and trade', () => heard.bars.length === 1 && heard.trades.length === 1);
    expect(heard.bars[0]!.t).toBe(ks[1]!.openMs);
    expect(heard.status.filter((s) => s.kind === 'error').map((s) => (s as { reason: string }).reason)).toEqual([
      `the sink failed on the BTC/USDT bar at ${new Date(T0).toISOString()}: Error: strategy blew up`,
      'the sink failed on a trade: Error: trade handler blew up',
    ]);
  });

  it('stops cleanly when stopped while starting, and start() then resolves', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink);
    feed!.stop();
    await running;
    startFeed(heard, sink, { symbols: ['BTC/USDT'] });
    await subscribed(3);
    feed!.stop();
    await running;
    await waitFor('sockets closed', () => fake.openSockets === 0);
  });

  it('refuses an unknown symbol, timeframe or exchange before streaming', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink, { symbols: ['NOPE/USDT'] });
    await expect(running).rejects.toThrow(/unknown symbol "NOPE\/USDT"/);
    startFeed(heard, sink, { timeframe: '7m' });
    await expect(running).rejects.toThrow(/timeframe "7m"/);
    running = undefined;
    expect(() => createCcxtFeed({ exchangeId: 'nosuchx', symbols: ['BTC/USDT'] })).toThrow(/unknown ccxt exchange "nosuchx"/);
    // Exchanges outside the Binance family stream through ccxt.pro's unified watches (ccxt-feed-okx.test.ts).
    expect(createCcxtFeed({ exchangeId: 'kraken', symbols: ['BTC/USD'] }).name).toBe('ccxt:kraken');
  });
});
