// Alpaca market data as a LiveFeed over the SDK's StockDataStream and CryptoDataStream, against the fake
// market-data stream (msgpack frames) on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { AlpacaLiveFeed } from '../../src/brokers/alpaca/feed.ts';
import { AlpacaHistory } from '../../src/brokers/alpaca/history.ts';
import type { MarketSink } from '../../src/data/live/feed.ts';
import type { QuoteTick, TradeTick } from '../../src/model/market.ts';
import { until } from '../execution/execution-client.contract.ts';
import { FakeAlpacaDataServer } from '../fakes/alpaca/data-server.ts';

class Sink implements MarketSink {
  readonly bars: [string, number, number, number, number, number, number][] = [];
  readonly quotes: QuoteTick[] = [];
  readonly trades: TradeTick[] = [];
  onBar(symbol: string, tsMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.bars.push([symbol, tsMs, open, high, low, close, volume]);
  }
  onQuote(q: QuoteTick): void {
    this.quotes.push(q);
  }
  onTrade(t: TradeTick): void {
    this.trades.push(t);
  }
}

let server: FakeAlpacaDataServer | undefined;
let feed: AlpacaLiveFeed | undefined;
afterEach(async () => {
  feed?.stop();
  await server?.close();
});

const T = Date.UTC(2024, 0, 2, 14, 31);

describe('Alpaca market data feed', () => {
  it('pushes closed minute bars, quotes and trades of stocks and crypto; a bad frame is skipped naming the field; reconnects and subscribes again', async () => {
    server = await FakeAlpacaDataServer.start();
    const lines: string[] = [];
    feed = new AlpacaLiveFeed({ symbols: ['AAPL', 'BTC/USD'], keyId: server.keyId, secretKey: server.secretKey, bars: true, quotes: true, trades: true, stockUrl: server.stockUrl, cryptoUrl: server.cryptoUrl, reconnect: { initialMs: 20, maxMs: 100 }, log: (l) => lines.push(l) });
    const sink = new Sink();
    let ended = false;
    const running = feed.start(sink).then(() => (ended = true));
    await until(() => server!.subscribed === 2, 'both streams subscribed');
    server.bar('AAPL', { t: new Date(T), o: 100, h: 101, l: 99.5, c: 100.5, v: 1200 });
    server.quote('AAPL', { t: new Date(T + 1500), bp: 100.4, bs: 3, ap: 100.6, as: 5 });
    server.trade('BTC/USD', { t: new Date(T + 2000), p: 42_000.5, s: 0.25, i: 9_007_199_254, tks: 'S' });
    server.bar('BTC/USD', { t: new Date(T), o: 42_000, h: 42_100, l: 41_900, c: 42_050, v: 3.5 });
    server.raw('bars', 'AAPL', { T: 'b', S: 'AAPL', o: 'oops', h: 1, l: 1, c: 1, v: 1, t: new Date(T + 60_000) });
    await until(() => sink.bars.length === 2 && sink.quotes.length === 1 && sink.trades.length === 1, 'data arrived');
    // Stocks and crypto come on two sockets: their bars of the same minute may arrive in either order.
    expect([...sink.bars].sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([['AAPL', T, 100, 101, 99.5, 100.5, 1200], ['BTC/USD', T, 42_000, 42_100, 41_900, 42_050, 3.5]]);
    expect(sink.quotes).toEqual([{ symbol: 'AAPL', tsEventMs: T + 1500, bid: 100.4, ask: 100.6, bidSize: 3, askSize: 5 }]);
    expect(sink.trades).toEqual([{ symbol: 'BTC/USD', tsEventMs: T + 2000, price: 42_000.5, size: 0.25, aggressor: 'seller', tradeId: '9007199254' }]);
    await until(() => lines.some((l) => /bar skipped: field "open"/.test(l)), 'bad bar logged');

    const before = server.subscribes.length;
    server.dropAll();
    await until(() => server!.subscribes.length >= before + 2 && server!.subscribed === 2, 'subscribed again after the drop');
    server.bar('AAPL', { t: new Date(T + 60_000), o: 100.5, h: 100.9, l: 100.1, c: 100.2, v: 800 });
    await until(() => sink.bars.length === 3, 'a bar after the reconnect');
    expect(sink.bars[2]).toEqual(['AAPL', T + 60_000, 100.5, 100.9, 100.1, 100.2, 800]);
    feed.stop();
    await running;
    expect(ended).toBe(true);
    expect(lines.join('\n')).not.toContain(server.secretKey);
  });

  it('refuses to start with credentials the stream rejects, without echoing them', async () => {
    server = await FakeAlpacaDataServer.start();
    feed = new AlpacaLiveFeed({ symbols: ['AAPL'], keyId: server.keyId, secretKey: 'wrongSecret000000000000000000000000000099', stockUrl: server.stockUrl });
    const err = await feed.start(new Sink()).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/alpaca market data: server_rejected: auth failed/);
    expect(err?.message).not.toContain('wrongSecret');
  });
});

describe('Alpaca historical bars', () => {
  const minute = (i: number, base: number) => ({ t: T + i * 60_000, o: base + i, h: base + i + 1, l: base + i - 1, c: base + i + 0.5, v: 100 + i });

  it('follows next_page_token across pages, oldest first; the newest N for a warm-up, across symbols', async () => {
    server = await FakeAlpacaDataServer.start();
    server.pageSize = 7;
    server.history.set('AAPL', Array.from({ length: 30 }, (_, i) => minute(i, 100)));
    server.history.set('BTC/USD', Array.from({ length: 30 }, (_, i) => minute(i, 40_000)));
    const h = new AlpacaHistory({ keyId: server.keyId, secretKey: server.secretKey, dataUrl: server.dataUrl });
    const bars = await h.bars('AAPL', '1Min', T + 5 * 60_000, T + 25 * 60_000);
    expect(bars.map((b) => b.tsMs)).toEqual(Array.from({ length: 20 }, (_, i) => T + (i + 5) * 60_000));
    expect(bars[0]).toEqual({ symbol: 'AAPL', tsMs: T + 5 * 60_000, open: 105, high: 106, low: 104, close: 105.5, volume: 105 });
    expect(server.restLog.filter((l) => l.startsWith('/v2/stocks/bars')).length).toBe(3);
    expect(server.restLog.some((l) => l.includes('page_token='))).toBe(true);

    feed = new AlpacaLiveFeed({ symbols: ['AAPL', 'BTC/USD'], keyId: server.keyId, secretKey: server.secretKey, dataUrl: server.dataUrl, clock: () => T + 30 * 60_000 });
    const warm = await feed.warmup!(10);
    expect(warm).toHaveLength(20);
    expect(warm.filter((b) => b.symbol === 'BTC/USD').map((b) => b.tsMs)).toEqual(Array.from({ length: 10 }, (_, i) => T + (i + 20) * 60_000));
    expect(warm.map((b) => b.tsMs)).toEqual([...warm.map((b) => b.tsMs)].sort((a, b) => a - b));
    expect(server.restLog.some((l) => l.startsWith('/v1beta3/crypto/us/bars'))).toBe(true);
  });

  it('a bad bar is an error naming the field; bad credentials a 401 without the secret', async () => {
    server = await FakeAlpacaDataServer.start();
    server.history.set('AAPL', [{ ...minute(0, 100), o: -1 }]);
    const h = new AlpacaHistory({ keyId: server.keyId, secretKey: server.secretKey, dataUrl: server.dataUrl });
    await expect(h.bars('AAPL', '1Min', T - 1, T + 60_000)).rejects.toThrow(/invalid alpaca bars page: field "bars.AAPL.0.o"/);
    const bad = new AlpacaHistory({ keyId: server.keyId, secretKey: 'nopeSecret00000000000000000000000000000077', dataUrl: server.dataUrl });
    const err = await bad.bars('AAPL', '1Min', T - 1, T + 60_000).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/401/);
    expect(err?.message).not.toContain('nopeSecret');
  });
});
