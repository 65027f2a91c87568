// A live node in front of the Binance adapter (ccxt, fake Binance spot server): exits attached to an entry
// end by themselves once the position they protect is closed by another order, as in backtest and paper
// (docs/live.md, "Exit attachments"). Without that, the trailing stop the emulator holds would stay armed
// and, on the next fall of the price, sell what the account no longer holds.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveFeed, MarketSink } from '../../src/data/live/feed.ts';
import { LiveNode } from '../../src/engine/live-node.ts';
import { SinkRelay } from '../../src/execution/sink-relay.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { OrderRequest } from '../../src/model/order.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { startHarness, type SpotHarness } from '../fakes/binance/spot-setup.ts';

const SYMBOL = 'BTC/USDT';

/** Sends the orders queued for it on the next bar. */
class Scripted extends Strategy<object> {
  queue: OrderRequest[][] = [];
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    for (const r of this.queue.shift() ?? []) ctx.submit(r);
  }
}

/** A feed the test pushes bars into. */
class PushFeed implements LiveFeed {
  readonly name = 'push';
  sink: MarketSink | null = null;
  #end: (() => void) | null = null;
  start(sink: MarketSink): Promise<void> {
    this.sink = sink;
    return new Promise((r) => (this.#end = r));
  }
  stop(): void {
    this.#end?.();
  }
}

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a live node at the Binance adapter ends exits whose position was closed by another order', () => {
  let h: SpotHarness | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    await h?.close();
  });

  it('cancels the held trailing exit once a market sell closed the position, and nothing is released when the price falls', async () => {
    h = await startHarness();
    store = await openStore({ url: 'memory://' });
    h.fake.quote('BTCUSDT', { bid: 29_999, ask: 30_000 });
    const relay = new SinkRelay();
    const client = h.make(relay);
    const s = new Scripted({});
    const feed = new PushFeed();
    const node = new LiveNode({
      runId: 'exits1', kind: 'live', instruments: [makeInstrument(SYMBOL, { assetClass: 'crypto' })], store, cash: 100_000, strategies: [{ strategy: s, id: 'scripted' }],
      feed, matchOn: 'quotes', broker: { client, relay, positionCheckEveryMs: 0 },
    });
    await node.restore();
    const done = node.trade();
    await until(() => feed.sink !== null, 'feed started');
    let t = h.fake.exchange.now();
    const bar = (close: number): void => feed.sink!.onBar(SYMBOL, (t += 60_000), close, close, close, close, 10);

    s.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 0.01, exits: { trailing: { amount: 300 } } }]);
    bar(30_000);
    const trail = (): ReturnType<typeof node.kernel.orders.find> => node.kernel.orders.find((o) => o.request.tag === 'trailing-stop');
    await until(() => node.status().fills === 1 && trail()?.status === 'accepted', 'entry filled, trailing exit held');
    expect(h.fake.exchange.openOrders()).toEqual([]);

    // The strategy closes the position with an order of its own (as ctx.close or a flatten would).
    s.queue.push([{ symbol: SYMBOL, side: 'sell', type: 'market', qty: 0.01 }]);
    bar(30_000);
    await until(() => node.status().fills === 2, 'closing sell filled');
    await until(() => trail()!.isClosed, 'trailing exit ended');
    expect([trail()!.status, trail()!.reason]).toEqual(['canceled', 'the position the exits protect is closed']);
    expect(node.status().positions).toEqual([]);

    // The price falls through where the trailing stop was: nothing is released.
    feed.sink!.onQuote({ symbol: SYMBOL, tsEventMs: (t += 1000), bid: 29_000, ask: 29_001, bidSize: 10, askSize: 10 });
    bar(29_000);
    await new Promise((r) => setTimeout(r, 300));
    await client.idle();
    expect(h.fake.exchange.allOrders().map((o) => o.side)).toEqual(['buy', 'sell']);
    expect(node.status().fills).toBe(2);
    await node.stop();
    await done;
    const events = await store.loadOrderEvents(trail()!.id);
    expect(events.map((e) => e.status).at(-1)).toBe('canceled');
  });
});
