// A dropped TWS socket: the client reports reconnecting, reconnects by itself, and catches up with what
// happened meanwhile (fills asked for again with reqExecutions since the last one seen and booked once,
// orders canceled while away ended). A placeOrder whose answers are lost is looked up by orderRef,
// never sent as a second order.
import { afterEach, describe, expect, it } from 'vitest';
import { formatIbUtc } from '../../src/brokers/ib/parse.ts';
import { Order } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import * as M from '../fakes/ib/messages.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
const limit = (side: 'buy' | 'sell', price: number, qty = 10, symbol = 'AAA'): Order =>
  new Order(`R-${process.pid}-${++n}`, 's', { symbol, side, type: 'limit', limitPrice: price, qty }, Date.UTC(2024, 0, 2, 14, 30));

describe('IB reconnect and gap fill', () => {
  it('books the fills and cancels made while the socket was down, once, after reconnecting by itself', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    await h.driver.quote('BBB', { bid: 49, ask: 50 });
    const early = limit('buy', 100, 2);
    h.client.submit(early, h.driver.now());
    await h.client.sync();
    await until(() => early.status === 'filled', 'a fill before the drop');
    const fills = limit('buy', 98);
    const cancels = limit('buy', 40, 5, 'BBB');
    for (const o of [fills, cancels]) h.client.submit(o, h.driver.now());
    await h.client.sync();
    await until(() => fills.status === 'accepted' && cancels.status === 'accepted', 'both working');
    const execReqs = (): LoggedReq[] => h!.tws.requests.filter((r) => r.msgId === M.OUT.REQ_EXECUTIONS);
    const before = execReqs().length;

    h.tws.drop();
    await until(() => h!.client.connectionState === 'reconnecting', 'reconnecting');
    await h.driver.quote('AAA', { bid: 97, ask: 98, askSize: 4 });
    await h.driver.quote('AAA', { bid: 97, ask: 98 });
    // Someone cancels the other order at TWS (another client, the TWS window) while we are away.
    h.exchange.cancel({ clientOrderId: `7:${h.tws.ordersByRef(cancels.id)[0]!.orderId}` });
    const submitAway = limit('buy', 90);
    h.client.submit(submitAway, h.driver.now());
    expect(submitAway.status).toBe('rejected');
    h.tws.restore();
    await until(() => h!.client.connectionState === 'connected', 'connected again', 5_000);

    expect(sink.connection.map((e) => e.state).slice(-2)).toEqual(['reconnecting', 'connected']);
    await until(() => fills.status === 'filled' && cancels.status === 'canceled', 'caught up');
    expect(sink.fills(fills.id).map((f) => [f.qty, f.price])).toEqual([[4, 98], [6, 98]]);
    expect(sink.fills(early.id)).toHaveLength(1);
    expect(sink.types(cancels.id).filter((t) => t === 'OrderCanceled')).toHaveLength(1);
    // The gap fill asked for executions since the last one seen (to the second, UTC), not the whole day.
    const gap = execReqs().slice(before);
    expect(gap.length).toBeGreaterThanOrEqual(1);
    const lastSeen = h.exchange.fills().find((f) => f.clientOrderId.endsWith(`:${h!.tws.ordersByRef(early.id)[0]!.orderId}`))!.tsMs;
    expect(gap[0]!.fields[5]).toBe(formatIbUtc(lastSeen - 1_000));
    // Live again: a new order trades.
    const after = limit('buy', 98, 1);
    h.client.submit(after, h.driver.now());
    await h.client.sync();
    await until(() => after.status === 'filled', 'trades after the reconnect');
  });

  it('a placeOrder whose answers are lost is found by orderRef and never sent as a second order', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, { answerTimeoutMs: 300 });
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = limit('buy', 95);
    h.tws.muteNextPlace();
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    expect(o.status).toBe('submitted');
    await until(() => o.status === 'accepted', 'found by the lookup', 5_000);
    expect(h.log.some((l) => /send-failed ambiguous: no answer from TWS/.test(l))).toBe(true);
    expect(h.log.some((l) => new RegExp(`${o.id}.*found`).test(l))).toBe(true);
    expect(h.exchange.requests).toHaveLength(1);
    expect(h.exchange.duplicateAcceptances()).toEqual([]);
    expect(h.tws.ordersByRef(o.id)).toHaveLength(1);
    await h.driver.quote('AAA', { bid: 94, ask: 95 });
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
  });

  it('a restarted client refuses a client order id TWS already knows (orderRef of an order placed before the restart)', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = limit('buy', 100, 1);
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
    const sink2 = new RecordingSink();
    const again = await h.restart!(sink2);
    await again.connect();
    const copy = new Order(o.id, 's', { symbol: 'AAA', side: 'buy', type: 'market', qty: 1 }, h.driver.now());
    again.submit(copy, h.driver.now());
    expect(copy.status).toBe('initialized');
    expect(sink2.rejectionsOf(o.id, 'submit')).toHaveLength(1);
    expect(h.exchange.requests).toHaveLength(1);
  });
});

type LoggedReq = IbHarness['tws']['requests'][number];
