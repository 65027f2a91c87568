// A restarted node rebuilds its emulated orders from `state()` (as JSON, as the store would keep it): held
// orders trigger again, released ones are followed at the venue, and the queries reconciliation asks name the
// strategy's orders, never the released ones.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { Harness } from './emulator-harness.ts';

/** A long of 10 entered at 100.1 with a held stop-loss at 95.1 and a take-profit released at 110.11. */
function entered(): { h: Harness; snapshot: unknown } {
  const h = new Harness('emulated');
  h.bids([100]);
  h.submit('O', { side: 'buy', type: 'market', qty: 10, exits: { stopLoss: { pct: 5 }, takeProfit: { pct: 10 } } });
  h.bids([100]);
  expect(h.venueOrderIds()).toEqual(['O-tp-E1']);
  return { h, snapshot: JSON.parse(JSON.stringify(h.emulator.state())) as unknown };
}

/** The node's own copies of its working orders (as restored from its store). */
function fromStore(h: Harness, ids: readonly string[]): Order[] {
  return ids.map((id) => {
    const old = h.node.engine.cache.get(id)!;
    const o = new Order(old.id, old.strategyId, old.request, old.createdMs, old.links);
    o.status = 'accepted';
    o.stopPrice = old.stopPrice;
    return o;
  });
}

describe('restore after a restart', () => {
  it('a held stop-loss triggers after the restart and its OCO sibling released at the venue is canceled there', async () => {
    const { h, snapshot } = entered();
    const stored = fromStore(h, ['O-sl', 'O-tp']);
    h.down();
    const node = h.restart();
    await node.emulator!.restore(snapshot);
    const open = await node.emulator!.openOrders();
    expect(open.map((r) => [r.clientOrderId, r.type, r.status, r.stopPrice ?? r.limitPrice])).toEqual([
      ['O-sl', 'stop', 'accepted', 95.1],
      ['O-tp', 'limit', 'accepted', 110.11],
    ]);
    for (const o of stored) node.engine.adopt(o);
    h.bids([97, 94.5]);
    expect(node.eventsOf('O-sl')).toEqual(['OrderTriggered', 'OrderFilled 10@94.5']);
    expect(node.eventsOf('O-tp')).toEqual(['OrderCanceled: OCO sibling O-sl filled']);
    expect(h.venue.workingOrders()).toEqual([]);
    expect(h.position).toBe(0);
    expect(node.engine.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
  });

  it('what a released order did while the node was down is reported under the strategy\'s id, and its OCO sibling is canceled', async () => {
    const { h, snapshot } = entered();
    h.down();
    h.bids([111]); // the take-profit fills at the venue; nobody hears it
    const node = h.restart();
    await node.emulator!.restore(snapshot);
    await expect(node.emulator!.queryOrder('O-tp')).resolves.toMatchObject({ clientOrderId: 'O-tp', status: 'filled', filledQty: 10, avgFillPrice: 111 });
    // Its OCO sibling, held here, could not be canceled while the node was down: it is now, before anything trades.
    await expect(node.emulator!.queryOrder('O-sl')).resolves.toMatchObject({ status: 'canceled', filledQty: 0, reason: 'OCO sibling O-tp filled while the node was down' });
    expect(await node.emulator!.openOrders()).toEqual([]);
    h.bids([90]);
    expect(h.position).toBe(0);
    const fills = await node.emulator!.fillsSince(0);
    expect(fills.map((f) => [f.clientOrderId, f.side, f.qty, f.price])).toEqual([['O', 'buy', 10, 100.1], ['O-tp', 'sell', 10, 111]]);
  });

  it('a held trailing stop keeps its best price across the restart', async () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('T', { side: 'sell', type: 'trailing-stop', trailing: { kind: 'amount', value: 2 }, qty: 10 });
    h.bids([103]);
    const snapshot = JSON.parse(JSON.stringify(h.emulator.state())) as unknown;
    const [stored] = fromStore(h, ['T']);
    h.down();
    const node = h.restart();
    await node.emulator!.restore(snapshot);
    node.engine.adopt(stored!);
    h.bids([101.5, 100.9]);
    expect(node.eventsOf('T')).toEqual(['OrderTriggered', 'OrderFilled 10@100.9']);
  });

  it('an order released after the last snapshot is found by its derived id, not released again', async () => {
    const h = new Harness('emulated');
    h.bids([100]);
    h.submit('O', { side: 'sell', type: 'stop', stopPrice: 98, qty: 10 });
    const snapshot = JSON.parse(JSON.stringify(h.emulator.state())) as unknown;
    h.bids([97.5]); // triggered and released as O-E1 (filled), then the node dies before its next checkpoint
    h.down();
    const node = h.restart();
    await node.emulator!.restore(snapshot);
    await expect(node.emulator!.queryOrder('O')).resolves.toMatchObject({ status: 'filled', filledQty: 10, avgFillPrice: 97.5 });
    expect(await node.emulator!.openOrders()).toEqual([]);
    h.bids([96, 90]);
    await expect(h.venue.queryOrder('O-E2')).resolves.toBeNull();
    expect(h.position).toBe(-10);
  });

  it('a damaged snapshot is refused, naming the field', async () => {
    const h = new Harness('emulated');
    await expect(h.emulator.restore({ version: 1, orders: [{ id: 'X' }], exitGroups: [] })).rejects.toThrow(InvariantError);
    await expect(h.emulator.restore({ version: 2, orders: [], exitGroups: [] })).rejects.toThrow(/field "version"/);
  });
});
