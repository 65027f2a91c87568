import { describe, expect, it } from 'vitest';
import { FakeExchange } from './fake-exchange.ts';

const make = (clientIds: 'open-orders' | 'forever' = 'open-orders') => new FakeExchange({ symbols: ['AAA', 'BBB'], cash: 10_000, currency: 'USD', clientIds, commissionRate: 0.001 });

describe('FakeExchange', () => {
  it('fills a market buy at the ask up to the size shown, the rest on the next quote, with average-cost positions and cash', () => {
    const x = make();
    x.quote('AAA', { bid: 99, ask: 100, askSize: 3 });
    const r = x.place({ clientOrderId: 'a', symbol: 'AAA', side: 'buy', type: 'market', tif: 'GTC', qty: 5 });
    expect(r.ok && r.order.status).toBe('partially-filled');
    x.quote('AAA', { bid: 100, ask: 101 });
    expect(x.fills().map((f) => [f.qty, f.price, f.liquidity])).toEqual([[3, 100, 'taker'], [2, 101, 'taker']]);
    expect(x.positions()).toEqual([{ symbol: 'AAA', qty: 5, avgPrice: (300 + 202) / 5 }]);
    expect(x.cash).toBeCloseTo(10_000 - 502 - 0.502, 9);
  });

  it('rests limits until reached, triggers stops, trails trailing stops and refuses short sales', () => {
    const x = make();
    x.quote('AAA', { bid: 99, ask: 100 });
    x.place({ clientOrderId: 'buy', symbol: 'AAA', side: 'buy', type: 'market', tif: 'GTC', qty: 10 });
    const lim = x.place({ clientOrderId: 'lim', symbol: 'AAA', side: 'sell', type: 'limit', tif: 'GTC', qty: 4, limitPrice: 102 });
    const trail = x.place({ clientOrderId: 'tr', symbol: 'AAA', side: 'sell', type: 'trailing-stop', tif: 'GTC', qty: 6, trailing: { kind: 'amount', value: 2 } });
    expect(x.place({ clientOrderId: 'short', symbol: 'AAA', side: 'sell', type: 'market', tif: 'GTC', qty: 1 })).toMatchObject({ ok: false, code: 'insufficient-position' });
    x.quote('AAA', { bid: 101, ask: 102 });
    expect(lim.ok && lim.order.status).toBe('new');
    x.quote('AAA', { bid: 102, ask: 103 });
    expect(lim.ok && lim.order.status).toBe('filled');
    expect(trail.ok && trail.order.stopPrice).toBe(100);
    x.quote('AAA', { bid: 100, ask: 101 });
    expect(trail.ok && [trail.order.status, trail.order.avgFillPrice]).toEqual(['filled', 100]);
    expect(x.positions()).toEqual([]);
  });

  it('refuses a client id in use while its order works; reuse after the end depends on the venue policy', () => {
    const open = make('open-orders');
    open.quote('AAA', { bid: 99, ask: 100 });
    expect(open.place({ clientOrderId: 'x', symbol: 'AAA', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 90 }).ok).toBe(true);
    expect(open.place({ clientOrderId: 'x', symbol: 'AAA', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 90 })).toMatchObject({ ok: false, code: 'duplicate' });
    open.cancel({ clientOrderId: 'x' });
    expect(open.place({ clientOrderId: 'x', symbol: 'AAA', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 90 }).ok).toBe(true);
    expect(open.duplicateAcceptances()).toEqual(['x']);
    const forever = make('forever');
    forever.place({ clientOrderId: 'y', symbol: 'AAA', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 90 });
    forever.cancel({ clientOrderId: 'y' });
    expect(forever.place({ clientOrderId: 'y', symbol: 'AAA', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 90 })).toMatchObject({ ok: false, code: 'duplicate' });
    expect(forever.requests.map((r) => r.accepted)).toEqual([true, false]);
  });
});
