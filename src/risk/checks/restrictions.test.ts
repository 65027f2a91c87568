import { describe, expect, it } from 'vitest';
import type { OrderRequest, OrderSide } from '../../model/order.ts';
import { makeOrder } from './fixtures.ts';
import { ReduceOnlyMode, restrictedSymbolsCheck, ShortSaleCheck } from './restrictions.ts';
import { MemoryRiskView } from './view.ts';

describe('restricted symbols', () => {
  const rows: [string, boolean, string, number, OrderSide, number, boolean][] = [
    ['a buy of a restricted symbol is denied', false, 'GME', 0, 'buy', 1, true],
    ['a sell closing a restricted position is denied by default', false, 'GME', 10, 'sell', 10, true],
    ['with allowReducing, closing a restricted position passes', true, 'GME', 10, 'sell', 10, false],
    ['with allowReducing, adding to it is still denied', true, 'GME', 10, 'buy', 1, true],
    ['an unrestricted symbol passes', false, 'AAPL', 0, 'buy', 1, false],
  ];
  it.each(rows)('%s', (_label, allowReducing, symbol, position, side, qty, denied) => {
    const check = restrictedSymbolsCheck(['GME', 'AMC'], { allowReducing });
    const view = new MemoryRiskView({ positions: { [symbol]: position } });
    expect(check.check(makeOrder(side, qty, symbol), 10, view) !== null).toBe(denied);
  });

  it('names the symbol', () => {
    expect(restrictedSymbolsCheck(['GME']).check(makeOrder('buy', 1, 'GME'), 10, new MemoryRiskView())).toBe('GME is on the restricted list');
  });
});

describe('short-sale restriction: no-short list', () => {
  const check = new ShortSaleCheck({ noShortSymbols: ['HTB'] });
  const rows: [string, number, OrderSide, number, boolean][] = [
    ['selling the whole long position passes', 100, 'sell', 100, false],
    ['selling one more than the long position is denied', 100, 'sell', 101, true],
    ['opening a short is denied', 0, 'sell', 1, true],
    ['adding to an existing short is denied', -10, 'sell', 1, true],
    ['covering a short passes', -10, 'buy', 10, false],
  ];
  it.each(rows)('%s', (_label, position, side, qty, denied) => {
    const view = new MemoryRiskView({ positions: { HTB: position } });
    expect(check.check(makeOrder(side, qty, 'HTB'), 10, view) !== null).toBe(denied);
  });

  it('names the symbol, the position and the sale, and lets other symbols be shorted', () => {
    expect(check.check(makeOrder('sell', 5, 'HTB'), 10, new MemoryRiskView())).toBe('HTB may not be sold short (position 0, sell 5)');
    expect(check.check(makeOrder('sell', 5, 'AAPL'), 10, new MemoryRiskView())).toBeNull();
  });
});

describe('short-sale restriction: uptick rule', () => {
  type Req = Partial<OrderRequest>;
  const market: Req = { type: 'market' };
  const limit = (p: number): Req => ({ type: 'limit', limitPrice: p });
  // prices fed in order; the last move decides.
  const rows: [string, number[], Req, boolean][] = [
    ['no prices yet: a market short passes', [], market, false],
    ['one price, no move yet: passes', [100], market, false],
    ['after an up move a market short passes', [100, 101], market, false],
    ['after a down move a market short is denied', [101, 100], market, true],
    ['after a down move a short limit above the last price passes', [101, 100], limit(100.01), false],
    ['after a down move a short limit at the last price is denied (zero-minus tick)', [101, 100], limit(100), true],
    ['after a down move a short limit below the last price is denied', [101, 100], limit(99), true],
    ['a zero tick after a down move keeps it a down move', [101, 100, 100], market, true],
    ['a zero tick after an up move keeps it an up move', [99, 100, 100], market, false],
    ['a down move then an up move allows it again', [101, 100, 100.5], market, false],
  ];
  it.each(rows)('%s', (_label, prices, req, denied) => {
    const check = new ShortSaleCheck({ uptickRule: true });
    prices.forEach((p, i) => check.onMarketData('AAPL', i, p));
    const view = new MemoryRiskView({ prices: { AAPL: prices.at(-1) ?? 100 } });
    expect(check.check(makeOrder('sell', 10, 'AAPL', req), 100, view) !== null).toBe(denied);
  });

  it('does not apply to a sell that only reduces a long', () => {
    const check = new ShortSaleCheck({ uptickRule: true });
    check.onMarketData('AAPL', 0, 101);
    check.onMarketData('AAPL', 1, 100);
    expect(check.check(makeOrder('sell', 10), 100, new MemoryRiskView({ positions: { AAPL: 10 } }))).toBeNull();
    expect(check.check(makeOrder('sell', 11), 100, new MemoryRiskView({ positions: { AAPL: 10 } }))).not.toBeNull();
  });

  it('tracks each symbol on its own and names the last price', () => {
    const check = new ShortSaleCheck({ uptickRule: true });
    check.onMarketData('A', 0, 10);
    check.onMarketData('B', 0, 10);
    check.onMarketData('A', 1, 9);
    check.onMarketData('B', 1, 11);
    expect([check.direction('A'), check.direction('B'), check.direction('C')]).toEqual([-1, 1, 0]);
    expect(check.check(makeOrder('sell', 1, 'A'), 9, new MemoryRiskView())).toBe(
      'uptick rule: after a down move to 9.00 a market short sale of A is not allowed; use a limit above 9.00',
    );
    expect(check.check(makeOrder('sell', 1, 'A', limit(8.5)), 8.5, new MemoryRiskView())).toBe(
      'uptick rule: after a down move to 9.00 a short sale of A must be priced above it, limit 8.50',
    );
    expect(check.check(makeOrder('sell', 1, 'B'), 11, new MemoryRiskView())).toBeNull();
  });

  it('is off unless asked for', () => {
    const check = new ShortSaleCheck();
    check.onMarketData('AAPL', 0, 101);
    check.onMarketData('AAPL', 1, 100);
    expect(check.check(makeOrder('sell', 10), 100, new MemoryRiskView())).toBeNull();
  });
});

describe('account-wide reduce-only mode', () => {
  const rows: [string, number, OrderSide, number, boolean][] = [
    ['opening a position is denied', 0, 'buy', 1, true],
    ['adding to a long is denied', 10, 'buy', 1, true],
    ['selling part of a long passes', 10, 'sell', 5, false],
    ['closing a long passes', 10, 'sell', 10, false],
    ['flipping a long to a bigger short is denied', 10, 'sell', 21, true],
    ['covering a short passes', -10, 'buy', 10, false],
  ];
  it.each(rows)('%s', (_label, position, side, qty, denied) => {
    const check = new ReduceOnlyMode(true);
    expect(check.check(makeOrder(side, qty), 100, new MemoryRiskView({ positions: { AAPL: position } })) !== null).toBe(denied);
  });

  it('passes everything while off and switches on and off with a reason', () => {
    const check = new ReduceOnlyMode();
    const view = new MemoryRiskView();
    expect(check.enabled).toBe(false);
    expect(check.check(makeOrder('buy', 1), 100, view)).toBeNull();
    check.enable('operator: end of day');
    expect(check.check(makeOrder('buy', 1), 100, view)).toBe('operator: end of day: buy 1 AAPL would increase the position (0 -> 1)');
    check.disable();
    expect(check.check(makeOrder('buy', 1), 100, view)).toBeNull();
  });
});
