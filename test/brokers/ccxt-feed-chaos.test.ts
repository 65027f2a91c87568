// CcxtFeed under a random mix of stream faults (seeded): bars left out of the stream, sockets dropped while
// bars close, closed-bar frames sent twice, malformed frames. Whatever the mix, the sink hears every bar
// exactly once, in time order, with the venue's values.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { createCcxtFeed, type CcxtFeed } from '../../src/brokers/ccxt/feed.ts';
import { makeKlines, toStreamK } from '../fakes/binance/market-klines.ts';
import { FakeBinanceMarket } from '../fakes/binance/market-server.ts';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const BARS = 40;

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let fake: FakeBinanceMarket;
let feed: CcxtFeed | undefined;
let running: Promise<void> | undefined;
beforeEach(async () => {
  fake = await FakeBinanceMarket.start();
});
afterEach(async () => {
  feed?.stop();
  await running;
  await fake.close();
});

describe('CcxtFeed under random stream faults', () => {
  it.each([1, 2, 3])('seed %i: every bar once, in order', async (seed) => {
    const rng = new Rng(seed);
    const ks = makeKlines(T0, BARS, MIN, seed, 42_000);
    let clock = T0;
    const bars: { t: number; c: number }[] = [];
    feed = createCcxtFeed({
      symbols: ['BTC/USDT'], timeframe: '1m', baseUrl: fake.baseUrl, streamUrl: fake.streamUrl, channels: { trades: false, quotes: false },
      reconnectBaseMs: 10, reconnectMaxMs: 50, nowMs: () => clock,
    });
    running = feed.start({ onBar: (_s, t, _o, _h, _l, c) => bars.push({ t, c }), onTrade: () => {}, onQuote: () => {} });
    await waitFor('subscribed', () => fake.subscribes.length >= 1);
    for (let i = 0; i < BARS; i++) {
      const k = ks[i]!;
      clock = k.openMs + MIN + 4_000;
      const roll = rng.next();
      const last = i === BARS - 1;
      if (i > 0 && !last && roll < 0.15) fake.closeBar('BTCUSDT', '1m', k, { skipStream: true });
      else if (i > 0 && !last && roll < 0.25) {
        const subs = fake.subscribes.length;
        fake.dropSockets();
        fake.closeBar('BTCUSDT', '1m', k);
        await waitFor('resubscribed', () => fake.subscribes.length > subs);
      } else {
        fake.closeBar('BTCUSDT', '1m', k);
        if (roll > 0.85) fake.sendRaw(JSON.stringify({ e: 'kline', E: clock, s: 'BTCUSDT', k: toStreamK('BTCUSDT', '1m', k, MIN, true) }));
        if (roll > 0.8 && roll <= 0.85) fake.sendRaw('{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":"oops"}}');
      }
      if (rng.next() < 0.3) await new Promise((r) => setTimeout(r, 5));
    }
    // The last bar is streamed so that a gap at the end is seen too.
    await waitFor(`${BARS} bars`, () => bars.length >= BARS);
    await new Promise((r) => setTimeout(r, 100));
    expect(bars).toEqual(ks.map((k) => ({ t: k.openMs, c: k.close })));
  });
});
