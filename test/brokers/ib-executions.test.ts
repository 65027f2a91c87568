// Executions as fills: each booked once per execution (a reqExecutions replay, a reconnect's gap fill,
// the live message and the query all report the same execId), a corrected execution (same execId up to
// the last period) never books a second fill, and the commission comes from the commissionReport.
import { afterEach, describe, expect, it } from 'vitest';
import { Order } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
const buy = (qty: number, t: number): Order => new Order(`X-${process.pid}-${++n}`, 's', { symbol: 'AAA', side: 'buy', type: 'market', qty }, t);

describe('IB executions', () => {
  it('books each execution once, with the commission of its report, however often TWS repeats it', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100, askSize: 4 });
    const o = buy(10, h.driver.now());
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await h.driver.quote('AAA', { bid: 99, ask: 101 });
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
    // Asking for executions again (the query, twice) replays both through the same path.
    const first = await h.client.fillsSince(0);
    const again = await h.client.fillsSince(0);
    expect(again).toEqual(first);
    expect(sink.fills(o.id).map((f) => [f.qty, f.price, f.commission])).toEqual([
      [4, 100, 4 * 100 * 0.0005],
      [6, 101, 6 * 101 * 0.0005],
    ]);
    expect(first.map((f) => [f.clientOrderId, f.qty, f.price, f.commission, f.liquidity])).toEqual([
      [o.id, 4, 100, 0.2, 'taker'],
      [o.id, 6, 101, 6 * 101 * 0.0005, 'taker'],
    ]);
    expect(new Set(first.map((f) => f.tradeId)).size).toBe(2);
    expect(o.avgFillPrice).toBeCloseTo((4 * 100 + 6 * 101) / 10, 12);
  });

  it('a corrected execution (execId suffix .02) books no second fill; a changed price is logged for reconciliation', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = buy(10, h.driver.now());
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
    const tradeId = h.exchange.fills()[0]!.tradeId;
    const same = h.tws.correct(tradeId, { qty: 10, price: 100 });
    expect(same).toMatch(/\.02$/);
    const changed = h.tws.correct(tradeId, { qty: 10, price: 100.05 });
    expect(changed).toMatch(/\.03$/);
    await h.client.sync();
    expect(sink.fills(o.id)).toHaveLength(1);
    expect(h.log.filter((l) => /corrected by TWS/.test(l))).toHaveLength(1);
    expect(h.log.find((l) => /corrected by TWS/.test(l))).toMatch(/10@100 -> .*\.03 10@100\.05/);
    // The venue's list holds the execution once, in its latest version, under the same trade id.
    const fills = await h.client.fillsSince(0);
    expect(fills.map((f) => [f.tradeId, f.qty, f.price])).toEqual([[changed.slice(0, changed.lastIndexOf('.')), 10, 100.05]]);
  });

  it('an execution whose commission report never comes is booked with commission 0 after the wait, and said so', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, { commissionWaitMs: 150 });
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    // The fake sends the commission right after the execution; a correction without one plays the late report.
    const o = buy(5, h.driver.now());
    const { execDetails } = await import('../fakes/ib/messages.ts');
    h.client.submit(o, h.driver.now());
    await until(() => o.status === 'filled', 'filled');
    h.tws.broadcast(execDetails({ conId: 265598, symbol: 'AAA', secType: 'STK', exchange: 'SMART', currency: 'USD', localSymbol: 'AAA' }, {
      reqId: -1, orderId: 999, execId: '0000ffff.00000001.01.01', time: '20240102 09:31:00 US/Eastern', account: h.options.account, exchange: 'ISLAND', side: 'BOT',
      shares: 1, price: 100, permId: 1, clientId: 7, cumQty: 1, avgPrice: 100, orderRef: o.id, lastLiquidity: 2,
    }));
    await until(() => h!.log.some((l) => /no commission report for execution 0000ffff/.test(l)), 'late commission logged');
    // That execution claims more than the order's quantity: the tracker refuses it (overfill), nothing breaks.
    expect(sink.fills(o.id)).toHaveLength(1);
    expect(h.log.some((l) => /overfill|fill-after-close/.test(l))).toBe(true);
  });
});
