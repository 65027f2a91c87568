// A live node against a venue that outlives it (a simulated venue with a journal, standing in for a
// broker): start-up reconciliation after the venue changed while the node was down, adoption of orders
// still working, failing closed on what nothing explains, and the position watch while running.
import { describe, expect, it } from 'vitest';
import { ReconciliationError } from '../core/errors.ts';
import { openStore } from '../store/open.ts';
import { broker, liveNode, PushFeed, Scripted, startNode, SYMBOL, T0, until } from '../../test/helpers/live-venue.ts';

describe('a live node against a venue that outlives it', () => {
  it('after a restart books what filled while it was down, finishes what ended, and adopts what still works', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker();
    const s1 = new Scripted({});
    s1.queue.push([
      { symbol: SYMBOL, side: 'buy', type: 'market', qty: 5 },
      { symbol: SYMBOL, side: 'buy', type: 'limit', qty: 10, limitPrice: 95 },
      { symbol: SYMBOL, side: 'buy', type: 'limit', qty: 20, limitPrice: 90 },
      { symbol: SYMBOL, side: 'buy', type: 'limit', qty: 7, limitPrice: 80 },
    ]);
    const first = await startNode(store, b, s1);
    await first.feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => first.node.status().fills === 1, 'market fill');
    expect(first.node.status().openOrders).toBe(3);
    await first.node.stop();
    await first.done;

    // While the node is down: the 95 limit fills, the 90 limit fills 12 of 20, the 80 limit is canceled at the venue.
    b.quote(94, 95);
    b.quote(89, 90, 12);
    await b.venue.connect();
    const eighty = (await b.venue.openOrders()).find((o) => o.limitPrice === 80)!;
    b.venue.cancel(eighty.clientOrderId, b.now(), 'canceled on the venue website');
    await b.venue.disconnect();

    const s2 = new Scripted({});
    const second = await startNode(store, b, s2);
    const st = second.node.status();
    expect(st.fills).toBe(3);
    expect(st.positions.map((p) => [p.symbol, p.qty])).toEqual([[SYMBOL, 5 + 10 + 12]]);
    expect(st.openOrders).toBe(1);
    expect(st.venue!.reconciliation.join('\n')).toMatch(/booked fill of .* 10 @ 95/);
    expect(st.venue!.reconciliation.join('\n')).toMatch(/booked fill of .* 12 @ 90 .*still working/);
    expect(st.venue!.reconciliation.join('\n')).toMatch(/canceled at simulated while the node was down/);
    const risk = (await store.loadRiskEvents('live1')).filter((r) => r.kind === 'reconcile').map((r) => r.reason);
    expect(risk.slice(-st.venue!.reconciliation.length)).toEqual(st.venue!.reconciliation);
    expect(risk[0]).toMatch(/^simulated agrees with the store: 0 open orders/);
    // The adopted order goes on filling, and its fill reaches the new node once.
    b.quote(89, 90);
    await until(() => second.node.status().fills === 4, 'fill of the adopted order');
    expect(second.node.status().positions[0]!.qty).toBe(35);
    expect(second.node.status().openOrders).toBe(0);
    await second.node.stop();
    await second.done;
    const fills = await store.loadFills('live1');
    expect(fills.map((f) => [f.qty, f.price])).toEqual([[5, 100], [10, 95], [12, 90], [8, 90]]);
    const open = await store.loadOpenOrders('live1');
    expect(open).toEqual([]);
    await store.close();
  });

  it('fails closed when the store and the venue disagree on a position that no order explains, and sends nothing', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker();
    const s1 = new Scripted({});
    s1.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 5 }]);
    const first = await startNode(store, b, s1);
    await first.feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => first.node.status().fills === 1, 'market fill');
    await first.node.stop();
    await first.done;
    // The store gains a fill the venue never made (a corrupted or foreign write).
    store.appendOrders([{ clientOrderId: 'ghost', runId: 'live1', strategyId: 'scripted', symbol: SYMBOL, side: 'buy', type: 'market', qty: 3, limitPrice: null, stopPrice: null, tif: 'GTC', expireTimeMs: null, parentId: null, ocoGroup: null, tag: null, reduceOnly: false, createdMs: b.now() }]);
    store.appendOrderEvents([{ orderId: 'ghost', seq: 1, type: 'OrderFilled', status: 'filled', reason: '', filledQty: 3, avgFillPrice: 100, tsMs: b.now() }]);
    store.appendFills([{ fillId: 'ghost#1', orderId: 'ghost', seq: 1, runId: 'live1', strategyId: 'scripted', symbol: SYMBOL, side: 'buy', qty: 3, price: 100, commission: 0, liquidity: 'taker', tsMs: b.now() }]);
    await store.flush();
    const before = (await b.venue.connect(), await b.venue.fillsSince(0)).length;
    await b.venue.disconnect();
    const node = liveNode(store, b, new Scripted({}), new PushFeed());
    const err = await node.restore().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ReconciliationError);
    expect((err as ReconciliationError).message).toMatch(/position XYZ: store 8, simulated 5/);
    const risk = await store.loadRiskEvents('live1');
    expect(risk.some((r) => r.kind === 'reconcile' && r.reason.startsWith('MISMATCH position XYZ'))).toBe(true);
    expect((await b.venue.fillsSince(0)).length).toBe(before);
    await store.close();
  });

  it('while running, a position difference seen on two checks in a row halts trading and says what differs', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker();
    const s1 = new Scripted({});
    s1.queue.push([{ symbol: SYMBOL, side: 'buy', type: 'market', qty: 5 }]);
    const { node, feed, done } = await startNode(store, b, s1);
    await feed.bar(T0, 100);
    b.quote(99, 100);
    await until(() => node.status().fills === 1, 'market fill');
    expect(await node.positionWatch!.check()).toEqual([]);
    // An order placed on the venue behind the node's back fills: the venue holds 7, the node 5.
    const outside = new (await import('../model/order.ts')).Order('outside-1', 'someone', { symbol: SYMBOL, side: 'buy', type: 'market', qty: 2 }, b.now());
    b.venue.submit(outside, b.now());
    b.quote(99, 100);
    expect(await node.positionWatch!.check()).toEqual(['position XYZ: node 5, simulated 7']);
    expect(node.status().halted).toBe(false);
    await node.positionWatch!.check();
    await until(() => node.status().halted, 'halted');
    await store.flush();
    const risk = await store.loadRiskEvents('live1');
    expect(risk.map((r) => r.reason)).toContain('MISMATCH while running: position XYZ: node 5, simulated 7');
    await node.stop();
    await done;
    await store.close();
  });

  it('sends an intent that never left only while it is fresh: an old one is rejected and said so', async () => {
    const store = await openStore({ url: 'memory://' });
    const b = broker();
    const first = await startNode(store, b, new Scripted({}));
    await first.feed.bar(T0, 100);
    b.quote(99, 100);
    await first.node.stop();
    await first.done;
    // Two intents committed before a crash, never sent: one made 10 s before the restart, one 2 hours before.
    const now = b.now();
    const intent = (id: string, createdMs: number) => ({ clientOrderId: id, runId: 'live1', strategyId: 'scripted', symbol: SYMBOL, side: 'buy' as const, type: 'market' as const, qty: 1, limitPrice: null, stopPrice: null, tif: 'GTC' as const, expireTimeMs: null, parentId: null, ocoGroup: null, tag: null, reduceOnly: false, createdMs });
    store.appendOrders([intent('live1-8', now - 10_000), intent('live1-9', now - 7_200_000)]);
    await store.flush();
    const node = liveNode(store, b, new Scripted({}), new PushFeed(), 0, () => now);
    await node.restore();
    expect(node.status().openOrders).toBe(1);
    await b.venue.connect().catch(() => undefined);
    expect((await b.venue.openOrders()).map((o) => o.clientOrderId)).toEqual(['live1-8']);
    expect((await store.getOrder('live1-9'))!.status).toBe('rejected');
    await store.flush();
    const risk = (await store.loadRiskEvents('live1')).map((r) => r.reason);
    expect(risk).toContainEqual(expect.stringMatching(/^order live1-9 not sent: its intent is 7200 s old \(limit 60 s\)/));
    await store.close();
  });
});
