// Order shapes through the wire: futures and forex contracts (and back to Sextant symbols), a trailing
// stop by percent, IOC remainders expiring, GTD expiry sent in UTC, a modification TWS refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import * as M from '../fakes/ib/messages.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
const order = (req: Partial<OrderRequest> & Pick<OrderRequest, 'symbol' | 'side' | 'type' | 'qty'>): Order => new Order(`O-${process.pid}-${++n}`, 's', req, Date.UTC(2024, 0, 2, 14, 30));

const EXTRA = {
  'ES-202503@CME': { conId: 620731015, symbol: 'ES', secType: 'FUT', lastTradeDateOrContractMonth: '20250321', multiplier: 50, exchange: 'CME', currency: 'USD', localSymbol: 'ESH5', tradingClass: 'ES' },
  'EUR/USD': { conId: 12087792, symbol: 'EUR', secType: 'CASH', exchange: 'IDEALPRO', currency: 'USD', localSymbol: 'EUR.USD', tradingClass: 'EUR.USD' },
};

describe('IB order shapes', () => {
  it('trades a future and a forex pair; positions come back under the same symbols, futures avgCost divided by the multiplier', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, {}, EXTRA);
    await h.client.connect();
    await h.driver.quote('ES-202503@CME', { bid: 5000, ask: 5000.25 });
    await h.driver.quote('EUR/USD', { bid: 1.1, ask: 1.1001 });
    const fut = order({ symbol: 'ES-202503@CME', side: 'buy', type: 'market', qty: 2 });
    const fx = order({ symbol: 'EUR/USD', side: 'sell', type: 'limit', limitPrice: 1.1, qty: 20_000 });
    h.client.submit(fut, h.driver.now());
    h.client.submit(fx, h.driver.now());
    await h.client.sync();
    await until(() => fut.status === 'filled' && fx.status === 'filled', 'both filled');
    const placed = h.tws.requests.filter((r) => r.msgId === M.OUT.PLACE_ORDER).map((r) => r.fields.slice(3, 11));
    expect(placed).toEqual([
      ['ES', 'FUT', '202503', '', '', '', 'CME', ''],
      ['EUR', 'CASH', '', '', '', '', 'IDEALPRO', ''],
    ]);
    const pos = new Map((await h.client.positions()).map((p) => [p.symbol, p]));
    expect(pos.get('ES-202503@CME')).toMatchObject({ qty: 2, avgPrice: 5000.25 });
    expect(pos.get('EUR/USD')).toMatchObject({ qty: -20_000, avgPrice: 1.1 });
    const fills = await h.client.fillsSince(0);
    expect(fills.map((f) => f.symbol).sort()).toEqual(['ES-202503@CME', 'EUR/USD']);
  });

  it('a trailing stop by percent follows the market in TWS and fills when it turns', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = order({ symbol: 'AAA', side: 'sell', type: 'trailing-stop', qty: 5, trailing: { kind: 'percent', value: 2 } });
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await h.driver.quote('AAA', { bid: 110, ask: 111 });
    await h.client.sync();
    expect((await h.client.queryOrder(o.id))!.stopPrice).toBeCloseTo(110 * 0.98, 9);
    const sent = h.tws.requests.find((r) => r.msgId === M.OUT.PLACE_ORDER)!.fields;
    expect(sent[18]).toBe('TRAIL');
    await h.driver.quote('AAA', { bid: 107, ask: 108 });
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
    expect(sink.types(o.id)).toContain('OrderTriggered');
    expect(sink.fills(o.id).map((f) => f.price)).toEqual([107]);
  });

  it('an IOC remainder ends as expired; a GTD order carries its expiry in UTC', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100, askSize: 3 });
    const ioc = order({ symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: 100, qty: 10, tif: 'IOC' });
    const gtd = order({ symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: 90, qty: 1, tif: 'GTD', expireTimeMs: Date.UTC(2024, 0, 5, 21, 0) });
    h.client.submit(ioc, h.driver.now());
    h.client.submit(gtd, h.driver.now());
    await h.client.sync();
    await until(() => ioc.status === 'expired', 'IOC remainder expired');
    expect(sink.fills(ioc.id).map((f) => f.qty)).toEqual([3]);
    const gtdSent = h.tws.requests.filter((r) => r.msgId === M.OUT.PLACE_ORDER)[1]!.fields;
    expect(gtdSent).toContain('20240105-21:00:00');
    expect((await h.client.queryOrder(gtd.id))!.tif).toBe('GTD');
  });

  it('a modification TWS refuses (104: the order has filled) is a CommandRejected; the fill still arrives', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, { answerTimeoutMs: 2_500 });
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = order({ symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: 95, qty: 10 });
    h.tws.muteNextPlace(); // TWS's answers about the order are lost: the client has not heard it filled
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await h.driver.quote('AAA', { bid: 94, ask: 95 });
    await h.client.sync();
    expect(o.status).toBe('submitted');
    h.client.modify(o.id, { limitPrice: 94 }, h.driver.now());
    await h.client.sync();
    await until(() => sink.rejectionsOf(o.id, 'modify').length === 1, 'modify refused');
    expect(sink.rejectionsOf(o.id, 'modify')[0]!.reason).toMatch(/^104: Can't modify a filled order/);
    expect(sink.types(o.id)).not.toContain('OrderUpdated');
    await until(() => o.status === 'filled', 'the lost answer looked up: filled', 6_000);
    expect(sink.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[10, 95]]);
  });

  it('concurrent queries and pings each get their own answer (answers without a request id go one at a time)', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, { requestTimeoutMs: 2_000 });
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = order({ symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: 100, qty: 3 });
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    const started = Date.now();
    const [, , open, fills, positions, balances, one] = await Promise.all([
      h.client.sync(), h.client.sync(), h.client.openOrders(), h.client.fillsSince(0), h.client.positions(), h.client.balances(), h.client.queryOrder(o.id),
    ]);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(open).toEqual([]);
    expect(fills.map((f) => f.qty)).toEqual([3]);
    expect(positions.map((p) => [p.symbol, p.qty])).toEqual([['AAA', 3]]);
    expect(balances.map((b) => b.currency)).toEqual(['USD']);
    expect(one).toMatchObject({ status: 'filled', filledQty: 3, avgFillPrice: 100 });
  });
});
