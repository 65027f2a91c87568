// Alpaca market data as a LiveFeed over the SDK's StockDataStream and CryptoDataStream, against the fake
// market-data stream (msgpack frames) on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { AlpacaLiveFeed } from '../../src/brokers/alpaca/feed.ts';
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
    expect(sink.bars).toEqual([['AAPL', T, 100, 101, 99.5, 100.5, 1200], ['BTC/USD', T, 42_000, 42_100, 41_900, 42_050, 3.5]]);
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
