// A live node restarted while exits it manages protect a position that an order of its own closed while it
// was down: the restored exit group ends at reconciliation, its held stop canceled and its take-profit
// canceled at the venue, as a running node (and backtest, and paper) ends exits whose position is gone.
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open.ts';
import { broker, Scripted, startNode, SYMBOL, T0, until } from '../../test/helpers/live-venue.ts';

const MARKET_AND_LIMIT = { orderTypes: ['market', 'limit'] as const, nativeBrackets: false, nativeOco: false, exitAttachments: false };

describe('a restarted live node with exits whose position closed while it was down', () => {
  it('ends the restored exit group at reconciliation: the held stop and the take-profit at the venue are canceled', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker(MARKET_AND_LIMIT);
    const s1 = new Scripted({});
    s1.queue.push(
      [{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 10, exits: { stopLoss: { price: 90 }, takeProfit: { price: 120 } } }],
      [{ symbol: SYMBOL, side: 'sell', type: 'limit', qty: 10, limitPrice: 105 }],
    );
    const first = await startNode(store, b, s1);
    await first.feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => first.node.status().fills === 1, 'entry filled');
    await first.feed.bar(T0 + 1500, 100);
    // The take-profit and the strategy's own limit sell work at the venue; the stop is held by the emulator.
    await until(() => b.venue.workingCount === 2 && first.node.status().openOrders === 3, 'exits and the limit sell working');
    await first.node.stop();
    await first.done;

    // While the node is down the limit sell fills: the position is closed, by an order outside the exits.
    b.quote(106, 106.5);
    expect(b.venue.workingCount).toBe(1);

    const second = await startNode(store, b, new Scripted({}));
    const exit = (tag: string) => second.node.kernel.orders.find((o) => o.request.tag === tag);
    expect(second.node.status().fills).toBe(2);
    expect(second.node.status().positions).toEqual([]);
    await until(() => exit('take-profit')?.isClosed === true && exit('stop-loss')?.isClosed === true, 'exits ended');
    for (const tag of ['stop-loss', 'take-profit']) expect([exit(tag)!.status, exit(tag)!.reason]).toEqual(['canceled', 'the position the exits protect is closed']);
    await until(() => b.venue.workingCount === 0, 'take-profit canceled at the venue');
    expect(second.node.status().openOrders).toBe(0);
    // The price falls through the old stop: nothing is released.
    second.node.onQuote({ symbol: SYMBOL, tsEventMs: b.now() + 1000, bid: 85, ask: 85.5, bidSize: 1e6, askSize: 1e6 });
    await new Promise((r) => setTimeout(r, 50));
    expect(b.venue.workingCount).toBe(0);
    await second.node.stop();
    await second.done;
    expect((await store.loadOpenOrders('live1')).map((o) => o.clientOrderId)).toEqual([]);
    expect((await store.loadFills('live1')).map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 10, 100], ['sell', 10, 106]]);
    await store.close();
  });
});
