// The IB market data feed through @stoqey/ib's real IBApi against the fake TWS: quotes from reqMktData's
// TICK_PRICE / TICK_SIZE messages, trades from tick-by-tick AllLast, 5-second real-time bars folded into
// the run's timeframe, forex asked for MIDPOINT bars and no trades, and every subscription canceled on stop.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../execution/execution-client.contract.ts';
import { marketHarness, RecordingMarketSink, type MarketHarness } from '../fakes/ib/market-setup.ts';
import { MD_OUT } from '../fakes/ib/market-data.ts';

let h: MarketHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T0 = Date.UTC(2024, 2, 5, 15, 0) / 1000; // a minute boundary, epoch seconds

describe('IB market data feed', () => {
  it('subscribes quotes, trades and real-time bars for each symbol, with the contract from symbols.ts', async () => {
    h = await marketHarness();
    const feed = h.feed({ symbols: ['AAA', 'EUR/USD'] });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active().length === 5, 'five subscriptions');
    const kinds = h.market.active().map((s) => `${s.symbol}:${s.kind}:${s.whatToShow ?? ''}`).sort();
    // Forex has no trades: no tick-by-tick Last for EUR/USD, and MIDPOINT bars.
    expect(kinds).toEqual(['AAA:mkt:', 'AAA:rtb:TRADES', 'AAA:tbt-last:', 'EUR/USD:mkt:', 'EUR/USD:rtb:MIDPOINT']);
    expect(h.tws.requests.filter((r) => r.msgId === MD_OUT.REQ_MARKET_DATA_TYPE)).toEqual([]);
    expect(feed.subscriptions().map((s) => s.channel).sort()).toEqual(['bars', 'bars', 'quotes', 'quotes', 'trades']);
  });

  it('turns TICK_PRICE bid/ask (with their sizes) and TICK_SIZE changes into one quote each, withholding a side IB has no price for', async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: { quotes: true, trades: false, bars: false } });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('mkt').length === 2, 'quote subscriptions');
    h.market.quote('AAA', { bid: 100.25, ask: 100.27, bidSize: 300, askSize: 500 });
    await until(() => sink.quotes.length >= 1, 'a quote');
    // The BID and ASK messages and their sizes come in one TCP read: one quote, with all four fields. (The
    // library drops the size folded into a BID tickPrice, BID_SIZE being tick type 0: the TICK_SIZE carries it.)
    expect(sink.quotes.at(-1)).toMatchObject({ symbol: 'AAA', bid: 100.25, ask: 100.27, bidSize: 300, askSize: 500 });
    const n = sink.quotes.length;
    h.market.size('AAA', 'ask', 200);
    await until(() => sink.quotes.length > n, 'a size change');
    expect(sink.quotes.at(-1)).toMatchObject({ symbol: 'AAA', bid: 100.25, ask: 100.27, bidSize: 300, askSize: 200 });
    // -1: no bid now (a halted or closed market): nothing is sent until both sides have a price again.
    const m = sink.quotes.length;
    h.market.quote('BBB', { bid: -1, ask: 50.1, bidSize: 0, askSize: 100 });
    h.market.quote('BBB', { bid: 50, ask: 50.1, bidSize: 10, askSize: 100 });
    await until(() => sink.quotes.some((q) => q.symbol === 'BBB'), 'a BBB quote');
    expect(sink.quotes.slice(m).filter((q) => q.symbol === 'BBB').every((q) => q.bid === 50 && q.ask === 50.1)).toBe(true);
    expect(Math.abs(sink.quotes.at(-1)!.tsEventMs - Date.now())).toBeLessThan(5_000);
  });

  it('can take quotes from tick-by-tick BidAsk instead, with the exchange time', async () => {
    h = await marketHarness();
    const feed = h.feed({ symbols: ['AAA'], quoteSource: 'tick-by-tick', channels: { quotes: true, trades: false, bars: false } });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('tbt-bidask').length === 1, 'a BidAsk subscription');
    h.market.quote('AAA', { bid: 10, ask: 10.02, bidSize: 1, askSize: 2 });
    await until(() => sink.quotes.length === 1, 'a quote');
    expect(sink.quotes[0]).toMatchObject({ symbol: 'AAA', bid: 10, ask: 10.02, bidSize: 1, askSize: 2, tsEventMs: Math.floor(h.tws.exchange.now() / 1000) * 1000 });
    feed.stop();
    await until(() => h!.market.canceled.some((c) => c.kind === 'tbt'), 'canceled');
  });

  it('sends each tick-by-tick AllLast print as a trade at its exchange time', async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: { quotes: false, trades: true, bars: false } });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('tbt-last').length === 2, 'trade subscriptions');
    h.market.trade('AAA', 100.26, 100, T0 + 1);
    h.market.trade('BBB', 50.05, 7, T0 + 2);
    await until(() => sink.trades.length === 2, 'two trades');
    expect(sink.trades).toEqual([
      { symbol: 'AAA', tsEventMs: (T0 + 1) * 1000, price: 100.26, size: 100, aggressor: 'none', tradeId: '' },
      { symbol: 'BBB', tsEventMs: (T0 + 2) * 1000, price: 50.05, size: 7, aggressor: 'none', tradeId: '' },
    ]);
  });

  it("folds IB's 5-second bars into bars of the timeframe: a bar is sent when its last 5 seconds close, or when a later one shows it ended", async () => {
    h = await marketHarness();
    let now = (T0 + 3600) * 1000;
    const feed = h.feed({ symbols: ['AAA'], timeframe: '1m', channels: { quotes: false, trades: false, bars: true }, nowMs: () => now, closeGraceMs: 10_000 });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('rtb').length === 1, 'a bar subscription');
    now = (T0 + 5) * 1000;
    for (let i = 0; i < 11; i++) h.market.bar5s('AAA', T0 + i * 5, 100 + i, 101 + i, 99 + i, 100.5 + i, 10);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.bars).toEqual([]); // 55 seconds of the minute: not closed yet
    h.market.bar5s('AAA', T0 + 55, 111, 120, 98, 112, 10);
    await until(() => sink.bars.length === 1, 'the minute bar');
    expect(sink.bars[0]).toEqual({ symbol: 'AAA', tsMs: T0 * 1000, open: 100, high: 120, low: 98, close: 112, volume: 120 });
    // The next minute gets only three 5-second bars, then one of the minute after: the short minute is sent.
    for (let i = 0; i < 3; i++) h.market.bar5s('AAA', T0 + 60 + i * 5, 200, 203, 199, 200 + i, 1);
    h.market.bar5s('AAA', T0 + 120, 300, 301, 299, 300, 2);
    await until(() => sink.bars.length === 2, 'the short minute');
    expect(sink.bars[1]).toEqual({ symbol: 'AAA', tsMs: (T0 + 60) * 1000, open: 200, high: 203, low: 199, close: 202, volume: 3 });
    // No more 5-second bars: once the minute has been over for the grace period, the feed sends it.
    now = (T0 + 180 + 11) * 1000;
    await until(() => sink.bars.length === 3, 'the minute with no closing 5 seconds');
    expect(sink.bars[2]).toMatchObject({ tsMs: (T0 + 120) * 1000, close: 300, volume: 2 });
    // A repeated 5-second bar (IB resending after a resubscription) is not counted twice.
    h.market.bar5s('AAA', T0 + 120, 300, 301, 299, 300, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.bars).toHaveLength(3);
  });

  it('refuses a timeframe that is not a whole number of 5-second bars, naming the flag', async () => {
    h = await marketHarness();
    expect(() => h!.feed({ timeframe: '7s' })).toThrow(/5 s.*7s/);
    expect(() => h!.feed({ symbols: ['not a symbol'] })).toThrow(/symbol "not a symbol"/);
  });

  it('cancels every subscription on stop and ends start()', async () => {
    h = await marketHarness();
    const feed = h.feed();
    const sink = new RecordingMarketSink();
    const running = feed.start(sink);
    await until(() => h!.market.active().length === 6, 'six subscriptions');
    const ids = feed.subscriptions().map((s) => s.reqId).sort((a, b) => a - b);
    feed.stop();
    await running;
    await until(() => h!.market.canceled.length === 6, 'six cancels');
    expect(h.market.canceled.map((c) => c.reqId).sort((a, b) => a - b)).toEqual(ids);
    expect(h.market.canceled.map((c) => c.kind).sort()).toEqual(['mkt', 'mkt', 'rtb', 'rtb', 'tbt', 'tbt']);
    h.market.quote('AAA', { bid: 1, ask: 2, bidSize: 1, askSize: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.quotes).toEqual([]);
  });
});
