// The Bot page's rules apart from the browser: the order a ticket makes or its errors by field, the field a
// risk denial or an API problem concerns, the node's strategy ids, the drawdown curve and the data's age.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api/problem.ts';
import { drawdownOf, fmtAge, isStale } from '../../web/src/pages/bot/figures.ts';
import { denialField, orderOf, problemFields, strategyIdsOf, type Ticket } from '../../web/src/pages/bot/order-ticket.ts';

const ticket = (t: Partial<Ticket>): Ticket => ({ strategyId: '', symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: '1', limitPrice: '50', ...t });

describe('the order ticket', () => {
  it('makes the order of a complete ticket, with the limit price only for a limit and the book only when chosen', () => {
    expect(orderOf(ticket({ qty: '0.5', limitPrice: '101.25' }))).toEqual({ order: { symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.5, limitPrice: 101.25 } });
    expect(orderOf(ticket({ type: 'market', side: 'sell', strategyId: 'rsi', symbol: ' ETH-USD ', limitPrice: 'ignored' }))).toEqual({ order: { symbol: 'ETH-USD', side: 'sell', type: 'market', qty: 1, strategyId: 'rsi' } });
  });

  it('names each missing or bad field', () => {
    expect(orderOf(ticket({ symbol: ' ', qty: '0', limitPrice: '' }))).toEqual({
      errors: { symbol: 'Enter a symbol the bot trades.', qty: 'Enter a quantity above 0.', limitPrice: 'A limit order needs a limit price above 0.' },
    });
    expect(orderOf(ticket({ qty: 'abc' }))).toEqual({ errors: { qty: 'Enter a quantity above 0.' } });
    expect(orderOf(ticket({ qty: '-2', type: 'market', limitPrice: '' }))).toEqual({ errors: { qty: 'Enter a quantity above 0.' } });
  });

  it('puts a denial under the field its check is about, or on the whole order', () => {
    expect(denialField('max-order-notional: order notional 20460.00 exceeds max 5000.00', 'market')).toBe('qty');
    expect(denialField('buying-power: needs 300.00, has 10.00', 'limit')).toBe('qty');
    expect(denialField('allocation: strategy rsi needs 500.00, has 20.00', 'limit')).toBe('qty');
    expect(denialField('price-collar: limit 50 is 75.6% from last 204.7 (max 10%)', 'limit')).toBe('limitPrice');
    expect(denialField('price-collar: reference 204 is 12% from last 180 (max 10%)', 'market')).toBeNull();
    expect(denialField('short-sale: BTC-USD may not be sold short', 'market')).toBe('side');
    expect(denialField('restricted-symbol: SYN000 is restricted', 'market')).toBe('symbol');
    expect(denialField('kill switch: trading is halted', 'market')).toBeNull();
    expect(denialField('order-rate: 5 orders in 1000 ms', 'market')).toBeNull();
  });

  it('reads the API problem of a field without its body. prefix', () => {
    const p = new ApiError({ status: 400, code: 'bad_request', message: 'body.qty: Too small: expected number to be >0', field: 'body.qty' });
    expect(problemFields(p)).toEqual({ qty: 'Too small: expected number to be >0' });
    const symbol = new ApiError({ status: 404, code: 'not_found', message: 'bot "demo" does not trade "XXX" (it trades BTC-USD)', field: 'body.symbol' });
    expect(problemFields(symbol)).toEqual({ symbol: 'bot "demo" does not trade "XXX" (it trades BTC-USD)' });
    expect(problemFields(new ApiError({ status: 409, code: 'conflict', message: 'warming up', field: 'id' }))).toEqual({});
    expect(problemFields(new Error('network'))).toEqual({});
  });

  it('names strategies as the node does: twice the same one is name-<position>', () => {
    expect(strategyIdsOf(['sma-cross', 'rsi', 'sma-cross'])).toEqual(['sma-cross-1', 'rsi', 'sma-cross-3']);
    expect(strategyIdsOf(['buy-and-hold'])).toEqual(['buy-and-hold']);
  });
});

describe('the figures', () => {
  it('draws down from the running peak, in percent', () => {
    const pts = [100, 110, 99, 121, 60.5].map((value, i) => ({ timeMs: i * 1000, value }));
    const dd = drawdownOf(pts).map((p) => Number(p.value.toFixed(6)));
    expect(dd).toEqual([0, 0, -10, 0, -50]);
    expect(drawdownOf([])).toEqual([]);
  });

  it('reads the data age and calls it stale past two bars and five seconds', () => {
    expect([fmtAge(420), fmtAge(12_400), fmtAge(185_000), fmtAge(7_500_000), fmtAge(null)]).toEqual(['0.4 s', '12 s', '3 min', '2 h 5 min', '—']);
    const h = { lastBarMs: 0, barMs: 1000, feed: null, venue: null };
    expect(isStale({ ...h, dataAgeMs: 7000 })).toBe(false);
    expect(isStale({ ...h, dataAgeMs: 7001 })).toBe(true);
    expect(isStale({ ...h, barMs: 60_000, dataAgeMs: 120_000 })).toBe(false);
    expect(isStale({ ...h, dataAgeMs: null })).toBe(false);
  });
});
