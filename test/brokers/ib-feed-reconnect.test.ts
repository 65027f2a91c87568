// The IB feed across link trouble and with history: a dropped socket is reconnected with backoff and every
// subscription asked for again under fresh request ids; TWS's 1101 ("restored, data lost") resubscribes on
// the open socket; the bars missed meanwhile come from reqHistoricalData, in order, none twice. Warm-up
// pages back through IB's per-bar-size windows and the live bars continue right after it.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../execution/execution-client.contract.ts';
import type { FakeBar, HistoryAsk } from '../fakes/ib/market-data.ts';
import { MD_OUT } from '../fakes/ib/market-data.ts';
import { marketHarness, RecordingMarketSink, type MarketHarness } from '../fakes/ib/market-setup.ts';

let h: MarketHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const T0 = Date.UTC(2024, 2, 5, 15, 0) / 1000;
const barsOnly = { quotes: false, trades: false, bars: true } as const;

/** "yyyyMMdd-HH:mm:ss" (UTC) as epoch seconds. */
function endSec(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(text)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
}

/** IB's answer for 1-minute bars: those of `minutes` (open times, epoch s) inside the asked window (1 D before the end). */
function minuteHistory(minutes: readonly number[], price: (t: number) => number = (t) => 100 + (t - T0) / 60) {
  return (ask: HistoryAsk): FakeBar[] => {
    const end = endSec(ask.endDateTime);
    return minutes.filter((t) => t >= end - 86_400 && t < end).map((t) => ({ time: String(t), open: price(t), high: price(t) + 1, low: price(t) - 1, close: price(t) + 0.5, volume: 60 }));
  };
}

function minute(h: MarketHarness, symbol: string, startSec: number, close: number): void {
  for (let i = 0; i < 12; i++) h.market.bar5s(symbol, startSec + i * 5, close, close, close, close, 1);
}

describe('IB market data across reconnects', () => {
  it('reconnects after the socket drops and subscribes again under fresh request ids', async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: { quotes: true, trades: true, bars: false } });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active().length === 4, 'subscribed');
    const first = feed.subscriptions().map((s) => s.reqId);
    h.tws.drop();
    await until(() => h!.statuses.some((s) => s.kind === 'disconnected'), 'disconnected');
    expect(h.statuses.find((s) => s.kind === 'disconnected')).toMatchObject({ channel: 'all', reason: 'the socket to TWS closed' });
    await new Promise((r) => setTimeout(r, 150)); // a refused attempt or two
    h.tws.restore();
    await until(() => h!.market.active().length === 4, 'subscribed again', 5_000);
    expect(h.statuses.at(-1)).toEqual({ kind: 'connected' });
    const again = feed.subscriptions().map((s) => s.reqId);
    expect(again.some((id) => first.includes(id))).toBe(false);
    h.market.quote('BBB', { bid: 5, ask: 5.01, bidSize: 1, askSize: 2 });
    h.market.trade('AAA', 7, 3, T0);
    await until(() => sink.quotes.length === 1 && sink.trades.length === 1, 'data after the reconnect');
  });

  it("resubscribes on TWS's 1101 (connectivity restored, data lost) and ignores what comes for the old ids", async () => {
    h = await marketHarness();
    const feed = h.feed({ channels: { quotes: true, trades: false, bars: false } });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('mkt').length === 2, 'subscribed');
    const old = feed.subscriptions().map((s) => s.reqId);
    const asked = (): number => h!.tws.requests.filter((r) => r.msgId === MD_OUT.REQ_MKT_DATA).length;
    expect(asked()).toBe(2);
    h.tws.broadcast([4, 2, -1, 1100, 'Connectivity between IB and Trader Workstation has been lost.', '']);
    await until(() => h!.statuses.some((s) => s.kind === 'disconnected'), '1100 said');
    h.tws.broadcast([4, 2, -1, 1101, 'Connectivity between IB and TWS has been restored- data lost.', '']);
    await until(() => asked() === 4, 'asked again');
    expect(h.statuses.at(-1)).toEqual({ kind: 'connected' });
    expect(feed.subscriptions().map((s) => s.reqId).some((id) => old.includes(id))).toBe(false);
    h.market.raw('AAA', 'mkt', (id) => (old.includes(id) ? [1, 6, id, 1, 999, 1, 0] : [1, 6, id, 1, 10, 1, 0]));
    h.market.raw('AAA', 'mkt', (id) => (old.includes(id) ? [1, 6, id, 2, 999, 1, 0] : [1, 6, id, 2, 10.01, 1, 0]));
    await until(() => sink.quotes.length >= 1, 'a quote');
    expect(sink.quotes.every((q) => q.bid === 10 && q.ask === 10.01)).toBe(true);
  });

  it('backfills the bars missed while the socket was down from reqHistoricalData, in order and none twice', async () => {
    h = await marketHarness();
    let now = (T0 + 65) * 1000;
    const feed = h.feed({ symbols: ['AAA'], timeframe: '1m', channels: barsOnly, nowMs: () => now });
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => h!.market.active('rtb').length === 1, 'subscribed');
    minute(h, 'AAA', T0, 100);
    await until(() => sink.bars.length === 1, 'the first minute');
    h.tws.drop();
    await until(() => h!.statuses.some((s) => s.kind === 'disconnected'), 'dropped');
    // Four minutes later: minutes 1..3 closed while away (IB has them), minute 4 is forming.
    now = (T0 + 4 * 60 + 20) * 1000;
    h.market.history = minuteHistory([T0, T0 + 60, T0 + 120, T0 + 180, T0 + 240]);
    h.tws.restore();
    await until(() => sink.bars.length === 4, 'backfilled', 5_000);
    expect(sink.bars.map((b) => (b.tsMs / 1000 - T0) / 60)).toEqual([0, 1, 2, 3]);
    expect(sink.bars[2]).toEqual({ symbol: 'AAA', tsMs: (T0 + 120) * 1000, open: 102, high: 103, low: 101, close: 102.5, volume: 60 });
    expect(h.statuses.find((s) => s.kind === 'backfilled')).toEqual({ kind: 'backfilled', symbol: 'AAA', bars: 3, fromMs: (T0 + 60) * 1000, toMs: (T0 + 180) * 1000 });
    const ask = h.market.historyAsks.at(-1)!;
    expect(ask).toMatchObject({ symbol: 'AAA', barSize: '1 min', duration: '1 D', whatToShow: 'TRADES', formatDate: 2 });
    // The live minute 4 follows; a repeat of minute 3 from the stream is not sent again.
    await until(() => h!.market.active('rtb').length === 1, 'subscribed again');
    minute(h, 'AAA', T0 + 180, 50);
    minute(h, 'AAA', T0 + 240, 104);
    await until(() => sink.bars.length === 5, 'the live minute');
    expect(sink.bars.map((b) => (b.tsMs / 1000 - T0) / 60)).toEqual([0, 1, 2, 3, 4]);
    expect(sink.bars[4]!.close).toBe(104);
  });
});

describe('IB history', () => {
  it('warms up with the last closed bars, paging back a window at a time, then continues right after them', async () => {
    h = await marketHarness();
    let now = (T0 + 10) * 1000;
    // IB has 3 minutes in the last day and 4 more the day before (a weekend between).
    const have = [T0 - 86_400 - 240, T0 - 86_400 - 180, T0 - 86_400 - 120, T0 - 86_400 - 60, T0 - 180, T0 - 120, T0 - 60];
    h.market.history = minuteHistory(have, () => 100);
    const feed = h.feed({ timeframe: '1m', channels: barsOnly, nowMs: () => now });
    const warm = await feed.warmup(5);
    expect(warm.filter((b) => b.symbol === 'AAA').map((b) => b.tsMs / 1000)).toEqual(have.slice(-5));
    expect(warm.map((b) => b.tsMs)).toEqual([...warm.map((b) => b.tsMs)].sort((a, b) => a - b));
    expect(warm.filter((b) => b.symbol === 'BBB')).toHaveLength(5);
    expect(h.market.historyAsks.filter((a) => a.symbol === 'AAA').map((a) => endSec(a.endDateTime))).toEqual([T0 + 10, T0 + 10 - 86_400]);
    // Started two minutes later: the two minutes closed since the warm-up come first.
    now = (T0 + 130) * 1000;
    h.market.history = minuteHistory([...have, T0, T0 + 60], () => 100);
    const sink = new RecordingMarketSink();
    void feed.start(sink);
    await until(() => sink.bars.length === 4, 'the two minutes for each symbol');
    expect(sink.bars.filter((b) => b.symbol === 'AAA').map((b) => b.tsMs / 1000)).toEqual([T0, T0 + 60]);
  });

  it('waits and asks again after a pacing violation; an empty window is no error', async () => {
    h = await marketHarness();
    let calls = 0;
    h.market.history = (ask) => {
      calls++;
      if (calls === 1) return { code: 162, text: 'Historical Market Data Service error message:API historical data query cancelled: pacing violation' };
      if (calls === 3) return { code: 162, text: 'Historical Market Data Service error message:HMDS query returned no data: AAA@SMART Trades' };
      return minuteHistory([T0 - 120, T0 - 60])(ask);
    };
    const feed = h.feed({ symbols: ['AAA'], timeframe: '1m', nowMs: () => (T0 + 5) * 1000 });
    const warm = await feed.warmup(3);
    expect(warm.map((b) => b.tsMs / 1000)).toEqual([T0 - 120, T0 - 60]);
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('fails the warm-up naming the symbol when IB has no contract for it', async () => {
    h = await marketHarness();
    const feed = h.feed({ symbols: ['ZZZ'], timeframe: '1m' });
    await expect(feed.warmup(3)).rejects.toThrow(/ib history of ZZZ: IB has no contract for it \(200/);
  });
});
