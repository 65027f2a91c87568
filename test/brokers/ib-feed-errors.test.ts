// IB's market-data errors as the fake TWS sends them (error message v2 with the request id), and garbled
// payloads: a contract IB does not know (200) or data the account may not see (354, 10168) end the feed
// with an error naming the symbol; delayed data (10167) is said once and used; a bad tickPrice,
// realtimeBar or tick-by-tick payload is rejected naming the field, and the feed goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../execution/execution-client.contract.ts';
import { marketHarness, RecordingMarketSink, type MarketHarness } from '../fakes/ib/market-setup.ts';
import { MD_OUT } from '../fakes/ib/market-data.ts';

let h: MarketHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T0 = Date.UTC(2024, 2, 5, 15, 0) / 1000;
const quotesOnly = { quotes: true, trades: false, bars: false } as const;

describe('IB market data errors', () => {
  it('200 no security definition: start() fails naming the symbol, and the other subscriptions are canceled', async () => {
    h = await marketHarness();
    const feed = h.feed({ symbols: ['AAA', 'ZZZ'] });
    const err = await feed.start(new RecordingMarketSink()).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/ib market data for ZZZ \(quotes\): IB has no contract for it \(IB 200: No security definition/);
    await until(() => h!.market.active().length === 0, 'AAA canceled too');
    expect(h.market.canceled.length).toBeGreaterThanOrEqual(3);
  });

  it('354 not subscribed: start() fails naming the symbol and the code', async () => {
    h = await marketHarness();
    h.market.entitle('BBB', 'delayed');
    const err = await h.feed({ channels: quotesOnly }).start(new RecordingMarketSink()).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/ib market data for BBB \(quotes\): the account has no market data subscription for it \(IB 354: Requested market data is not subscribed/);
  });

  it('10167 delayed data (marketDataType delayed): said once naming the symbol, and the DELAYED_* ticks are used', async () => {
    h = await marketHarness();
    h.market.entitle('BBB', 'delayed');
    const feed = h.feed({ channels: quotesOnly, marketDataType: 'delayed' });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('mkt').length === 2, 'both subscribed');
    expect(h.tws.requests.filter((r) => r.msgId === MD_OUT.REQ_MARKET_DATA_TYPE).map((r) => r.fields[2])).toEqual(['3']);
    await until(() => h!.statuses.some((s) => s.kind === 'error'), 'the delayed-data notice');
    expect(h.statuses.filter((s) => s.kind === 'error')).toEqual([{ kind: 'error', reason: expect.stringMatching(/^BBB \(quotes\): IB sends delayed market data.*\(IB 10167: /) as string }]);
    h.market.quote('BBB', { bid: 50, ask: 50.02, bidSize: 3, askSize: 4 });
    await until(() => sink.quotes.length === 1, 'a delayed quote');
    expect(sink.quotes[0]).toMatchObject({ symbol: 'BBB', bid: 50, ask: 50.02, bidSize: 3, askSize: 4 });
  });

  it('10168 delayed data not enabled: start() fails naming the symbol', async () => {
    h = await marketHarness();
    h.market.entitle('AAA', 'none-delayed-disabled');
    const err = await h.feed({ channels: quotesOnly, marketDataType: 'delayed' }).start(new RecordingMarketSink()).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/ib market data for AAA \(quotes\): .*delayed data is not enabled \(IB 10168: /);
  });

  it('other errors about a subscription are reported naming the symbol; the feed goes on', async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: quotesOnly });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => feed.subscriptions().length === 2, 'subscribed');
    const aaa = feed.subscriptions().find((s) => s.symbol === 'AAA')!;
    h.tws.broadcast([4, 2, aaa.reqId, 10197, 'No market data during competing live session', '']);
    await until(() => h!.statuses.some((s) => s.kind === 'error'), 'reported');
    expect(h.statuses.find((s) => s.kind === 'error')).toEqual({ kind: 'error', reason: 'AAA (quotes): IB 10197: No market data during competing live session' });
    h.market.quote('AAA', { bid: 1, ask: 1.01, bidSize: 1, askSize: 1 });
    await until(() => sink.quotes.length === 1, 'still flowing');
  });

  it('rejects garbled payloads naming the message and the field, never crashing, and goes on', async () => {
    h = await marketHarness();
    const feed = h.feed({ symbols: ['AAA'], timeframe: '5s' });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active().length === 3, 'subscribed');
    h.market.raw('AAA', 'mkt', (id) => [1, 6, id, 1, 'abc', 10, 0]); // price not a number
    h.market.raw('AAA', 'rtb', (id) => [50, 3, id, T0, 10, 9, 11, 10, 5, 10, 1]); // high below low
    h.market.raw('AAA', 'tbt-last', (id) => [99, id, 2, 'yesterday', 10, 1, 0, 'NASDAQ', '']); // time
    h.market.raw('AAA', 'tbt-last', (id) => [99, id, 2, T0, -3, 1, 0, 'NASDAQ', '']); // negative price
    await until(() => h!.statuses.filter((s) => s.kind === 'rejected-frame').length === 4, 'four rejections');
    const reasons = h.statuses.flatMap((s) => (s.kind === 'rejected-frame' ? [s.reason] : []));
    expect(reasons[0]).toMatch(/invalid tickPrice from ib: field "price"/);
    expect(reasons[1]).toMatch(/invalid realtimeBar from ib: field "high"/);
    expect(reasons[2]).toMatch(/invalid tickByTickAllLast from ib: field "timeSec"/);
    expect(reasons[3]).toMatch(/invalid tickByTickAllLast from ib: field "price"/);
    expect(sink.bars).toEqual([]);
    expect(sink.trades).toEqual([]);
    h.market.quote('AAA', { bid: 10, ask: 10.01, bidSize: 1, askSize: 1 });
    h.market.trade('AAA', 10, 5, T0 + 1);
    h.market.bar5s('AAA', T0, 10, 10.5, 9.5, 10.2, 7);
    await until(() => sink.quotes.length === 1 && sink.trades.length === 1 && sink.bars.length === 1, 'good messages after the bad');
    expect(sink.bars[0]).toEqual({ symbol: 'AAA', tsMs: T0 * 1000, open: 10, high: 10.5, low: 9.5, close: 10.2, volume: 7 });
  });

  it('TWS not listening: start() fails naming host and port', async () => {
    h = await marketHarness();
    const port = h.port;
    await h.tws.close();
    const err = await h.feed({ connectTimeoutMs: 1_000 }).start(new RecordingMarketSink()).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(new RegExp(`^ib market data: ib: (cannot connect to TWS at 127\\.0\\.0\\.1:${port}|no answer from TWS at 127\\.0\\.0\\.1:${port})`));
  });

  it('says stale when nothing comes for staleAfterMs, and fresh when data flows again', async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: quotesOnly, staleAfterMs: 150 });
    void feed.start(new RecordingMarketSink());
    await until(() => h!.statuses.some((s) => s.kind === 'stale'), 'stale');
    h.market.quote('AAA', { bid: 1, ask: 1.01, bidSize: 1, askSize: 1 });
    await until(() => h!.statuses.some((s) => s.kind === 'fresh'), 'fresh');
  });
});
