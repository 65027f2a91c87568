// Random trading over a link that drops: orders, cancels, modifications and quotes at random, the
// socket to TWS closed and restored at random (the venue keeps matching meanwhile). At the end the
// client's view must equal the venue's: every execution booked exactly once on the right order, and
// every order in the state the venue has it in.
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Order } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('IB soak: random orders over a dropping link', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: fills booked once each, statuses equal to the venue', async (seed) => {
    const rng = new Rng(seed);
    const sink = new RecordingSink();
    h = await ibHarness(sink, { answerTimeoutMs: 800, commissionWaitMs: 300 });
    const c = h.client;
    await c.connect();
    let mid = 100;
    const quote = async (): Promise<void> => {
      mid = Math.max(50, mid + Math.round((rng.next() - 0.5) * 6));
      await h!.driver.quote('AAA', { bid: mid - 0.5, ask: mid + 0.5, askSize: 1 + Math.floor(rng.next() * 20), bidSize: 1 + Math.floor(rng.next() * 20) });
    };
    await quote();
    const orders: Order[] = [];
    for (let step = 0; step < 60; step++) {
      const r = rng.next();
      if (r < 0.35) {
        const side: 'buy' | 'sell' = rng.next() < 0.5 ? 'buy' : 'sell';
        const px = mid + (side === 'buy' ? -1 : 1) * Math.floor(rng.next() * 4);
        const qty = 1 + Math.floor(rng.next() * 30);
        const req = rng.next() < 0.2 ? { symbol: 'AAA', side, type: 'market' as const, qty } : { symbol: 'AAA', side, type: 'limit' as const, limitPrice: px, qty };
        const o = new Order(`S${seed}-${step}`, 's', req, h.driver.now());
        orders.push(o);
        c.submit(o, h.driver.now());
      } else if (r < 0.47 && orders.length > 0) {
        const o = orders[Math.floor(rng.next() * orders.length)]!;
        c.cancel(o.id, h.driver.now());
      } else if (r < 0.53 && orders.length > 0) {
        const o = orders[Math.floor(rng.next() * orders.length)]!;
        if (o.type === 'limit') c.modify(o.id, { limitPrice: o.limitPrice! + (rng.next() < 0.5 ? -1 : 1) }, h.driver.now());
      } else if (r < 0.57 && c.connectionState === 'connected') {
        // Half the time an order goes out just before the drop: its answers may be lost with the socket.
        if (rng.next() < 0.5) {
          const o = new Order(`S${seed}-${step}-d`, 's', { symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: mid, qty: 5 }, h.driver.now());
          orders.push(o);
          c.submit(o, h.driver.now());
          await new Promise((r) => setTimeout(r, rng.next() * 4));
        }
        h.tws.drop();
        await until(() => c.connectionState === 'reconnecting', 'reconnecting');
        for (let k = 0; k < 3; k++) await quote();
        h.tws.restore();
        await until(() => c.connectionState === 'connected', 'reconnected', 10_000);
      } else {
        await quote();
      }
      if (c.connectionState === 'connected') await c.sync();
    }
    await until(() => c.connectionState === 'connected', 'connected at the end', 10_000);
    await c.sync();
    // Answers lost in a drop are looked up by orderRef; let those lookups finish.
    await until(() => orders.every((o) => o.status !== 'submitted' || o.reason !== '' || h!.tws.ordersByRef(o.id).length === 0), 'lookups done', 10_000);
    await c.sync();

    const venueFills = h.exchange.fills();
    const refOf = new Map<string, string>();
    for (const o of orders) for (const t of h.tws.ordersByRef(o.id)) refOf.set(`7:${t.orderId}`, o.id);
    const key = (id: string, qty: number, price: number): string => `${id} ${qty}@${price}`;
    await until(() => sink.fills().length >= venueFills.length, `all ${venueFills.length} fills heard (have ${sink.fills().length})`, 10_000);
    expect(sink.fills().map((f) => key(f.orderId, f.qty, f.price)).sort()).toEqual(venueFills.map((f) => key(refOf.get(f.clientOrderId)!, f.qty, f.price)).sort());
    const byVenue = new Map(h.exchange.allOrders().map((f) => [refOf.get(f.clientOrderId)!, f]));
    for (const o of orders) {
      const v = byVenue.get(o.id);
      if (v === undefined) {
        // Never reached the venue: refused by the client (not connected, or rejected) — never working.
        expect(['rejected', 'submitted']).toContain(o.status);
        continue;
      }
      const expected = v.status === 'new' ? ['accepted', 'triggered'] : v.status === 'partially-filled' ? ['partially-filled'] : [v.status];
      expect(expected, `${o.id}: venue ${v.status}, client ${o.status}`).toContain(o.status);
      expect(o.filledQty).toBeCloseTo(v.filledQty, 9);
    }
    expect(h.exchange.duplicateAcceptances()).toEqual([]);
    expect(sink.connection.filter((e) => e.state === 'reconnecting').length).toBeGreaterThan(0);
  });
});
