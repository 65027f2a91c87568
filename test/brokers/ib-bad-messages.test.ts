// Malformed TWS messages never crash the node and never reach an order: each is reported (naming the
// message and field) and skipped, and the session goes on. Some of them make the library's own decoder
// throw inside its socket handler (bad advanced-reject JSON, a negative count), which the session guards.
import { afterEach, describe, expect, it } from 'vitest';
import { baseExecId, formatIbUtc, IbPayloadError, parseExecution, parseIbTime, parseOrderStatus } from '../../src/brokers/ib/parse.ts';
import { IbSymbols } from '../../src/brokers/ib/symbols.ts';
import { InputError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import * as M from '../fakes/ib/messages.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';
import { frame } from '../fakes/ib/wire.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AAA = { conId: 265598, symbol: 'AAA', secType: 'STK', exchange: 'SMART', currency: 'USD', localSymbol: 'AAA' };

describe('bad TWS messages', () => {
  it('are reported and skipped; orders are untouched and the session keeps trading', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = new Order(`B-${process.pid}-1`, 's', { symbol: 'AAA', side: 'buy', type: 'limit', limitPrice: 95, qty: 10 }, h.driver.now());
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    await until(() => o.status === 'accepted', 'working');
    const orderId = h.tws.ordersByRef(o.id)[0]!.orderId;

    // A fill quantity that is not a number, for our order.
    h.tws.broadcast(M.orderStatus({ orderId, status: 'Cancelled', filled: Number.NaN, remaining: 10, avgFillPrice: 0, permId: 1, lastFillPrice: 0, clientId: 7 }));
    // An unknown status word.
    h.tws.broadcast(M.orderStatus({ orderId, status: 'Exploded', filled: 0, remaining: 10, avgFillPrice: 0, permId: 1, lastFillPrice: 0, clientId: 7 }));
    // An execution with a negative size and one with an unreadable time.
    const exec = { reqId: -1, orderId, execId: '0000aaaa.00000001.01.01', time: '20240102 09:31:00 US/Eastern', account: h.options.account, exchange: 'ISLAND', side: 'BOT' as const, shares: -5, price: 95, permId: 1, clientId: 7, cumQty: 0, avgPrice: 0, orderRef: o.id, lastLiquidity: 2 };
    h.tws.broadcast(M.execDetails(AAA, exec));
    h.tws.broadcast(M.execDetails(AAA, { ...exec, shares: 5, execId: '0000aaab.00000001.01.01', time: 'yesterday at noon' }));
    h.tws.broadcast(M.commissionReport('0000aaab.00000001.01.01', 1, 'USD'));
    // Messages the library's decoder cannot take: invalid advanced-reject JSON (JSON.parse throws in its
    // socket handler), a truncated order status (underrun), an unknown message id, a non-numeric id.
    h.tws.broadcast(M.errorMsg(orderId, 201, 'Order rejected - reason:', '{"not json'));
    h.tws.broadcastRaw(frame([M.IN.ORDER_STATUS, orderId]));
    h.tws.broadcastRaw(frame([999, 1, 2, 3]));
    h.tws.broadcastRaw(frame(['garbage', 'x']));
    await h.client.sync();

    expect(o.status).toBe('accepted');
    expect(o.filledQty).toBe(0);
    expect(sink.fills()).toEqual([]);
    const bad = h.log.filter((l) => /bad |skipped|could not be decoded|Underrun|No parser|left out/i.test(l));
    expect(bad.some((l) => /orderStatus.*field "filled"/.test(l))).toBe(true);
    expect(bad.some((l) => /orderStatus.*field "status"/.test(l))).toBe(true);
    expect(bad.some((l) => /execDetails.*field "execution.shares"/.test(l))).toBe(true);
    expect(bad.some((l) => /execution 0000aaab.* skipped: .*execution.time/.test(l))).toBe(true);
    expect(bad.some((l) => /could not be decoded/.test(l))).toBe(true);
    expect(bad.some((l) => /Underrun/.test(l))).toBe(true);

    // Still trading: the order fills on the next quote, once.
    await h.driver.quote('AAA', { bid: 94, ask: 95 });
    await h.client.sync();
    await until(() => o.status === 'filled', 'filled');
    expect(sink.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[10, 95]]);
  });
});

describe('IB payload parsing', () => {
  it('names the message and field of a bad payload', () => {
    expect(() => parseOrderStatus([5, 'Submitted', Number.NaN, 10, 0, 1, 0, 0, 7, ''])).toThrow(IbPayloadError);
    expect(() => parseOrderStatus([5, 'Submitted', Number.NaN, 10, 0, 1, 0, 0, 7, ''])).toThrow(/^invalid orderStatus from ib: field "filled"/);
    expect(() => parseExecution(-1, { symbol: 'AAA', secType: 'STK', currency: 'USD' }, { orderId: 1, execId: 'e', time: 't', side: 'BOUGHT', shares: 1, price: 1 })).toThrow(/field "execution.side"/);
  });

  it('reads TWS times with and without a zone, and writes filter times in UTC', () => {
    expect(parseIbTime('20240102 09:30:05 US/Eastern')).toBe(Date.UTC(2024, 0, 2, 14, 30, 5));
    expect(parseIbTime('20240702 09:30:05 America/New_York')).toBe(Date.UTC(2024, 6, 2, 13, 30, 5));
    expect(parseIbTime('20240102  14:30:05')).toBe(Date.UTC(2024, 0, 2, 14, 30, 5));
    expect(parseIbTime('20240102  09:30:05', 'US/Eastern')).toBe(Date.UTC(2024, 0, 2, 14, 30, 5));
    expect(parseIbTime('20240102-14:30:05')).toBe(Date.UTC(2024, 0, 2, 14, 30, 5));
    expect(() => parseIbTime('20240102 09:30:05 Mars/Olympus')).toThrow(/unknown time zone/);
    expect(formatIbUtc(Date.UTC(2024, 0, 2, 14, 30, 5, 999))).toBe('20240102-14:30:05');
    expect(baseExecId('0001f4e8.657a9b3c.01.02')).toBe('0001f4e8.657a9b3c.01');
  });

  it('maps symbols to contracts: stocks SMART/USD, forex on IDEALPRO, futures by month and exchange, explicit ones', () => {
    const s = new IbSymbols({ 'VOD.L': { secType: 'STK', symbol: 'VOD', exchange: 'SMART', primaryExch: 'LSE', currency: 'GBP' } });
    expect(s.contractOf('AAPL')).toEqual({ secType: 'STK', symbol: 'AAPL', exchange: 'SMART', currency: 'USD' });
    expect(s.contractOf('EUR/USD')).toEqual({ secType: 'CASH', symbol: 'EUR', currency: 'USD', exchange: 'IDEALPRO' });
    expect(s.contractOf('ES-202503@CME')).toEqual({ secType: 'FUT', symbol: 'ES', lastTradeDateOrContractMonth: '202503', exchange: 'CME', currency: 'USD' });
    expect(s.contractOf('VOD.L')).toMatchObject({ symbol: 'VOD', currency: 'GBP', primaryExch: 'LSE' });
    expect(() => s.contractOf('not a symbol')).toThrow(InputError);
    expect(s.symbolOf({ secType: 'CASH', symbol: 'EUR', currency: 'USD' })).toBe('EUR/USD');
    expect(s.symbolOf({ secType: 'FUT', symbol: 'ES', currency: 'USD', lastTradeDateOrContractMonth: '20250321', exchange: 'CME' })).toBe('ES-202503@CME');
    expect(s.symbolOf({ secType: 'STK', symbol: 'VOD', currency: 'GBP' })).toBe('VOD.L');
  });
});
