// CcxtFeed on an exchange outside the Binance family: OKX through ccxt.pro's unified watch methods
// (watchOHLCVForSymbols on /business, watchTradesForSymbols and watchBidsAsks on /public), against the fake
// OKX v5 server on 127.0.0.1. Bars, trades and quotes reach the sink; a dropped socket is reconnected and
// resubscribed and the bars missed meanwhile come by REST; an exchange without a needed stream is refused
// at start, naming it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCcxtFeed, type CcxtFeed, type FeedStatus } from '../../src/brokers/ccxt/feed.ts';
import type { MarketSink } from '../../src/data/live/feed.ts';
import type { QuoteTick, TradeTick } from '../../src/model/market.ts';
import { FakeOkxMarket, type OkxBar } from '../fakes/okx/market-server.ts';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

interface Heard { bars: { symbol: string; t: number; c: number }[]; trades: TradeTick[]; quotes: QuoteTick[]; status: FeedStatus[] }

function recorder(): { sink: MarketSink; heard: Heard } {
  const heard: Heard = { bars: [], trades: [], quotes: [], status: [] };
  return {
    heard,
    sink: { onBar: (symbol, t, _o, _h, _l, c) => heard.bars.push({ symbol, t, c }), onTrade: (t) => heard.trades.push(t), onQuote: (q) => heard.quotes.push(q) },
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bar = (i: number, base: number): OkxBar => ({ ts: T0 + i * MIN, o: base + i, h: base + i + 5, l: base + i - 5, c: base + i + 1, v: 2 + i });

let fake: FakeOkxMarket;
let feed: CcxtFeed | undefined;
let running: Promise<void> | undefined;

beforeEach(async () => {
  fake = await FakeOkxMarket.start();
});
afterEach(async () => {
  feed?.stop();
  await running;
  feed = undefined;
  await fake.close();
});

function startFeed(heard: Heard, sink: MarketSink): void {
  feed = createCcxtFeed({
    exchangeId: 'okx', symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, streamUrl: fake.streamUrl,
    reconnectBaseMs: 20, reconnectMaxMs: 100, onStatus: (s) => heard.status.push(s),
  });
  running = feed.start(sink);
}

/** All six channels subscribed (counting earlier subscriptions). */
async function subscribed(n: number): Promise<void> {
  await waitFor(`${n} subscriptions`, () => fake.subscribes.length >= n);
  await new Promise((r) => setTimeout(r, 30));
}

describe('CcxtFeed on OKX (ccxt.pro unified watches against the fake OKX v5 server)', () => {
  it('sends closed bars at their open time, trades and best bid/ask, from the real ccxt.pro OKX client', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink);
    await subscribed(6);
    // Markets came from OKX's instruments endpoint; candles on /business, the rest on /public.
    expect(fake.requests.some((r) => r.path === '/api/v5/public/instruments' && r.query.instType === 'SPOT')).toBe(true);
    expect([...fake.subscribes].sort()).toEqual([
      'business candle1m:BTC-USDT', 'business candle1m:ETH-USDT', 'public bbo-tbt:BTC-USDT', 'public bbo-tbt:ETH-USDT', 'public trades:BTC-USDT', 'public trades:ETH-USDT',
    ]);
    // Bar 0 forms, closes (confirm 1), then bar 1's first update shows it is over: bar 0 goes out, once.
    fake.formBar('BTC-USDT', { ...bar(0, 42_000), c: 42_000 });
    fake.closeBar('BTC-USDT', bar(0, 42_000));
    fake.formBar('ETH-USDT', bar(0, 2_200));
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.bars).toEqual([]);
    fake.formBar('BTC-USDT', bar(1, 42_000));
    fake.closeBar('ETH-USDT', bar(0, 2_200));
    fake.formBar('ETH-USDT', bar(1, 2_200));
    await waitFor('two bars', () => heard.bars.length >= 2);
    expect(heard.bars).toEqual([{ symbol: 'BTC/USDT', t: T0, c: 42_001 }, { symbol: 'ETH/USDT', t: T0, c: 2_201 }]);
    // Trades: OKX's side is the taker's; every trade once, in order.
    const now = Date.now();
    const ids = [fake.trade('BTC-USDT', { px: 42_010.5, sz: 0.25, side: 'buy', ts: now }), fake.trade('BTC-USDT', { px: 42_009, sz: 0.1, side: 'sell', ts: now }), fake.trade('ETH-USDT', { px: 2_201.5, sz: 3, side: 'sell', ts: now + 1 })];
    await waitFor('three trades', () => heard.trades.length >= 3);
    expect(heard.trades.map((t) => [t.symbol, t.price, t.size, t.aggressor, t.tradeId, t.tsEventMs])).toEqual([
      ['BTC/USDT', 42_010.5, 0.25, 'buyer', ids[0], now], ['BTC/USDT', 42_009, 0.1, 'seller', ids[1], now], ['ETH/USDT', 2_201.5, 3, 'seller', ids[2], now + 1],
    ]);
    // A burst over both symbols (several frames per watch call) and a trade stamped earlier than the last: each once.
    const burst: string[] = [];
    for (let k = 0; k < 40; k++) burst.push(fake.trade(k % 2 === 0 ? 'BTC-USDT' : 'ETH-USDT', { px: 100 + k, sz: 1, side: 'buy', ts: now + 10 + k }));
    burst.push(fake.trade('BTC-USDT', { px: 99, sz: 1, side: 'sell', ts: now - 1_000 }));
    await waitFor('the burst', () => heard.trades.length >= 44);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.trades.slice(3).map((t) => t.tradeId).sort()).toEqual([...burst].sort());
    fake.bbo('BTC-USDT', { bid: 42_000.1, bidSz: 1.5, ask: 42_000.2, askSz: 0.7, ts: now + 2 });
    fake.bbo('ETH-USDT', { bid: 2_200.1, bidSz: 10, ask: 2_200.3, askSz: 4, ts: now + 3 });
    await waitFor('two quotes', () => heard.quotes.length >= 2);
    expect(heard.quotes.map((q) => [q.symbol, q.bid, q.ask, q.bidSize, q.askSize, q.tsEventMs]).sort()).toEqual([
      ['BTC/USDT', 42_000.1, 42_000.2, 1.5, 0.7, now + 2], ['ETH/USDT', 2_200.1, 2_200.3, 10, 4, now + 3],
    ]);
    expect(feed!.health()).toMatchObject({ barsSent: 2, duplicateBars: 0, rejectedFrames: 0, stale: false });
    expect(heard.status.filter((s) => s.kind === 'error')).toEqual([]);
  }, 20_000);

  it('reconnects and resubscribes after a drop, and sends the bars closed meanwhile from REST, none twice or lost', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink);
    await subscribed(6);
    for (let i = 0; i < 2; i++) {
      fake.formBar('BTC-USDT', bar(i, 42_000));
      fake.closeBar('BTC-USDT', bar(i, 42_000));
    }
    fake.formBar('BTC-USDT', bar(2, 42_000));
    await waitFor('bars 0-1', () => heard.bars.length >= 2);
    const before = fake.connections;
    fake.dropAll();
    // Bars 2-4 close while nobody listens; only REST knows them.
    for (let i = 2; i < 5; i++) fake.closeBar('BTC-USDT', bar(i, 42_000));
    await waitFor('a reconnect', () => fake.connections >= before + 2 && fake.subscribers('candle1m', 'BTC-USDT') === 1 && fake.subscribers('trades', 'BTC-USDT') === 1);
    await subscribed(12);
    // Bar 5 forms: the channel is back, the feed reports connected and backfills 2-4; bar 5 follows once 6 starts.
    fake.formBar('BTC-USDT', bar(5, 42_000));
    await waitFor('the backfill', () => heard.bars.length >= 5);
    fake.closeBar('BTC-USDT', bar(5, 42_000));
    fake.formBar('BTC-USDT', bar(6, 42_000));
    await waitFor('bar 5', () => heard.bars.length >= 6);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.bars.map((b) => [b.t, b.c])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [T0 + i * MIN, 42_001 + i]));
    expect(heard.status.some((s) => s.kind === 'disconnected')).toBe(true);
    expect(heard.status.filter((s) => s.kind === 'connected').length).toBeGreaterThanOrEqual(1);
    expect(heard.status).toContainEqual({ kind: 'backfilled', symbol: 'BTC/USDT', bars: 3, fromMs: T0 + 2 * MIN, toMs: T0 + 4 * MIN });
    expect(fake.requests.some((r) => r.path.startsWith('/api/v5/market/') && r.query.instId === 'BTC-USDT')).toBe(true);
    expect(feed!.health()).toMatchObject({ barsSent: 6, backfilledBars: 3, duplicateBars: 0 });
  }, 20_000);

  it('fills a gap longer than one OKX page (300 bars) over several REST pages', async () => {
    const { sink, heard } = recorder();
    startFeed(heard, sink);
    await subscribed(6);
    fake.formBar('BTC-USDT', bar(0, 42_000));
    fake.closeBar('BTC-USDT', bar(0, 42_000));
    fake.formBar('BTC-USDT', bar(1, 42_000));
    await waitFor('bar 0', () => heard.bars.length >= 1);
    const before = fake.connections;
    fake.dropAll();
    for (let i = 1; i < 351; i++) fake.closeBar('BTC-USDT', bar(i, 42_000));
    await waitFor('a reconnect', () => fake.connections >= before + 2 && fake.subscribers('candle1m', 'BTC-USDT') === 1);
    fake.formBar('BTC-USDT', bar(351, 42_000));
    await waitFor('the backfill', () => heard.status.some((s) => s.kind === 'backfilled'), 10_000);
    expect(heard.bars.map((b) => b.t)).toEqual(Array.from({ length: 351 }, (_, i) => T0 + i * MIN));
    expect(heard.status).toContainEqual({ kind: 'backfilled', symbol: 'BTC/USDT', bars: 350, fromMs: T0 + MIN, toMs: T0 + 350 * MIN });
    expect(fake.requests.filter((r) => r.path.startsWith('/api/v5/market/')).every((r) => Number(r.query.limit) <= 300)).toBe(true);
    expect(feed!.health()).toMatchObject({ backfilledBars: 350, duplicateBars: 0 });
  }, 20_000);

  it('warm-up: the last closed bars by OKX REST, paged at 300, the forming candle left out', async () => {
    // 30 s into the minute by the feed's clock: the bar that began a minute ago is the last closed one.
    const minute = Math.floor(Date.now() / MIN) * MIN;
    const last = minute - MIN;
    for (let k = 449; k >= 0; k--) fake.closeBar('BTC-USDT', { ts: last - k * MIN, o: 100 + k, h: 110 + k, l: 90 + k, c: 101 + k, v: 1 });
    fake.formBar('BTC-USDT', { ts: minute, o: 1, h: 1, l: 1, c: 1, v: 1 });
    const f = createCcxtFeed({ exchangeId: 'okx', symbols: ['BTC/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, nowMs: () => minute + 30_000 });
    const bars = await f.warmup(400);
    expect(bars.length).toBe(400);
    expect(bars[0]!.tsMs).toBe(last - 399 * MIN);
    expect(bars[399]).toMatchObject({ symbol: 'BTC/USDT', tsMs: last, open: 100, close: 101 });
    expect(bars.every((b, i) => i === 0 || b.tsMs - bars[i - 1]!.tsMs === MIN)).toBe(true);
    const candles = fake.requests.filter((r) => r.path.startsWith('/api/v5/market/'));
    expect(candles.length).toBeGreaterThanOrEqual(2);
    expect(candles.every((r) => Number(r.query.limit) <= 300 && r.query.instId === 'BTC-USDT' && r.query.bar === '1m')).toBe(true);
  });

  it('reports a silent stream stale and fresh again; a bad candle is rejected naming the field; frames ccxt cannot use do not stop it', async () => {
    const { sink, heard } = recorder();
    feed = createCcxtFeed({
      exchangeId: 'okx', symbols: ['BTC/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, staleAfterMs: 150,
      reconnectBaseMs: 20, reconnectMaxMs: 100, onStatus: (s) => heard.status.push(s),
    });
    running = feed.start(sink);
    await subscribed(3);
    await waitFor('stale', () => heard.status.some((s) => s.kind === 'stale'));
    fake.formBar('BTC-USDT', bar(0, 42_000));
    await waitFor('fresh', () => heard.status.some((s) => s.kind === 'fresh'));
    // A closed candle whose high is below its low never reaches the sink.
    fake.closeBar('BTC-USDT', { ...bar(0, 42_000), h: 41_000 });
    fake.formBar('BTC-USDT', bar(1, 42_000));
    await waitFor('a rejection', () => heard.status.some((s) => s.kind === 'rejected-frame'));
    expect(heard.status.find((s) => s.kind === 'rejected-frame')).toEqual({ kind: 'rejected-frame', reason: 'field "ohlcv.high": bad okx candle for BTC/USDT: high below low' });
    expect(heard.bars).toEqual([]);
    // Frames ccxt cannot use (not JSON, a push for an unknown channel, data that is not a list) do not stop the feed.
    fake.raw('not json {');
    fake.raw(JSON.stringify({ arg: { channel: 'candle1m', instId: 'BTC-USDT' }, data: 'nope' }));
    fake.raw(JSON.stringify({ arg: { channel: 'nosuch', instId: 'BTC-USDT' }, data: [] }));
    fake.closeBar('BTC-USDT', bar(1, 42_000));
    fake.formBar('BTC-USDT', bar(2, 42_000));
    await waitFor('bar 1', () => heard.bars.length >= 1);
    expect(heard.bars).toEqual([{ symbol: 'BTC/USDT', t: T0 + MIN, c: 42_002 }]);
  }, 20_000);

  it('an exchange without a stream the run needs is refused at start, naming it and the stream', async () => {
    // ccxt.pro's coinbase has no watchOHLCV: no bars to trade on.
    const f = createCcxtFeed({ exchangeId: 'coinbase', symbols: ['BTC/USD'], markets: [{ symbol: 'BTC/USD', id: 'BTC-USD', base: 'BTC', quote: 'USD' }] });
    const { sink } = recorder();
    await expect(f.start(sink)).rejects.toThrow(/ccxt\.pro's coinbase cannot stream bars \(watchOHLCVForSymbols \/ watchOHLCV\)/);
  });
});
