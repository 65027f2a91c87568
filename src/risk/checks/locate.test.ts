import { describe, expect, it } from 'vitest';
import type { Order, OrderSide } from '../../model/order.ts';
import { RiskEngine } from '../risk-engine.ts';
import { riskChecksFromConfig } from './config.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { LocateCheck, locateCheckOf } from './locate.ts';
import { MemoryRiskView } from './view.ts';

describe('short sale without a locate (short-locate)', () => {
  // TSLA: 100 located; AAPL: easy to borrow; XOM: nothing.
  const make = () => new LocateCheck({ easyToBorrow: ['AAPL'], locates: { TSLA: 100 } });
  type Row = [label: string, symbol: string, position: number, side: OrderSide, qty: number, workingSells: number, reason: string | null];
  const rows: Row[] = [
    ['a buy never needs a locate', 'XOM', 0, 'buy', 500, 0, null],
    ['selling no more than the long is not a short sale', 'XOM', 50, 'sell', 50, 0, null],
    ['a short sale without a locate is denied', 'XOM', 0, 'sell', 1, 0, 'XOM is not on the easy-to-borrow list: a short sale of 1 opens 1 short, located 0'],
    ['a flip from 50 long to 10 short needs a locate for 10', 'XOM', 50, 'sell', 60, 0, 'XOM is not on the easy-to-borrow list: a short sale of 60 opens 10 short, located 0'],
    ['an easy-to-borrow symbol needs none', 'AAPL', 0, 'sell', 10_000, 0, null],
    ['a short within the locate passes', 'TSLA', 0, 'sell', 100, 0, null],
    ['a short beyond the locate is denied', 'TSLA', 0, 'sell', 101, 0, 'TSLA is not on the easy-to-borrow list: a short sale of 101 opens 101 short, located 100'],
    ['an existing short is already borrowed: only the addition counts', 'TSLA', -500, 'sell', 100, 0, null],
    ['working sells count against the locate', 'TSLA', 0, 'sell', 50, 60, 'TSLA is not on the easy-to-borrow list: a short sale of 50 with working sells of 60 opens 110 short, located 100'],
    ['working sells that only close the long do not', 'TSLA', 60, 'sell', 100, 60, null],
  ];
  it.each(rows)('%s', (_label, symbol, position, side, qty, workingSells, reason) => {
    const working: Order[] = workingSells > 0 ? [makeOrder('sell', workingSells, symbol, { type: 'limit', limitPrice: 500 })] : [];
    const view = new MemoryRiskView({ positions: { [symbol]: position }, working });
    expect(make().check(makeOrder(side, qty, symbol), 10, view)).toBe(reason);
  });

  it('uses the locate up as fills open shorts, and takes new locates', () => {
    const c = make();
    const view = new MemoryRiskView({ positions: { TSLA: 0 } });
    c.onFill({ orderId: 'A', symbol: 'TSLA', side: 'sell', qty: 30, price: 10, tsMs: 0, positionAfter: -30 });
    expect(c.remaining('TSLA')).toBe(70);
    view.positions.set('TSLA', -30);
    expect(c.check(makeOrder('sell', 70, 'TSLA'), 10, view)).toBeNull();
    expect(c.check(makeOrder('sell', 71, 'TSLA'), 10, view)).toMatch(/opens 71 short, located 70$/);
    // Covering does not give the locate back; a sale out of a long does not use it.
    c.onFill({ orderId: 'B', symbol: 'TSLA', side: 'buy', qty: 30, price: 10, tsMs: 0, positionAfter: 0 });
    c.onFill({ orderId: 'C', symbol: 'TSLA', side: 'sell', qty: 20, price: 10, tsMs: 0, positionAfter: 10 });
    expect(c.remaining('TSLA')).toBe(70);
    // A flip from 10 long to 15 short uses 15.
    c.onFill({ orderId: 'D', symbol: 'TSLA', side: 'sell', qty: 25, price: 10, tsMs: 0, positionAfter: -15 });
    expect(c.remaining('TSLA')).toBe(55);
    c.addLocate('TSLA', 45);
    expect(c.remaining('TSLA')).toBe(100);
    expect(() => c.addLocate('TSLA', 0)).toThrow(/shortSale\.locates\.TSLA/);
  });

  it('denies and names the member when the view has no working orders', () => {
    expect(make().check(makeOrder('sell', 1, 'TSLA'), 10, viewWithout(new MemoryRiskView(), 'workingOrders'))).toBe('the risk view does not provide workingOrders(symbol)');
  });

  it('is off by default and on with shortSale.requireLocate; the engine forwards fills', () => {
    expect(locateCheckOf(riskChecksFromConfig())).toBeUndefined();
    const checks = riskChecksFromConfig({ shortSale: { requireLocate: true, locates: { TSLA: 10 } }, maxPositionPct: null, maxGrossLeverage: null });
    const engine = new RiskEngine({}, checks);
    const view = new MemoryRiskView({ equity: 1e6, prices: { TSLA: 10 } });
    expect(engine.check(makeOrder('sell', 11, 'TSLA'), 10, view)).toBe('short-locate: TSLA is not on the easy-to-borrow list: a short sale of 11 opens 11 short, located 10');
    expect(engine.wantsFills).toBe(true);
    engine.onFill({ orderId: 'A', symbol: 'TSLA', side: 'sell', qty: 4, price: 10, tsMs: 0, positionAfter: -4 });
    expect(locateCheckOf(checks)!.remaining('TSLA')).toBe(6);
  });
});
