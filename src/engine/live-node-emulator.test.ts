// A live node on a venue that only takes market and limit orders: the OrderEmulator holds the strategy's
// stop and trailing stop, releases them when the market reaches them, and comes back after a restart
// holding what it held (its snapshot commits with the order events of its moment).
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open.ts';
import { broker, Scripted, startNode, SYMBOL, T0, until } from '../../test/helpers/live-venue.ts';
import { EMULATOR_STATE_ID } from './live-node.ts';

const MARKET_AND_LIMIT = { orderTypes: ['market', 'limit'] as const, nativeBrackets: false, nativeOco: false, exitAttachments: false };

describe('a live node with the order emulator', () => {
  it('holds a stop the venue cannot take, releases it as a market order when reached, and books the fill under the strategy order', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker(MARKET_AND_LIMIT);
    const s = new Scripted({});
    s.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 10 }], [{ symbol: SYMBOL, side: 'sell', type: 'stop', qty: 10, stopPrice: 95 }]);
    const { node, feed, done } = await startNode(store, b, s);
    await feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => node.status().fills === 1, 'entry filled');
    await feed.bar(T0 + 60_000, 100);
    await until(() => node.status().openOrders === 1, 'stop working');
    await b.venue.connect().catch(() => undefined);
    expect(await b.venue.openOrders()).toEqual([]);
    // The market falls through the stop: the kernel's quote reaches the emulator, which releases a market sell.
    node.onQuote({ symbol: SYMBOL, tsEventMs: b.now() + 1000, bid: 94, ask: 94.5, bidSize: 1e6, askSize: 1e6 });
    await until(() => b.venue.workingCount === 1, 'released market order at the venue');
    b.quote(94, 94.5);
    await until(() => node.status().fills === 2, 'stop filled');
    const stop = node.kernel.orders.find((o) => o.type === 'stop')!;
    expect([stop.status, stop.filledQty, stop.avgFillPrice]).toEqual(['filled', 10, 94]);
    expect(node.status().positions).toEqual([]);
    await node.stop();
    await done;
    await store.close();
  });

  it('after a restart holds the trailing stop it held, with its best price, and releases it once', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker(MARKET_AND_LIMIT);
    const s1 = new Scripted({});
    s1.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 5 }], [{ symbol: SYMBOL, side: 'sell', type: 'trailing-stop', qty: 5, trailing: { kind: 'amount', value: 3 } }]);
    const first = await startNode(store, b, s1);
    await first.feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => first.node.status().fills === 1, 'entry filled');
    await first.feed.bar(T0 + 60_000, 100);
    await until(() => first.node.status().openOrders === 1, 'trailing stop held');
    first.node.onQuote({ symbol: SYMBOL, tsEventMs: b.now() + 500, bid: 110, ask: 110.5, bidSize: 1e6, askSize: 1e6 });
    await until(() => first.node.kernel.orders.find((o) => o.type === 'trailing-stop')!.stopPrice === 107, 'trailed to 107');
    await first.node.stop();
    await first.done;
    const saved = await store.loadStrategyState('live1', EMULATOR_STATE_ID);
    expect(saved).not.toBeNull();

    const second = await startNode(store, b, new Scripted({}));
    expect(second.node.status().openOrders).toBe(1);
    const trailing = second.node.kernel.orders.find((o) => o.type === 'trailing-stop')!;
    expect(trailing.stopPrice).toBe(107);
    // 108 is above the stop: nothing happens; 106.9 is through it: one market sell at the venue.
    second.node.onQuote({ symbol: SYMBOL, tsEventMs: b.now() + 1000, bid: 108, ask: 108.5, bidSize: 1e6, askSize: 1e6 });
    second.node.onQuote({ symbol: SYMBOL, tsEventMs: b.now() + 2000, bid: 106.9, ask: 107.2, bidSize: 1e6, askSize: 1e6 });
    await until(() => b.venue.workingCount === 1, 'released once');
    b.quote(106.9, 107.2);
    await until(() => second.node.status().fills === 2, 'trailing stop filled');
    expect(second.node.status().positions).toEqual([]);
    await second.node.stop();
    await second.done;
    const fills = await store.loadFills('live1');
    expect(fills.map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 5, 100], ['sell', 5, 106.9]]);
    await b.venue.connect();
    expect((await b.venue.fillsSince(0)).map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 5, 100], ['sell', 5, 106.9]]);
    await store.close();
  });
});
